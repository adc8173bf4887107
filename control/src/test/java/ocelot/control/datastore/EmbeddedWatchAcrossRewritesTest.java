package ocelot.control.datastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A watch whose thread is held still while another instance rewrites the log once or twice,
 * then let go: what it delivers never goes below a revision it already delivered. One rewrite
 * is followed through the old file and the new one (every event, no resync); after two, the
 * old file's successor is gone and the watch resyncs to the newest snapshot, then continues
 * strictly after it. Deterministic: the pause, not the machine's load, makes the rewrites
 * happen between two of the watch's reads.
 */
class EmbeddedWatchAcrossRewritesTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} rewrite(s) while the watch thread is held")
    @ValueSource(ints = {1, 2})
    void watchNeverGoesBackAcrossLogRewrites(int rewrites) throws Exception {
        try (EmbeddedDatastore watched = EmbeddedDatastore.open(dir, new EmbeddedDatastore.Options(1000, 5));
             EmbeddedDatastore writer = EmbeddedDatastore.open(dir, new EmbeddedDatastore.Options(1000, 5, 512))) {
            long start = writer.put("/n", "0");
            HoldingListener l = new HoldingListener();
            try (Datastore.Watch w = watched.watch("/n", start, l)) {
                writer.put("/n", "1");
                assertTrue(l.held.await(20, TimeUnit.SECONDS), "the watch delivered nothing");
                int value = 1;
                Object file = fileKey();
                for (int seen = 0; seen < rewrites; ) {
                    writer.put("/n", Integer.toString(++value));
                    Object now = fileKey();
                    if (!now.equals(file)) seen++;
                    file = now;
                }
                writer.put("/n", Integer.toString(++value)); // a record after the last snapshot
                l.release.countDown();
                l.awaitValue(value);
                // and the watch goes on after whatever it resynced to
                writer.put("/n", Integer.toString(++value));
                l.awaitValue(value);
                assertEquals(rewrites == 2 ? 1 : 0, l.resyncs(), "deliveries: " + l.delivered());
            }
            assertEquals(List.of(), l.backwards(), "deliveries: " + l.delivered());
        }
    }

    private Object fileKey() throws Exception {
        return Files.readAttributes(dir.resolve("ocelot.wal"), BasicFileAttributes.class).fileKey();
    }

    /**
     * Checks, on the watch thread itself, that each delivery is above the last (an event's
     * revision, a resync's snapshot revision) and that values only skip at a resync; holds the
     * watch thread after its first batch until released.
     */
    private static final class HoldingListener implements WatchListener {
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final List<String> delivered = new ArrayList<>();
        private final List<String> backwards = new ArrayList<>();
        private long revision;
        private int value;
        private int resyncs;

        @Override
        public synchronized void onEvent(WatchEvent e) {
            int v = Integer.parseInt(e.value());
            if (e.revision() <= revision || v != value + 1) backwards.add(v + "@" + e.revision() + " after " + value + "@" + revision);
            deliver(v, e.revision(), "");
        }

        @Override
        public synchronized void onResync(Snapshot s, String reason) {
            int v = Integer.parseInt(s.items().getFirst().value());
            if (s.revision() < revision || v < value) backwards.add("resync to " + v + "@" + s.revision() + " after " + value + "@" + revision);
            resyncs++;
            deliver(v, s.revision(), "resync ");
        }

        private void deliver(int v, long rev, String what) {
            delivered.add(what + v + "@" + rev);
            value = v;
            revision = rev;
            notifyAll();
        }

        @Override
        public void onCaughtUp(long rev) {
            if (held.getCount() == 0) return;
            held.countDown();
            try {
                release.await(); // the watch thread, descheduled as long as the test likes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized void awaitValue(int v) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (value < v) {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new AssertionError("the watch never delivered " + v + ": " + delivered);
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized int resyncs() { return resyncs; }

        synchronized List<String> backwards() { return List.copyOf(backwards); }

        synchronized List<String> delivered() { return List.copyOf(delivered); }
    }
}
