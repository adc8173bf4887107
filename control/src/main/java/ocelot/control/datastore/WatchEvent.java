package ocelot.control.datastore;

/**
 * One change seen by a watch. {@code value} is null for {@link Type#DELETED}; {@code revision}
 * is the store revision of the commit that made the change.
 */
public record WatchEvent(Type type, String key, String value, long revision) {
    public enum Type { ADDED, UPDATED, DELETED }
}
