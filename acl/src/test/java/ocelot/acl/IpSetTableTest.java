package ocelot.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class IpSetTableTest {
    private record Member(int set, int family, long hi, long lo) {
    }

    private static boolean add(IpSetTable t, Member m) {
        return m.family == 4 ? t.addV4(m.set, (int) m.hi) : t.addV6(m.set, m.hi, m.lo);
    }

    private static boolean remove(IpSetTable t, Member m) {
        return m.family == 4 ? t.removeV4(m.set, (int) m.hi) : t.removeV6(m.set, m.hi, m.lo);
    }

    private static boolean contains(IpSetTable t, Member m) {
        return m.family == 4 ? t.containsV4(m.set, (int) m.hi) : t.containsV6(m.set, m.hi, m.lo);
    }

    /**
     * Random adds and removes over a small address pool (so members flap: tombstones, revivals
     * and several rehashes) agree with a HashSet after every step, for members and non-members.
     */
    @Test
    void agreesWithAHashSetThroughRandomChurn() {
        SplittableRandom rnd = new SplittableRandom(3);
        IpSetTable t = new IpSetTable();
        int sets = 5;
        for (int i = 0; i < sets; i++) assertEquals(i, t.createSet());
        List<Member> pool = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            int family = rnd.nextBoolean() ? 4 : 6;
            long hi = family == 4 ? rnd.nextInt(2000) : rnd.nextInt(4);
            pool.add(new Member(rnd.nextInt(sets), family, hi, family == 4 ? 0 : rnd.nextInt(500)));
        }
        Set<Member> model = new HashSet<>();
        int[] sizes = new int[sets];
        for (int step = 0; step < 60_000; step++) {
            Member m = pool.get(rnd.nextInt(pool.size()));
            boolean adding = rnd.nextInt(5) < (step < 30_000 ? 3 : 2); // grow, then shrink
            if (adding) {
                boolean fresh = model.add(m);
                assertEquals(fresh, add(t, m), "add " + m);
                if (fresh) sizes[m.set]++;
            } else {
                boolean was = model.remove(m);
                assertEquals(was, remove(t, m), "remove " + m);
                if (was) sizes[m.set]--;
            }
            if (step % 1000 == 0) {
                for (Member p : pool) assertEquals(model.contains(p), contains(t, p), "step " + step + " " + p);
                for (int s = 0; s < sets; s++) assertEquals(sizes[s], t.size(s));
            }
        }
        // An IPv4 address never matches the IPv6 table and sets never leak into each other.
        assertFalse(t.containsV4(sets + 7, 1));
        assertFalse(t.containsV6(sets + 7, 0, 1));
    }

    @Test
    void deletingASetEmptiesItAndRetiresItsId() {
        IpSetTable t = new IpSetTable();
        int a = t.createSet(), b = t.createSet();
        for (int i = 0; i < 100; i++) {
            t.addV4(a, i);
            t.addV4(b, i);
            t.addV6(a, 1, i);
        }
        t.deleteSet(a);
        for (int i = 0; i < 100; i++) {
            assertFalse(t.containsV4(a, i));
            assertFalse(t.containsV6(a, 1, i));
            assertTrue(t.containsV4(b, i));
        }
        assertFalse(t.exists(a));
        assertTrue(t.exists(b));
        assertEquals(2, t.createSet(), "ids are not reused: a held classifier may still name " + a);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.addV4(a, 1));
        assertTrue(e.getMessage().contains("IP set id " + a + " was deleted"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.removeV6(9, 0, 0));
        assertTrue(e.getMessage().contains("IP set id 9 was never created"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.size(-1));
    }

    /**
     * Readers never block and never miss a member that stays in while the writer churns other
     * members through tombstones, revivals and rehashes (the table grows from 16 slots).
     */
    @Test
    void readersNeverMissStableMembersWhileTheWriterChurns() throws Exception {
        IpSetTable t = new IpSetTable();
        int stable = t.createSet(), churn = t.createSet();
        for (int i = 0; i < 64; i++) {
            t.addV4(stable, 0x0A000000 + i);
            t.addV6(stable, 0xFD00L << 48, i);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                long checks = 0;
                while (!stop.get() || checks < 10_000) {
                    int i = (int) (checks++ & 63);
                    if (!t.containsV4(stable, 0x0A000000 + i) || !t.containsV6(stable, 0xFD00L << 48, i)) {
                        throw new AssertionError("stable member " + i + " missed after " + checks + " checks");
                    }
                    if (t.containsV4(stable, 0x0B000000 + i)) throw new AssertionError("phantom member");
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        reader.start();
        try {
            SplittableRandom rnd = new SplittableRandom(5);
            for (int step = 0; step < 200_000 && failure.get() == null; step++) {
                int a = rnd.nextInt(20_000);
                if (rnd.nextBoolean()) {
                    t.addV4(churn, a);
                    t.addV6(churn, 0xFD00L << 48, a);
                } else {
                    t.removeV4(churn, a);
                    t.removeV6(churn, 0xFD00L << 48, a);
                }
            }
        } finally {
            stop.set(true);
            reader.join();
        }
        if (failure.get() != null) throw new AssertionError(failure.get());
    }

    private static boolean containsAt(IpSetTable t, Member m, long generation) {
        return m.family == 4 ? t.containsV4(m.set, (int) m.hi, generation) : t.containsV6(m.set, m.hi, m.lo, generation);
    }

    /**
     * Random adds and removes with a seal every few steps and the release floor trailing a few
     * views behind: every view not yet released reads exactly its generation's membership (a
     * HashSet copied at its seal), NEWEST the current one, through undone removals, revived dead
     * slots, second slots for members re-added under an older view, and rehashes.
     */
    @Test
    void everyViewInUseReadsItsOwnGenerationThroughChurn() {
        SplittableRandom rnd = new SplittableRandom(11);
        IpSetTable t = new IpSetTable();
        int[] sets = {t.createSet(), t.createSet()};
        List<Member> pool = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int set = sets[i % 2];
            pool.add(i % 3 == 0 ? new Member(set, 6, 0xFD00L << 48 | i, i * 7L) : new Member(set, 4, 0x0A000000 + i, 0));
        }
        Set<Member> now = new HashSet<>();
        java.util.TreeMap<Long, Set<Member>> views = new java.util.TreeMap<>();
        for (int step = 0; step < 40_000; step++) {
            Member m = pool.get(rnd.nextInt(pool.size()));
            if (rnd.nextBoolean()) assertEquals(now.add(m), add(t, m), "add " + m + " at step " + step);
            else assertEquals(now.remove(m), remove(t, m), "remove " + m + " at step " + step);
            if (rnd.nextInt(8) == 0) {
                IpSetTable.View v = t.seal();
                assertEquals(t, v.table());
                views.put(v.generation(), new HashSet<>(now));
                if (views.size() > 3) {
                    long oldest = views.keySet().stream().skip(views.size() - 3).findFirst().orElseThrow();
                    views.headMap(oldest).clear();
                    t.release(oldest);
                }
            }
            if (step % 97 == 0) {
                for (Member p : pool) {
                    assertEquals(now.contains(p), containsAt(t, p, IpSetTable.NEWEST), "NEWEST " + p + " at step " + step);
                    for (var v : views.entrySet()) {
                        assertEquals(v.getValue().contains(p), containsAt(t, p, v.getKey()), "view " + v.getKey() + ": " + p + " at step " + step);
                    }
                }
            }
        }
        // released views leave no slots behind: the tables stay near the size the pool needs
        assertTrue(t.memoryBytes() <= 8L * (3 + 5) * 4096, "tables hold " + t.memoryBytes() + " bytes for 300 addresses");
    }

    @Test
    void sealingWithoutAChangeReturnsTheSameView() {
        IpSetTable t = new IpSetTable();
        int s = t.createSet();
        IpSetTable.View first = t.seal();
        assertEquals(first, t.seal());
        t.addV4(s, 1);
        IpSetTable.View second = t.seal();
        assertTrue(second.generation() > first.generation());
        assertFalse(t.containsV4(s, 1, first.generation()));
        assertTrue(t.containsV4(s, 1, second.generation()));
        t.removeV4(s, 1);
        t.addV4(s, 1); // undone before the next seal: no new view needed by readers, but one is taken
        assertTrue(t.containsV4(s, 1, t.seal().generation()));
    }

    /**
     * A 10k-member set relabelled one member at a time, sealed after each change, with the floor
     * following: a view costs no copy (the tables stay the size 10k members need) and each view
     * reads its generation.
     */
    @Test
    void viewsOfALargeSetShareItsSlots() {
        IpSetTable t = new IpSetTable();
        int s = t.createSet();
        for (int i = 0; i < 10_000; i++) t.addV4(s, 0x0A000000 + i);
        IpSetTable.View before = t.seal();
        long bytes = t.memoryBytes();
        for (int i = 0; i < 1000; i++) {
            t.removeV4(s, 0x0A000000 + i);
            t.addV4(s, 0x0B000000 + i);
            IpSetTable.View v = t.seal();
            assertTrue(t.containsV4(s, 0x0A000000 + i, before.generation()), "the older view keeps the removed member");
            assertFalse(t.containsV4(s, 0x0A000000 + i, v.generation()));
            assertTrue(t.containsV4(s, 0x0B000000 + i, v.generation()));
            assertFalse(t.containsV4(s, 0x0B000000 + i, before.generation()));
            t.release(before.generation()); // the oldest view in use stays readable
            before = v;
        }
        assertTrue(t.memoryBytes() <= 2 * bytes, "tables grew from " + bytes + " to " + t.memoryBytes() + " bytes over 1000 sealed changes");
    }

    /**
     * The dataplane's protocol: a reader thread classifies with the view it was handed while the
     * writer changes the set for the next view (removing every member and adding others, through
     * rehashes); the writer hands over a new view and releases the old one only after the reader
     * moved to it. The reader must see exactly its view's members, never the next view's.
     */
    @Test
    void aReaderOnAViewNeverSeesTheNextViewsChanges() throws Exception {
        IpSetTable t = new IpSetTable();
        int s = t.createSet();
        for (int i = 0; i < 32; i++) t.addV4(s, i);
        AtomicReference<long[]> handed = new AtomicReference<>(new long[] {t.seal().generation(), 0}); // generation, base address
        java.util.concurrent.atomic.AtomicLong taken = new java.util.concurrent.atomic.AtomicLong(handed.get()[0]);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (!stop.get()) {
                    long[] v = handed.get();
                    taken.set(v[0]);
                    for (int round = 0; round < 50; round++) {
                        for (int i = 0; i < 32; i++) {
                            if (!t.containsV4(s, (int) v[1] + i, v[0])) throw new AssertionError("view " + v[0] + " lost member " + (v[1] + i));
                            if (t.containsV4(s, (int) ((v[1] + 32) % 4096) + i, v[0]) || t.containsV4(s, (int) ((v[1] + 4064) % 4096) + i, v[0])) {
                                throw new AssertionError("view " + v[0] + " saw a member of another view");
                            }
                        }
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        reader.start();
        try {
            long base = 0;
            for (int change = 0; change < 2000 && failure.get() == null; change++) {
                long next = (base + 32) % 4096; // addresses come back: dead slots are revived or rehashed away
                for (int i = 0; i < 32; i++) {
                    t.removeV4(s, (int) base + i);
                    t.addV4(s, (int) next + i);
                }
                long g = t.seal().generation();
                handed.set(new long[] {g, next});
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (taken.get() != g && failure.get() == null) {
                    if (System.nanoTime() > deadline) throw new AssertionError("the reader did not take view " + g);
                    Thread.onSpinWait();
                }
                t.release(g);
                base = next;
            }
        } finally {
            stop.set(true);
            reader.join();
        }
        if (failure.get() != null) throw new AssertionError(failure.get());
    }
}
