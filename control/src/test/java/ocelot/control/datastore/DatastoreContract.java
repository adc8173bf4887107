package ocelot.control.datastore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link Datastore} must show; one short subclass per implementation. */
public abstract class DatastoreContract {
    protected Datastore store;
    /** Each test works under its own prefix, so a shared etcd needs no cleaning. */
    protected String p;

    protected abstract Datastore openStore() throws Exception;

    @BeforeEach
    void openIt() throws Exception {
        store = openStore();
        p = "/t/" + UUID.randomUUID() + "/";
    }

    @AfterEach
    void closeIt() {
        if (store != null) store.close();
    }

    @Test
    void createThenGetReportsRevisions() {
        long rev = store.create(p + "a", "1");
        KeyValue kv = store.get(p + "a").orElseThrow();
        assertEquals("1", kv.value());
        assertEquals(rev, kv.createRevision());
        assertEquals(rev, kv.modRevision());
        long rev2 = store.update(p + "a", "2", rev);
        assertTrue(rev2 > rev);
        KeyValue kv2 = store.get(p + "a").orElseThrow();
        assertEquals(rev, kv2.createRevision());
        assertEquals(rev2, kv2.modRevision());
        assertTrue(store.get(p + "missing").isEmpty());
    }

    @Test
    void createIfAbsentRefusesExistingKey() {
        store.create(p + "a", "1");
        ConflictException e = assertThrows(ConflictException.class, () -> store.create(p + "a", "2"));
        assertEquals(ConflictException.Reason.ALREADY_EXISTS, e.reason());
        assertEquals(p + "a", e.key());
        assertEquals("1", store.get(p + "a").orElseThrow().value());
    }

    @Test
    void updateIfRevisionRefusesStaleRevisionAndMissingKey() {
        long rev = store.create(p + "a", "1");
        store.update(p + "a", "2", rev);
        ConflictException stale = assertThrows(ConflictException.class, () -> store.update(p + "a", "3", rev));
        assertEquals(ConflictException.Reason.REVISION_MISMATCH, stale.reason());
        assertEquals("2", store.get(p + "a").orElseThrow().value());
        ConflictException missing = assertThrows(ConflictException.class,
                () -> store.update(p + "b", "1", Mutation.ANY_REVISION));
        assertEquals(ConflictException.Reason.NOT_FOUND, missing.reason());
        store.update(p + "a", "4", Mutation.ANY_REVISION);
        assertEquals("4", store.get(p + "a").orElseThrow().value());
    }

    @Test
    void deleteIfRevision() {
        long rev = store.create(p + "a", "1");
        long rev2 = store.update(p + "a", "2", rev);
        assertThrows(ConflictException.class, () -> store.delete(p + "a", rev));
        store.delete(p + "a", rev2);
        assertTrue(store.get(p + "a").isEmpty());
        ConflictException e = assertThrows(ConflictException.class, () -> store.delete(p + "a", Mutation.ANY_REVISION));
        assertEquals(ConflictException.Reason.NOT_FOUND, e.reason());
    }

    @Test
    void multiKeyCommitIsAllOrNothing() {
        store.create(p + "b", "old");
        long before = store.list(p).revision();
        ConflictException e = assertThrows(ConflictException.class, () -> store.commit(List.of(
                new Mutation.Create(p + "a", "1"), new Mutation.Put(p + "c", "3"), new Mutation.Create(p + "b", "2"))));
        assertEquals(p + "b", e.key());
        assertTrue(store.get(p + "a").isEmpty());
        assertTrue(store.get(p + "c").isEmpty());
        assertEquals("old", store.get(p + "b").orElseThrow().value());
        long rev = store.commit(List.of(new Mutation.Create(p + "a", "1"), new Mutation.Put(p + "c", "3")));
        assertTrue(rev > before);
        assertEquals(rev, store.get(p + "a").orElseThrow().modRevision());
        assertEquals(rev, store.get(p + "c").orElseThrow().modRevision());
    }

    @Test
    void listIsSortedByKeyAndLimitedToPrefix() {
        store.put(p + "b", "2");
        store.put(p + "a", "1");
        store.put(p + "c/d", "3");
        store.put(p.substring(0, p.length() - 1) + "x", "outside");
        Snapshot s = store.list(p);
        assertEquals(List.of(p + "a", p + "b", p + "c/d"), s.items().stream().map(KeyValue::key).toList());
        assertTrue(s.revision() >= s.items().stream().mapToLong(KeyValue::modRevision).max().orElseThrow());
    }

    @Test
    void watchStreamsChangesAfterListRevisionInOrder() throws Exception {
        store.put(p + "a", "1");
        Snapshot s = store.list(p);
        RecordingListener l = new RecordingListener();
        try (Datastore.Watch w = store.watch(p, s.revision(), l)) {
            store.create(p + "b", "2");
            store.put(p + "a", "3");
            store.delete(p + "b", Mutation.ANY_REVISION);
            store.put("/elsewhere/" + UUID.randomUUID(), "x");
            store.put(p + "c", "4");
            assertEquals("ADDED " + p + "b 2", l.next());
            assertEquals("UPDATED " + p + "a 3", l.next());
            assertEquals("DELETED " + p + "b", l.next());
            assertEquals("ADDED " + p + "c 4", l.next());
        }
    }

    @Test
    void watchReplaysHistoryFromAnOlderRevision() throws Exception {
        long r1 = store.put(p + "a", "1");
        store.put(p + "a", "2");
        store.put(p + "b", "3");
        RecordingListener l = new RecordingListener();
        try (Datastore.Watch w = store.watch(p, r1, l)) {
            assertEquals("UPDATED " + p + "a 2", l.next());
            assertEquals("ADDED " + p + "b 3", l.next());
        }
    }

    @Test
    void watchFromCompactedRevisionResyncsWithCurrentState() throws Exception {
        long r1 = store.put(p + "a", "1");
        store.put(p + "b", "2");
        long r3 = store.put(p + "a", "3");
        store.compact(r3);
        RecordingListener l = new RecordingListener();
        try (Datastore.Watch w = store.watch(p, r1, l)) {
            assertTrue(l.next().startsWith("RESYNC "), "a watch behind compaction must resync");
            assertEquals(Map.of(p + "a", "3", p + "b", "2"), l.state());
            store.put(p + "c", "4");
            assertEquals("ADDED " + p + "c 4", l.next());
        }
    }

    @Test
    void compareAndSwapCounterFromManyThreadsLosesNoIncrement() throws Exception {
        store.create(p + "counter", "0");
        int threads = 4;
        int increments = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> conflicts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                conflicts.add(pool.submit(() -> {
                    int lost = 0;
                    for (int i = 0; i < increments; i++) {
                        while (true) {
                            KeyValue kv = store.get(p + "counter").orElseThrow();
                            try {
                                store.update(kv.key(), Integer.toString(Integer.parseInt(kv.value()) + 1), kv.modRevision());
                                break;
                            } catch (ConflictException e) {
                                lost++;
                            }
                        }
                    }
                    return lost;
                }));
            }
            for (Future<Integer> f : conflicts) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Integer.toString(threads * increments), store.get(p + "counter").orElseThrow().value());
    }
}
