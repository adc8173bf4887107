package ocelot.control.datastore;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch.Watcher;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A prefix watch on etcd that never silently loses events. jetcd resumes a broken watch stream
 * on its own, but a client that was away may have missed a compaction, and etcd may have been
 * restored. So, like Calico's watchersyncer, this watch probes etcd every health interval; after
 * a failed probe, the next successful one triggers a resync (list, then watch from the list's
 * revision), and any watch error (compacted revision, cancellation) does the same. All
 * callbacks run on one thread, in revision order; events at or below the delivered revision are
 * dropped, so jetcd's own resume cannot produce duplicates.
 */
final class EtcdWatch implements Datastore.Watch {
    private final EtcdDatastore store;
    private final Client client;
    private final String prefix;
    private final WatchListener listener;
    private final ScheduledExecutorService thread;
    /** Highest revision delivered; only touched on {@link #thread}. */
    private long position;
    private Watcher watcher;
    private boolean disconnected;
    private volatile boolean closed;

    EtcdWatch(EtcdDatastore store, Client client, String prefix, long afterRevision, WatchListener listener,
              long healthIntervalMillis) {
        this.store = store;
        this.client = client;
        this.prefix = prefix;
        this.listener = listener;
        this.position = afterRevision;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("ocelot-etcd-watch " + prefix).unstarted(r));
        thread.execute(this::startWatcher);
        thread.scheduleWithFixedDelay(this::probe, healthIntervalMillis, healthIntervalMillis, TimeUnit.MILLISECONDS);
    }

    private void startWatcher() {
        if (closed) return;
        if (watcher != null) watcher.close();
        WatchOption opt = WatchOption.builder().isPrefix(true).withRevision(position + 1).build();
        watcher = client.getWatchClient().watch(EtcdDatastore.bytes(prefix), opt, io.etcd.jetcd.Watch.listener(
                response -> submit(() -> deliver(response)),
                error -> submit(() -> resync("watch failed: " + error.getMessage()))));
    }

    private void submit(Runnable task) {
        if (!closed) {
            try {
                thread.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // closed concurrently: nothing more to deliver
            }
        }
    }

    private void deliver(WatchResponse response) {
        long highest = position;
        for (io.etcd.jetcd.watch.WatchEvent e : response.getEvents()) {
            if (closed) return;
            io.etcd.jetcd.KeyValue kv = e.getKeyValue();
            long rev = kv.getModRevision();
            if (rev <= position) continue;
            String key = kv.getKey().toString(java.nio.charset.StandardCharsets.UTF_8);
            WatchEvent event = switch (e.getEventType()) {
                case PUT -> new WatchEvent(kv.getVersion() == 1 ? WatchEvent.Type.ADDED : WatchEvent.Type.UPDATED,
                        key, kv.getValue().toString(java.nio.charset.StandardCharsets.UTF_8), rev);
                case DELETE -> new WatchEvent(WatchEvent.Type.DELETED, key, null, rev);
                case UNRECOGNIZED -> null;
            };
            if (event != null) listener.onEvent(event);
            highest = Math.max(highest, rev);
        }
        // etcd sends a revision's events in one response: after it, those revisions are whole
        if (highest > position) listener.onCaughtUp(highest);
        position = highest;
    }

    private void probe() {
        if (closed) return;
        try {
            store.probe(prefix);
            if (disconnected) {
                disconnected = false;
                resync("connection to " + store.describe() + " was lost and is back");
            }
        } catch (DatastoreException e) {
            disconnected = true;
        }
    }

    private void resync(String reason) {
        if (closed) return;
        Snapshot snapshot;
        try {
            snapshot = store.list(prefix);
        } catch (DatastoreException e) {
            disconnected = true; // the next successful probe retries the resync
            return;
        }
        position = snapshot.revision();
        listener.onResync(snapshot, reason);
        startWatcher();
    }

    @Override
    public void close() {
        closed = true;
        thread.execute(() -> {
            if (watcher != null) watcher.close();
        });
        thread.shutdown();
    }
}
