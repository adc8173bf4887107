package ocelot.control.datastore;

/**
 * Receives a watch's stream, on one thread, in revision order. After {@link #onResync} the
 * listener must replace everything it knew under the prefix with the snapshot: events before it
 * may have been missed (the watcher fell behind the retained history, or lost its connection).
 */
public interface WatchListener {
    void onEvent(WatchEvent event);

    void onResync(Snapshot snapshot, String reason);

    /**
     * Every change up to {@code revision} has now been delivered: called after each group of
     * events, never inside one commit's events (a multi-key commit is several events of one
     * revision). Lets a listener tell when it has seen a whole commit.
     */
    default void onCaughtUp(long revision) {
    }
}
