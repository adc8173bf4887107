package ocelot.control.datastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatastoreTest extends DatastoreContract {
    @TempDir
    Path dir;

    @Override
    protected Datastore openStore() {
        // A 4 KiB compaction threshold: the contract runs across many log rewrites.
        return EmbeddedDatastore.open(dir, new EmbeddedDatastore.Options(1000, 5, 4096));
    }

    @Test
    void reopenedStoreHasEveryCommitWithItsRevisions() {
        long rev = store.put(p + "a", "1");
        store.put(p + "b", "2");
        store.delete(p + "b", Mutation.ANY_REVISION);
        store.close();
        store = openStore();
        assertEquals(rev, store.get(p + "a").orElseThrow().modRevision());
        assertTrue(store.get(p + "b").isEmpty());
        assertEquals(rev + 2, store.list(p).revision());
    }

    @Test
    void compactionBoundsTheLogAndKeepsRevisions() throws Exception {
        long first = store.create(p + "first", "1");
        long last = 0;
        for (int i = 0; i < 2000; i++) last = store.put(p + "k" + (i % 10), "v" + i);
        assertTrue(Files.size(dir.resolve("ocelot.wal")) < 8192, "log not compacted: " + Files.size(dir.resolve("ocelot.wal")));
        store.close();
        store = openStore();
        assertEquals(first, store.get(p + "first").orElseThrow().createRevision());
        assertEquals(first, store.get(p + "first").orElseThrow().modRevision());
        assertEquals(last, store.list(p).revision());
        assertEquals("v1999", store.get(p + "k9").orElseThrow().value());
        assertEquals(last + 1, store.put(p + "after", "x"));
    }

    @Test
    void tornTailFromADeadWriterIsCutAndWritingContinues() throws Exception {
        store.put(p + "a", "1");
        store.close();
        // A record header that promises 500 bytes, followed by only 3: a write cut by kill -9.
        Files.write(dir.resolve("ocelot.wal"), new byte[] {0, 0, 1, (byte) 0xf4, 1, 2, 3, 4, 9, 9, 9},
                StandardOpenOption.APPEND);
        store = openStore();
        assertEquals("1", store.get(p + "a").orElseThrow().value());
        store.put(p + "b", "2");
        store.close();
        store = openStore();
        assertEquals("2", store.get(p + "b").orElseThrow().value());
    }

    @Test
    void damageBeforeTheLastRecordIsReportedNotTruncated() throws Exception {
        store.put(p + "a", "1");
        store.put(p + "b", "2");
        store.close();
        store = null;
        Path wal = dir.resolve("ocelot.wal");
        byte[] bytes = Files.readAllBytes(wal);
        bytes[8 + 8 + 10] ^= 0x55; // inside the first record's payload
        Files.write(wal, bytes);
        DatastoreException e = assertThrows(DatastoreException.class, this::openStore);
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertEquals(bytes.length, Files.size(wal));
    }

    @Test
    void secondInstanceSeesWritesAndWatchEventsOfTheFirst() throws Exception {
        try (Datastore other = openStore()) {
            long rev = other.put(p + "a", "1");
            assertEquals("1", store.get(p + "a").orElseThrow().value());
            RecordingListener l = new RecordingListener();
            try (Datastore.Watch w = store.watch(p, rev, l)) {
                other.put(p + "b", "2");
                assertEquals("ADDED " + p + "b 2", l.next());
            }
            // Revisions are one order across both instances.
            assertTrue(store.put(p + "c", "3") > other.get(p + "b").orElseThrow().modRevision());
        }
    }

    @Test
    void watcherBehindTheHistoryLimitResyncs() throws Exception {
        store.close();
        store = EmbeddedDatastore.open(dir, new EmbeddedDatastore.Options(3, 5));
        long r0 = store.put(p + "x", "0");
        for (int i = 0; i < 10; i++) store.put(p + "k" + i, Integer.toString(i));
        RecordingListener l = new RecordingListener();
        try (Datastore.Watch w = store.watch(p, r0, l)) {
            assertTrue(l.next().startsWith("RESYNC watch fell behind"));
            assertEquals(11, l.state().size());
        }
    }
}
