package ocelot.control.datastore;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Test listener: records callbacks as lines ("ADDED k v@rev", "RESYNC reason") and keeps the
 * state a consumer would rebuild from them, so a test can check it converged to the store.
 */
public final class RecordingListener implements WatchListener {
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Map<String, String> state = new TreeMap<>();
    /** Each resync's snapshot, in the order of the RESYNC lines. */
    private final LinkedBlockingQueue<Snapshot> resyncs = new LinkedBlockingQueue<>();

    @Override
    public synchronized void onEvent(WatchEvent e) {
        if (e.type() == WatchEvent.Type.DELETED) state.remove(e.key());
        else state.put(e.key(), e.value());
        lines.add(e.type() + " " + e.key() + (e.value() == null ? "" : " " + e.value()));
    }

    @Override
    public synchronized void onResync(Snapshot snapshot, String reason) {
        state.clear();
        snapshot.items().forEach(kv -> state.put(kv.key(), kv.value()));
        resyncs.add(snapshot);
        lines.add("RESYNC " + reason);
    }

    /**
     * The snapshot of the oldest RESYNC line not taken yet. A consumer of {@link #next} reads
     * this, not {@link #state}: the watch thread may have delivered later events since, and
     * those are still queued behind the RESYNC line.
     */
    public Snapshot takeResync() {
        Snapshot s = resyncs.poll();
        if (s == null) throw new AssertionError("no resync to take");
        return s;
    }

    /** The next callback line; fails the test if none arrives within 20 s (a hang, not a timing check). */
    public String next() throws InterruptedException {
        String line = lines.poll(20, TimeUnit.SECONDS);
        if (line == null) throw new AssertionError("no watch callback arrived");
        return line;
    }

    public String nextStartingWith(String prefix) throws InterruptedException {
        while (true) {
            String line = next();
            if (line.startsWith(prefix)) return line;
        }
    }

    public synchronized Map<String, String> state() {
        return new TreeMap<>(state);
    }

    public boolean idle() {
        return lines.isEmpty();
    }
}
