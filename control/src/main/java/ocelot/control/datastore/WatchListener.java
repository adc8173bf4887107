package ocelot.control.datastore;

/**
 * Receives a watch's stream, on one thread, in revision order. After {@link #onResync} the
 * listener must replace everything it knew under the prefix with the snapshot: events before it
 * may have been missed (the watcher fell behind the retained history, or lost its connection).
 */
public interface WatchListener {
    void onEvent(WatchEvent event);

    void onResync(Snapshot snapshot, String reason);
}
