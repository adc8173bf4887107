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
}
