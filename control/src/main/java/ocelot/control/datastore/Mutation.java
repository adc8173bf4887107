package ocelot.control.datastore;

/**
 * One write inside an atomic {@link Datastore#commit}: every condition of every mutation is
 * checked first, and either all writes happen at one new revision or none does.
 */
public sealed interface Mutation {
    /** Matches any current revision; the key must still exist. */
    long ANY_REVISION = -1;

    String key();

    /** Create-if-absent: fails with {@link ConflictException.Reason#ALREADY_EXISTS}. */
    record Create(String key, String value) implements Mutation {}

    /** Update-if-revision: the key must exist and, unless {@link #ANY_REVISION}, have this modRevision. */
    record Update(String key, String value, long expectedModRevision) implements Mutation {}

    /** Unconditional write (calicoctl {@code apply}). */
    record Put(String key, String value) implements Mutation {}

    /** Delete-if-revision: the key must exist and, unless {@link #ANY_REVISION}, have this modRevision. */
    record Delete(String key, long expectedModRevision) implements Mutation {}
}
