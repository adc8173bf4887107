package ocelot.control.datastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store across OS processes: SIGKILL in the middle of a burst of writes loses no
 * acknowledged write, and two processes doing compare-and-swap on one key lose no increment.
 */
class EmbeddedCrashTest {
    @TempDir
    Path dir;

    @Test
    void killNineDuringABurstLosesNoAcknowledgedWrite() throws Exception {
        Path data = dir.resolve("data");
        for (int round = 0; round < 3; round++) {
            String prefix = "/burst/" + round + "/";
            // Rounds 1 and 2 compact the log every 16 KiB or so, so the kill may also hit a rewrite.
            Process child = ChildJvm.start(EmbeddedWriterProcess.class, dir.resolve("writer.err"),
                    "burst", data.toString(), prefix, "100000", round == 0 ? Long.toString(64L << 20) : "16384");
            Map<Integer, Long> acked = new HashMap<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                // Kill at a different point each round, while the writer is mid-burst.
                int killAfter = 150 + round * 170;
                for (String line; (line = r.readLine()) != null; ) {
                    String[] f = line.split(" ");
                    acked.put(Integer.parseInt(f[1]), Long.parseLong(f[2]));
                    // SIGKILL through the handle keeps our end of the pipe open: lines the writer
                    // printed before dying are still read, and each is an acknowledged write.
                    if (acked.size() == killAfter) child.toHandle().destroyForcibly();
                }
            } finally {
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            }
            assertTrue(acked.size() >= 150 + round * 170, "writer died early: " + Files.readString(dir.resolve("writer.err")));
            assertTrue(acked.size() < 100000, "the kill came too late to test anything");

            try (EmbeddedDatastore store = EmbeddedDatastore.open(data)) {
                Snapshot s = store.list(prefix);
                for (var e : acked.entrySet()) {
                    KeyValue kv = store.get(prefix + e.getKey()).orElseThrow(() -> new AssertionError("acknowledged write " + e + " lost"));
                    assertEquals(e.getValue(), kv.modRevision());
                    assertTrue(kv.value().startsWith("value-" + e.getKey() + "-"));
                }
                // Writes are sequential: what survived is a gap-free prefix of the burst.
                for (int i = 0; i < s.items().size(); i++) assertTrue(store.get(prefix + i).isPresent(), "hole at " + i);
                // The store is writable after the crash (any torn tail is cut by this write).
                store.create(prefix + "after-crash", "ok");
            }
        }
    }

    @Test
    void twoProcessesCompareAndSwapOneCounterAcrossLogCompactions() throws Exception {
        Path data = dir.resolve("shared");
        try (EmbeddedDatastore store = EmbeddedDatastore.open(data)) {
            store.create("/counter", "0");
        }
        List<Process> children = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                children.add(ChildJvm.start(EmbeddedWriterProcess.class, dir.resolve("counter" + i + ".err"),
                        "counter", data.toString(), "/counter", "150", "1024"));
            }
            // Both children compact the log every ~1 KiB; this process follows the rewrites.
            try (EmbeddedDatastore store = EmbeddedDatastore.open(data, new EmbeddedDatastore.Options(100_000, 5, 1024))) {
                // This process watches at the same time and must see every increment in order.
                RecordingListener l = new RecordingListener();
                try (Datastore.Watch w = store.watch("/counter", store.get("/counter").orElseThrow().modRevision(), l)) {
                    // Every increment arrives in order; a gap is allowed only right after a resync,
                    // which happens when two rewrites land between two of this process's reads.
                    int last = 0;
                    boolean resynced = false;
                    while (last < 300) {
                        String line = l.next();
                        if (line.startsWith("RESYNC")) {
                            resynced = true;
                            // the value in the resync's snapshot; l.state() may already hold the
                            // events queued behind this line (this thread lags under load)
                            last = Integer.parseInt(l.takeResync().items().getFirst().value());
                            continue;
                        }
                        int value = Integer.parseInt(line.substring("UPDATED /counter ".length()));
                        assertTrue(value == last + 1 || (resynced && value > last), "after " + last + " came " + line);
                        last = value;
                        resynced = false;
                    }
                }
                for (int i = 0; i < children.size(); i++) {
                    assertTrue(children.get(i).waitFor(2, TimeUnit.MINUTES));
                    assertEquals(0, children.get(i).exitValue(), Files.readString(dir.resolve("counter" + i + ".err")));
                }
                assertEquals("300", store.get("/counter").orElseThrow().value());
            }
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }
}
