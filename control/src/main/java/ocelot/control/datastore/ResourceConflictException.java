package ocelot.control.datastore;

import ocelot.control.resource.ResourceKey;

/** A write found a resource in the wrong state: present for create, absent for replace/delete. */
public final class ResourceConflictException extends DatastoreException {
    private final ResourceKey key;
    private final ConflictException.Reason reason;

    public ResourceConflictException(ResourceKey key, ConflictException.Reason reason, ConflictException cause) {
        super(switch (reason) {
            case ALREADY_EXISTS -> "resource already exists: " + key;
            case NOT_FOUND -> "resource does not exist: " + key;
            case REVISION_MISMATCH -> "resource was modified concurrently: " + key;
        }, cause);
        this.key = key;
        this.reason = reason;
    }

    public ResourceKey key() {
        return key;
    }

    public ConflictException.Reason reason() {
        return reason;
    }
}
