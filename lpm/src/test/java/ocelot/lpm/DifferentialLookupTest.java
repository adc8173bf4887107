package ocelot.lpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import ocelot.lpm.workload.Ipv4RouteSet;
import ocelot.lpm.workload.Ipv4RouteSetGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random tables and traces against the brute-force longest match: every prefix length,
 * inserts, replaces and deletes interleaved, the default and host routes included, checked
 * with single and batch lookups all along the way. Over 8 million IPv4 and 1 million IPv6
 * lookups per run, all of them must agree.
 */
class DifferentialLookupTest {
    private static final int MAX_NEXT_HOPS = 5000;

    private static IntFunction<Ipv4Routes> ipv4(String implementation) {
        return switch (implementation) {
            case "trie" -> Ipv4RouteTable::new;
            case "dir24" -> Ipv4Dir24RouteTable::new;
            default -> throw new IllegalArgumentException(implementation);
        };
    }

    /** A random prefix of a random length 0..32, half of them inside 10.1.0.0/20 so they nest and collide. */
    private static int[] randomIpv4Prefix(SplittableRandom r) {
        int length = r.nextInt(33);
        int bits = r.nextBoolean() ? 0x0A01_0000 | r.nextInt(1 << 12) : r.nextInt();
        return new int[] {length == 0 ? 0 : bits & (-1 << (32 - length)), length};
    }

