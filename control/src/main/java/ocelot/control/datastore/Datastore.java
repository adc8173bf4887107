package ocelot.control.datastore;

import java.util.List;
import java.util.Optional;

/**
 * The key-value store every control-plane component reads and writes, with etcd v3 semantics:
 * one store-wide revision counter incremented per commit, per-key create/mod revisions,
 * multi-key atomic conditional commits, and prefix watches that continue from a revision.
 *
 * <p>Implementations: {@link EmbeddedDatastore} (one machine, a directory on disk) and
 * {@link EtcdDatastore} (etcd v3 through jetcd). {@code DatastoreContract} in the tests holds the
 * behaviour both must show.
 */
public interface Datastore extends AutoCloseable {

    Optional<KeyValue> get(String key);

    /** Keys starting with {@code prefix}, sorted, consistent at the returned revision. */
    Snapshot list(String prefix);

    /** Atomically applies all mutations at one new revision, which it returns. */
    long commit(List<Mutation> mutations);

    /**
     * Streams changes under {@code prefix} with revisions greater than {@code afterRevision}.
     * If that history is no longer available the first callback is a resync.
     */
    Watch watch(String prefix, long afterRevision, WatchListener listener);

    /** Forgets history at and before {@code revision}; watches older than it resync. */
    void compact(long revision);

    /**
     * Throws {@link DatastoreException} unless the store answers a read now (within a couple of
     * seconds for etcd: a node's health must notice a stopped etcd long before a request times
     * out). The embedded store is a local file and always answers.
     */
    default void checkReachable() {
        get("/ocelot/v1/config/asNumber");
    }

    /** A human-readable identity for messages: the data directory or the etcd endpoints. */
    String describe();

    @Override
    void close();

    default long create(String key, String value) {
        return commit(List.of(new Mutation.Create(key, value)));
    }

    default long update(String key, String value, long expectedModRevision) {
        return commit(List.of(new Mutation.Update(key, value, expectedModRevision)));
    }

    default long put(String key, String value) {
        return commit(List.of(new Mutation.Put(key, value)));
    }

    default long delete(String key, long expectedModRevision) {
        return commit(List.of(new Mutation.Delete(key, expectedModRevision)));
    }

    /** A running watch; closing it stops delivery (after any callback in progress). */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
