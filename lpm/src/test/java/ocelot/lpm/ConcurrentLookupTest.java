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
import java.util.function.IntFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One writer churning routes while readers look up without pause. The table is built so that
 * any answer can be judged on its own: route i of the churn pool has next hop i, so an answer
 * i must be a pool route that contains the address; "flip" /32s change only between two next
 * hops by replacement, so their answer must be one of the two, never the covering route; all
 * else falls to the default. Pool routes are spread over 10.0.0.0/8, mostly one per /16, so
 * the churn frees and reuses nodes constantly: where a reader could read a recycled node. The writer's progress is counted, not timed.
 */
class ConcurrentLookupTest {
    private static final int POOL = 4000;
    private static final int DEFAULT_HOP = POOL;
    private static final int FLIP_A = POOL + 1;
    private static final int FLIP_B = POOL + 2;
    private static final int BASE = 0x0A00_0000; // 10.0.0.0/8
    private static final int SPREAD = 1 << 24;
    private static final int FLIPS = 64;

    private static IntFunction<Ipv4Routes> ipv4(String implementation) {
        return implementation.equals("trie") ? Ipv4RouteTable::new : Ipv4Dir24RouteTable::new;
    }

    @ParameterizedTest
    @ValueSource(strings = {"trie", "dir24"})
    void readersSeeOnlyOldOrNewNextHops(String implementation) throws InterruptedException {
        SplittableRandom setup = new SplittableRandom(17);
        int[] flip = new int[FLIPS];
        Set<Integer> flips = new HashSet<>();
        for (int i = 0; i < FLIPS; i++) {
            flip[i] = BASE | setup.nextInt(SPREAD);
            if (!flips.add(flip[i])) i--;
        }
        int[] prefix = new int[POOL];
        int[] length = new int[POOL];
        Set<Long> distinct = new HashSet<>();
        for (int i = 0; i < POOL; i++) {
            length[i] = 17 + setup.nextInt(16); // /17../32: level-1 and level-2 nodes come and go
            prefix[i] = (BASE | setup.nextInt(SPREAD)) & (-1 << (32 - length[i]));
            // A pool /32 on a flip address would replace the flip route: draw again. Same for duplicates.
            if ((length[i] == 32 && flips.contains(prefix[i])) || !distinct.add(((long) prefix[i] << 6) | length[i])) i--;
        }
        Ipv4Routes table = ipv4(implementation).apply(POOL + 3);
        table.insert(0, 0, DEFAULT_HOP);
        for (int a : flip) table.insert(a, 32, FLIP_A);

        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicLong checked = new AtomicLong();
        Thread[] readers = new Thread[2];
        for (int t = 0; t < readers.length; t++) {
            long seed = 100 + t;
            readers[t] = Thread.ofPlatform().name("lpm-reader-" + t).start(() -> {
                SplittableRandom r = new SplittableRandom(seed);
                int[] addresses = new int[32];
                int[] hops = new int[32];
                long n = 0;
                while (!done.get() && failure.get() == null) {
                    for (int i = 0; i < addresses.length; i++) {
                        int k = r.nextInt(POOL);
                        addresses[i] = r.nextInt(4) == 0 ? flip[r.nextInt(FLIPS)]
                                : prefix[k] | (length[k] == 32 ? 0 : r.nextInt() >>> length[k]);
                    }
                    table.lookupBatch(addresses, hops, addresses.length);
                    for (int i = 0; i < addresses.length; i++) {
                        String bad = judge(addresses[i], hops[i], prefix, length, flip);
                        if (bad == null) bad = judge(addresses[i], table.lookup(addresses[i]), prefix, length, flip);
                        if (bad != null) failure.compareAndSet(null, bad);
                    }
                    n += 2 * addresses.length;
                }
                checked.addAndGet(n);
            });
        }

        SplittableRandom w = new SplittableRandom(29);
        boolean[] installed = new boolean[POOL];
        for (int op = 0; op < 400_000 && failure.get() == null; op++) {
            int i = w.nextInt(POOL);
            if (installed[i]) table.delete(prefix[i], length[i]);
            else table.insert(prefix[i], length[i], i);
            installed[i] = !installed[i];
            if (op % 16 == 0) {
                int f = flip[w.nextInt(FLIPS)];
                table.insert(f, 32, table.get(f, 32) == FLIP_A ? FLIP_B : FLIP_A);
            }
        }
        done.set(true);
        for (Thread reader : readers) reader.join();
        assertNull(failure.get());
        assertTrue(checked.get() > 0, "readers ran");

        // Quiescent: the table must equal the reference built from the final state.
        PerLengthIpv4Routes reference = new PerLengthIpv4Routes(POOL + 3);
        reference.insert(0, 0, DEFAULT_HOP);
        table.forEach((p, l, h) -> { if (l == 32 && h >= POOL) reference.insert(p, l, h); });
        for (int i = 0; i < POOL; i++) if (installed[i]) reference.insert(prefix[i], length[i], i);
        assertEquals(reference.size(), table.size());
        SplittableRandom q = new SplittableRandom(31);
        for (int n = 0; n < 200_000; n++) {
            int k = q.nextInt(POOL);
            int a = prefix[k] | (length[k] == 32 ? 0 : q.nextInt() >>> length[k]);
            assertEquals(reference.lookup(a), table.lookup(a), Ipv4RouteTable.formatAddress(a));
        }
    }

    /** Null if hop is a possible answer for address at some instant of the churn, else why not. */
    private static String judge(int address, int hop, int[] prefix, int[] length, int[] flip) {
        for (int f : flip) {
            if (f == address) {
                return hop == FLIP_A || hop == FLIP_B ? null
                        : Ipv4RouteTable.formatAddress(address) + " is a flipping /32 but got next hop " + hop;
            }
        }
        if (hop == DEFAULT_HOP) return null;
        if (hop >= 0 && hop < POOL) {
            int mask = -1 << (32 - length[hop]);
            if ((address & mask) == prefix[hop]) return null;
        }
        return Ipv4RouteTable.formatAddress(address) + " got next hop " + hop + ", which no route containing it ever had";
    }
}