    private static int randomIpv4Address(SplittableRandom r, List<int[]> installed) {
        return switch (r.nextInt(3)) {
            case 0 -> 0x0A01_0000 | r.nextInt(1 << 12);
            case 1 -> {
                if (installed.isEmpty()) yield r.nextInt();
                int[] p = installed.get(r.nextInt(installed.size()));
                yield p[1] == 32 ? p[0] : p[0] | (r.nextInt() >>> p[1]);
            }
            default -> r.nextInt();
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"trie", "dir24"})
    void ipv4RandomChurnAgreesWithBruteForce(String implementation) {
        // DIR-24-8 rewrites up to 2^24 entries per short prefix: fewer steps keep it under a minute.
        int steps = implementation.equals("dir24") ? 2_000 : 20_000;
        int seeds = implementation.equals("dir24") ? 1 : 3;
        for (long seed = 1; seed <= seeds; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Ipv4Routes table = ipv4(implementation).apply(MAX_NEXT_HOPS);
            PerLengthIpv4Routes reference = new PerLengthIpv4Routes(MAX_NEXT_HOPS);
            List<int[]> installed = new ArrayList<>();
            table.insert(0, 0, 7); // the default route, deleted and restored by the churn below
            reference.insert(0, 0, 7);
            int[] addresses = new int[64];
            int[] got = new int[64];
            for (int step = 0; step < steps; step++) {
                if (!installed.isEmpty() && r.nextInt(5) < 2) {
                    int[] p = installed.remove(r.nextInt(installed.size()));
                    assertEquals(reference.delete(p[0], p[1]), table.delete(p[0], p[1]));
                } else {
                    int[] p = randomIpv4Prefix(r);
                    int hop = r.nextInt(MAX_NEXT_HOPS);
                    if (reference.get(p[0], p[1]) == Ipv4Routes.NO_ROUTE) installed.add(p);
                    reference.insert(p[0], p[1], hop);
                    table.insert(p[0], p[1], hop);
                }
                if (step % 100 == 0) {
                    for (int i = 0; i < addresses.length; i++) addresses[i] = randomIpv4Address(r, installed);
                    table.lookupBatch(addresses, got, addresses.length);
                    for (int i = 0; i < addresses.length; i++) {
                        int expected = reference.lookup(addresses[i]);
                        if (got[i] != expected || table.lookup(addresses[i]) != expected) {
                            fail("seed " + seed + " step " + step + ": " + Ipv4RouteTable.formatAddress(addresses[i])
                                    + " -> batch " + got[i] + ", single " + table.lookup(addresses[i]) + ", expected " + expected);
                        }
                    }
                }
            }
            assertEquals(reference.size(), table.size());
            for (int i = 0; i < 2_000_000; i++) {
                int a = randomIpv4Address(r, installed);
                int expected = reference.lookup(a);
                int actual = table.lookup(a);
                if (actual != expected) {
                    fail("seed " + seed + ": " + Ipv4RouteTable.formatAddress(a) + " -> " + actual + ", expected " + expected);
                }
            }
            for (int[] p : installed) assertEquals(reference.get(p[0], p[1]), table.get(p[0], p[1]));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"trie", "dir24"})
    void ipv4CalicoTableAgreesWithBruteForce(String implementation) {
        Ipv4RouteSet routes = Ipv4RouteSetGenerator.calico(20_000, 42);
        Ipv4Routes table = ipv4(implementation).apply(routes.maxNextHops());
        PerLengthIpv4Routes reference = new PerLengthIpv4Routes(routes.maxNextHops());
        routes.insertInto(table);
        routes.insertInto(reference);
        int[] trace = Ipv4RouteSetGenerator.trace(routes, 200_000, 43);
        int[] got = new int[trace.length];
        table.lookupBatch(trace, got, trace.length);
        for (int i = 0; i < trace.length; i++) {
            assertEquals(reference.lookup(trace[i]), got[i], Ipv4RouteTable.formatAddress(trace[i]));
        }
        // Remove every other route (endpoints going away) and check again.
        for (int i = 0; i < routes.size(); i += 2) {
            table.delete(routes.prefix(i), routes.length(i));
            reference.delete(routes.prefix(i), routes.length(i));
        }
        table.lookupBatch(trace, got, trace.length);
        for (int i = 0; i < trace.length; i++) {
            assertEquals(reference.lookup(trace[i]), got[i], Ipv4RouteTable.formatAddress(trace[i]));
        }
        assertEquals(reference.size(), table.size());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void ipv6RandomChurnAgreesWithBruteForce(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Ipv6RouteTable table = new Ipv6RouteTable(MAX_NEXT_HOPS);
        PerLengthIpv6Routes reference = new PerLengthIpv6Routes(MAX_NEXT_HOPS);
        List<long[]> installed = new ArrayList<>();
        long poolHi = 0xfd00_0000_0000_0000L | (seed << 32);
        for (int step = 0; step < 6_000; step++) {
            if (!installed.isEmpty() && r.nextInt(5) < 2) {
                long[] p = installed.remove(r.nextInt(installed.size()));
                assertEquals(reference.delete(p[0], p[1], (int) p[2]), table.delete(p[0], p[1], (int) p[2]));
            } else {
                int length = r.nextInt(129);
                // Half inside one /48 with few distinct low bytes, so prefixes nest deeply.
                long hi = r.nextBoolean() ? poolHi | (r.nextInt(4) << 16) | r.nextInt(4) : r.nextLong();
                long lo = r.nextBoolean() ? (long) r.nextInt(4) << 60 | r.nextInt(8) : r.nextLong();
                hi &= Ipv6RouteTable.hiMask(length);
                lo &= Ipv6RouteTable.loMask(length);
                int hop = r.nextInt(MAX_NEXT_HOPS);
                if (reference.get(hi, lo, length) == Ipv6Routes.NO_ROUTE) installed.add(new long[] {hi, lo, length});
                reference.insert(hi, lo, length, hop);
                table.insert(hi, lo, length, hop);
            }
            if (step % 50 == 0) checkIpv6(r, table, reference, installed, poolHi, 200);
        }
        assertEquals(reference.size(), table.size());
        checkIpv6(r, table, reference, installed, poolHi, 500_000);
    }

    private static void checkIpv6(SplittableRandom r, Ipv6RouteTable table, PerLengthIpv6Routes reference,
                                  List<long[]> installed, long poolHi, int lookups) {
        long[] his = new long[lookups];
        long[] los = new long[lookups];
        for (int i = 0; i < lookups; i++) {
            if (!installed.isEmpty() && r.nextBoolean()) {
                long[] p = installed.get(r.nextInt(installed.size()));
                his[i] = p[0] | (r.nextLong() & ~Ipv6RouteTable.hiMask((int) p[2]));
                los[i] = p[1] | (r.nextLong() & ~Ipv6RouteTable.loMask((int) p[2]));
            } else {
                his[i] = r.nextBoolean() ? poolHi | (r.nextInt(4) << 16) | r.nextInt(4) : r.nextLong();
                los[i] = r.nextBoolean() ? (long) r.nextInt(4) << 60 | r.nextInt(8) : r.nextLong();
            }
        }
        int[] got = new int[lookups];
        table.lookupBatch(his, los, got, lookups);
        for (int i = 0; i < lookups; i++) {
            int expected = reference.lookup(his[i], los[i]);
            if (got[i] != expected) {
                fail(Ipv6RouteTable.formatAddress(his[i], los[i]) + " -> " + got[i] + ", expected " + expected);
            }
        }
    }
}
