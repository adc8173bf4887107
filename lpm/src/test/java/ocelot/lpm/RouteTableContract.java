package ocelot.lpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every behaviour an IPv4 route table promises, run against each implementation (the
 * JCTools QueueSanityTest shape): one subclass per implementation, the brute-force reference
 * included, so the reference is held to the same contract it judges.
 */
abstract class RouteTableContract {
    static final int MAX_NEXT_HOPS = 1000;

    abstract Ipv4Routes newTable(int maxNextHops);

    static int ip(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    @Test
    void emptyTableHasNoRoute() {
        Ipv4Routes t = newTable(MAX_NEXT_HOPS);
        assertEquals(Ipv4Routes.NO_ROUTE, t.lookup(ip(10, 0, 0, 1)));
        assertEquals(Ipv4Routes.NO_ROUTE, t.lookup(0));
        assertEquals(Ipv4Routes.NO_ROUTE, t.lookup(-1));
        assertEquals(0, t.size());
    }

    @Test
    void longestPrefixWins() {
        Ipv4Routes t = newTable(MAX_NEXT_HOPS);
        t.insert(0, 0, 1);
        t.insert(ip(10, 0, 0, 0), 8, 2);
        t.insert(ip(10, 1, 0, 0), 16, 3);
        t.insert(ip(10, 1, 2, 0), 26, 4);
        t.insert(ip(10, 1, 2, 7), 32, 5);
        assertEquals(1, t.lookup(ip(192, 168, 0, 1)));
        assertEquals(2, t.lookup(ip(10, 9, 0, 1)));
        assertEquals(3, t.lookup(ip(10, 1, 9, 1)));
        assertEquals(4, t.lookup(ip(10, 1, 2, 63)));
        assertEquals(3, t.lookup(ip(10, 1, 2, 64)));
        assertEquals(5, t.lookup(ip(10, 1, 2, 7)));
        assertEquals(5, t.size());
    }

    @Test
    void shorterPrefixInsertedLaterDoesNotHideLongerOnes() {
        Ipv4Routes t = newTable(MAX_NEXT_HOPS);
        t.insert(ip(10, 1, 2, 7), 32, 5);
        t.insert(ip(10, 1, 2, 0), 24, 4);
        t.insert(ip(10, 0, 0, 0), 8, 2);
        assertEquals(5, t.lookup(ip(10, 1, 2, 7)));
        assertEquals(4, t.lookup(ip(10, 1, 2, 8)));
        assertEquals(2, t.lookup(ip(10, 1, 3, 8)));
    }

    @Test
    void replaceChangesNextHopNotSize() {
        Ipv4Routes t = newTable(MAX_NEXT_HOPS);
        t.insert(ip(10, 1, 2, 0), 26, 4);
        t.insert(ip(10, 1, 2, 0), 26, 9);
        t.insert(ip(10, 1, 2, 3), 32, 4);
        t.insert(ip(10, 1, 2, 3), 32, 8);
        assertEquals(2, t.size());
        assertEquals(9, t.lookup(ip(10, 1, 2, 1)));
        assertEquals(8, t.lookup(ip(10, 1, 2, 3)));
        assertEquals(9, t.get(ip(10, 1, 2, 0), 26));
        assertEquals(8, t.get(ip(10, 1, 2, 3), 32));
    }

    @Test
    void deleteRestoresTheCoveringRoute() {
        Ipv4Routes t = newTable(MAX_NEXT_HOPS);
        t.insert(ip(10, 0, 0, 0), 8, 2);
        t.insert(ip(10, 1, 2, 0), 26, 4);
        t.insert(ip(10, 1, 2, 7), 32, 5);
        assertTrue(t.delete(ip(10, 1, 2, 7), 32));
        assertEquals(4, t.lookup(ip(10, 1, 2, 7)));
        assertTrue(t.delete(ip(10, 1, 2, 0), 26));
        assertEquals(2, t.lookup(ip(10, 1, 2, 7)));
        assertFalse(t.delete(ip(10, 1, 2, 0), 26));
        assertTrue(t.delete(ip(10, 0, 0, 0), 8));
        assertEquals(Ipv4Routes.NO_ROUTE, t.lookup(ip(10, 1, 2, 7)));
        assertEquals(0, t.size());
    }

    @Test
    void defaultAndHostRoutesAtTheEdgesOfTheSpace() {
        Ipv4Routes t = newTable(MAX_NEXT_HOPS);
        t.insert(0, 0, 0);
        t.insert(0, 32, 1);
        t.insert(-1, 32, 2);
        assertEquals(1, t.lookup(0));
        assertEquals(2, t.lookup(-1));
        assertEquals(0, t.lookup(ip(128, 0, 0, 0)));
        assertEquals(0, t.get(0, 0));
        assertTrue(t.delete(0, 0));
        assertEquals(Ipv4Routes.NO_ROUTE, t.lookup(ip(128, 0, 0, 0)));
        assertEquals(1, t.lookup(0));
    }

    @Test
    void getIsExactMatchOnly() {
        Ipv4Routes t = newTable(MAX_NEXT_HOPS);
        t.insert(ip(10, 1, 0, 0), 16, 3);
        assertEquals(3, t.get(ip(10, 1, 0, 0), 16));
        assertEquals(Ipv4Routes.NO_ROUTE, t.get(ip(10, 1, 0, 0), 17));
        assertEquals(Ipv4Routes.NO_ROUTE, t.get(ip(10, 0, 0, 0), 15));
        assertEquals(Ipv4Routes.NO_ROUTE, t.get(ip(10, 1, 0, 5), 32));
    }

    @Test
    void badInputIsRejectedAndLeavesTheTableUnchanged() {
        Ipv4Routes t = newTable(MAX_NEXT_HOPS);
        t.insert(ip(10, 1, 2, 0), 24, 4);
        IllegalArgumentException e;
        e = assertThrows(IllegalArgumentException.class, () -> t.insert(ip(10, 1, 2, 0), 33, 1));
        assertTrue(e.getMessage().contains("33"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.insert(ip(10, 1, 2, 0), -1, 1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.insert(ip(10, 1, 2, 1), 24, 1));
        assertTrue(e.getMessage().contains("10.1.2.1/24") && e.getMessage().contains("host bits"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.insert(ip(10, 1, 2, 0), 24, MAX_NEXT_HOPS));
        assertTrue(e.getMessage().contains("next hop " + MAX_NEXT_HOPS), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.insert(ip(10, 1, 2, 0), 24, -1));
        assertThrows(IllegalArgumentException.class, () -> t.insert(ip(10, 1, 2, 128), 25, -5));
        assertThrows(IllegalArgumentException.class, () -> t.delete(ip(10, 1, 2, 1), 24));
        assertThrows(IllegalArgumentException.class, () -> t.get(ip(10, 1, 2, 0), 40));
        assertEquals(1, t.size());
        assertEquals(4, t.lookup(ip(10, 1, 2, 200)));
        assertEquals(4, t.get(ip(10, 1, 2, 0), 24));
        assertEquals(Ipv4Routes.NO_ROUTE, t.lookup(ip(10, 1, 2, 128) + 0x100));
    }

    @Test
    void forEachVisitsEveryRouteOnce() {
        Ipv4Routes t = newTable(MAX_NEXT_HOPS);
        TreeMap<Long, Integer> expected = new TreeMap<>();
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 300; i++) {
            int length = r.nextInt(33);
            int prefix = length == 0 ? 0 : r.nextInt() & (-1 << (32 - length));
            int hop = r.nextInt(MAX_NEXT_HOPS);
            t.insert(prefix, length, hop);
            expected.put(((prefix & 0xFFFFFFFFL) << 6) | length, hop);
        }
        TreeMap<Long, Integer> seen = new TreeMap<>();
        t.forEach((p, l, h) -> assertEquals(null, seen.put(((p & 0xFFFFFFFFL) << 6) | l, h)));
        assertEquals(expected, seen);
        assertEquals(expected.size(), t.size());
    }

    @Test
    void batchLookupEqualsSingleLookups() {
        Ipv4Routes t = newTable(MAX_NEXT_HOPS);
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 200; i++) {
            int length = 16 + r.nextInt(17);
            t.insert(ip(10, 0, 0, 0) | (r.nextInt(1 << 16) & (-1 << (32 - length))), length, r.nextInt(MAX_NEXT_HOPS));
        }
        int[] addresses = new int[256];
        for (int i = 0; i < addresses.length; i++) addresses[i] = ip(10, 0, 0, 0) | r.nextInt(1 << 16);
        int[] batch = new int[256];
        t.lookupBatch(addresses, batch, 200);
        int[] single = new int[256];
        for (int i = 0; i < 200; i++) single[i] = t.lookup(addresses[i]);
        assertArrayEquals(single, batch);
    }

    @Test
    void interleavedRandomUpdatesMatchTheReference() {
        Ipv4Routes t = newTable(MAX_NEXT_HOPS);
        LinearIpv4Routes reference = new LinearIpv4Routes(MAX_NEXT_HOPS);
        SplittableRandom r = new SplittableRandom(3);
        int base = ip(10, 20, 0, 0);
        for (int step = 0; step < 3000; step++) {
            int length = r.nextInt(33);
            // Concentrate on 10.20.0.0/22 so that inserts and deletes overlap.
            int prefix = length == 0 ? 0 : (length <= 22 ? r.nextInt() : base | r.nextInt(1 << 10)) & (-1 << (32 - length));
            if (r.nextInt(3) == 0) {
                assertEquals(reference.delete(prefix, length), t.delete(prefix, length));
            } else {
                int hop = r.nextInt(MAX_NEXT_HOPS);
                reference.insert(prefix, length, hop);
                t.insert(prefix, length, hop);
            }
            int a = r.nextBoolean() ? base | r.nextInt(1 << 10) : r.nextInt();
            assertEquals(reference.lookup(a), t.lookup(a), () -> "lookup " + Ipv4RouteTable.formatAddress(a));
        }
        assertEquals(reference.size(), t.size());
        for (int i = 0; i < 1 << 10; i++) assertEquals(reference.lookup(base | i), t.lookup(base | i));
    }
}
