package ocelot.control.datastore;

/**
 * One stored key as etcd v3 reports it: the value (UTF-8 text, JSON for resources) and the
 * revisions at which the key was created and last modified. Both revisions come from the
 * store-wide counter, so {@code modRevision} is the compare-and-swap token for updates.
 */
public record KeyValue(String key, String value, long createRevision, long modRevision) {
    public KeyValue {
        if (key == null || key.isEmpty()) throw new IllegalArgumentException("key must not be empty");
        if (value == null) throw new IllegalArgumentException("value of " + key + " must not be null");
    }
}
