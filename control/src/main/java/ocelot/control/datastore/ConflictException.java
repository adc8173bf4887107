package ocelot.control.datastore;

/**
 * A condition of a {@link Mutation} did not hold, so nothing of the commit was written.
 * {@link #key()} names the first key whose condition failed.
 */
public final class ConflictException extends DatastoreException {
    public enum Reason { ALREADY_EXISTS, NOT_FOUND, REVISION_MISMATCH }

    private final String key;
    private final Reason reason;

    public ConflictException(String key, Reason reason) {
        super(switch (reason) {
            case ALREADY_EXISTS -> "key already exists: " + key;
            case NOT_FOUND -> "key does not exist: " + key;
            case REVISION_MISMATCH -> "key was modified concurrently (revision changed): " + key;
        });
        this.key = key;
        this.reason = reason;
    }

    public String key() {
        return key;
    }

    public Reason reason() {
        return reason;
    }
}
