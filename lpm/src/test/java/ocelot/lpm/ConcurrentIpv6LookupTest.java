package ocelot.lpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link ConcurrentLookupTest} for IPv6: one writer churning routes of /49../128 spread over
 * fd00::/16 (so nodes on every level are freed and reused all the time) while two readers look
 * up bursts and single addresses; route i has next hop i, so every answer is judged on its own:
 * a pool route containing the address, a flipping /128's two next hops, or the default.
 */
class ConcurrentIpv6LookupTest {
    private static final int POOL = 1500;
    private static final int DEFAULT_HOP = POOL;
    private static final int FLIP_A = POOL + 1;
    private static final int FLIP_B = POOL + 2;
    private static final int FLIPS = 32;
    private static final long BASE = 0xFD00_0000_0000_0000L;

    @Test
    void readersSeeOnlyOldOrNewNextHops() throws InterruptedException {
        SplittableRandom setup = new SplittableRandom(17);
        long[] flipHi = new long[FLIPS], flipLo = new long[FLIPS];
        for (int i = 0; i < FLIPS; i++) {
            flipHi[i] = BASE | (setup.nextLong() >>> 16);
            flipLo[i] = setup.nextLong();
        }
        long[] hi = new long[POOL], lo = new long[POOL];
        int[] length = new int[POOL];
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < POOL; i++) {
            length[i] = 49 + setup.nextInt(80);
            hi[i] = (BASE | (setup.nextLong() >>> 16)) & Ipv6RouteTable.hiMask(length[i]);
            lo[i] = setup.nextLong() & Ipv6RouteTable.loMask(length[i]);
            if (!distinct.add(hi[i] + "/" + lo[i] + "/" + length[i])) i--;
        }
        Ipv6RouteTable table = new Ipv6RouteTable(POOL + 3);
        table.insert(0, 0, 0, DEFAULT_HOP);
        for (int f = 0; f < FLIPS; f++) table.insert(flipHi[f], flipLo[f], 128, FLIP_A);

        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicLong checked = new AtomicLong();
        Thread[] readers = new Thread[2];
        for (int t = 0; t < readers.length; t++) {
            long seed = 100 + t;
            readers[t] = Thread.ofPlatform().name("lpm6-reader-" + t).start(() -> {
                SplittableRandom r = new SplittableRandom(seed);
                long[] aHi = new long[32], aLo = new long[32];
                int[] hops = new int[32];
                long n = 0;
                while (!done.get() && failure.get() == null) {
                    for (int i = 0; i < aHi.length; i++) {
                        if (r.nextInt(4) == 0) {
                            int f = r.nextInt(FLIPS);
                            aHi[i] = flipHi[f];
                            aLo[i] = flipLo[f];
                        } else {
                            int k = r.nextInt(POOL);
                            aHi[i] = hi[k] | (r.nextLong() & ~Ipv6RouteTable.hiMask(length[k]));
                            aLo[i] = lo[k] | (r.nextLong() & ~Ipv6RouteTable.loMask(length[k]));
                        }
                    }
                    table.lookupBatch(aHi, aLo, hops, aHi.length);
                    for (int i = 0; i < aHi.length; i++) {
                        String bad = judge(aHi[i], aLo[i], hops[i], hi, lo, length, flipHi, flipLo);
                        if (bad == null) bad = judge(aHi[i], aLo[i], table.lookup(aHi[i], aLo[i]), hi, lo, length, flipHi, flipLo);
                        if (bad != null) failure.compareAndSet(null, bad);
                    }
                    n += 2 * aHi.length;
                }
                checked.addAndGet(n);
            });
        }

        SplittableRandom w = new SplittableRandom(29);
        boolean[] installed = new boolean[POOL];
        for (int op = 0; op < 150_000 && failure.get() == null; op++) {
            int i = w.nextInt(POOL);
            if (installed[i]) table.delete(hi[i], lo[i], length[i]);
            else table.insert(hi[i], lo[i], length[i], i);
            installed[i] = !installed[i];
            if (op % 16 == 0) {
                int f = w.nextInt(FLIPS);
                table.insert(flipHi[f], flipLo[f], 128, table.get(flipHi[f], flipLo[f], 128) == FLIP_A ? FLIP_B : FLIP_A);
            }
        }
        done.set(true);
        for (Thread reader : readers) reader.join();
        assertNull(failure.get());
        assertTrue(checked.get() > 0, "readers ran");

        LinearIpv6Routes reference = new LinearIpv6Routes(POOL + 3);
        reference.insert(0, 0, 0, DEFAULT_HOP);
        for (int f = 0; f < FLIPS; f++) reference.insert(flipHi[f], flipLo[f], 128, table.get(flipHi[f], flipLo[f], 128));
        for (int i = 0; i < POOL; i++) if (installed[i]) reference.insert(hi[i], lo[i], length[i], i);
        assertEquals(reference.size(), table.size());
        SplittableRandom q = new SplittableRandom(31);
        for (int n = 0; n < 20_000; n++) {
            int k = q.nextInt(POOL);
            long aHi = hi[k] | (q.nextLong() & ~Ipv6RouteTable.hiMask(length[k]));
            long aLo = lo[k] | (q.nextLong() & ~Ipv6RouteTable.loMask(length[k]));
            assertEquals(reference.lookup(aHi, aLo), table.lookup(aHi, aLo), Ipv6RouteTable.formatAddress(aHi, aLo));
        }
    }

    private static String judge(long aHi, long aLo, int hop, long[] hi, long[] lo, int[] length, long[] flipHi, long[] flipLo) {
        for (int f = 0; f < flipHi.length; f++) {
            if (flipHi[f] == aHi && flipLo[f] == aLo) {
                return hop == FLIP_A || hop == FLIP_B ? null
                        : Ipv6RouteTable.formatAddress(aHi, aLo) + " is a flipping /128 but got next hop " + hop;
            }
        }
        if (hop == DEFAULT_HOP) return null;
        if (hop >= 0 && hop < POOL && (aHi & Ipv6RouteTable.hiMask(length[hop])) == hi[hop]
                && (aLo & Ipv6RouteTable.loMask(length[hop])) == lo[hop]) {
            return null;
        }
        return Ipv6RouteTable.formatAddress(aHi, aLo) + " got next hop " + hop + ", which no route containing it ever had";
    }
}
