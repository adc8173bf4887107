package ocelot.lpm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every behaviour an IPv6 route table promises; one subclass per implementation. */
abstract class Ipv6RouteTableContract {
    static final int MAX_NEXT_HOPS = 1000;
    static final long FD00 = 0xfd00_0000_0000_0000L; // fd00::/8, unique local

    abstract Ipv6Routes newTable(int maxNextHops);

    @Test
    void emptyTableHasNoRoute() {
        Ipv6Routes t = newTable(MAX_NEXT_HOPS);
        assertEquals(Ipv6Routes.NO_ROUTE, t.lookup(FD00, 1));
        assertEquals(Ipv6Routes.NO_ROUTE, t.lookup(0, 0));
        assertEquals(Ipv6Routes.NO_ROUTE, t.lookup(-1, -1));
    }

    @Test
    void longestPrefixWinsAcrossTheHalves() {
        Ipv6Routes t = newTable(MAX_NEXT_HOPS);
        t.insert(0, 0, 0, 1);
        t.insert(FD00, 0, 8, 2);
        t.insert(FD00 | 0x0001_0000_0000L, 0, 48, 3);
        t.insert(FD00 | 0x0001_0000_0000L, 0, 64, 4);
        t.insert(FD00 | 0x0001_0000_0000L, 0x40, 122, 5);
        t.insert(FD00 | 0x0001_0000_0000L, 0x47, 128, 6);
        assertEquals(1, t.lookup(0x2001_0db8_0000_0000L, 1));
        assertEquals(2, t.lookup(FD00 | 0x0002_0000_0000L, 1));
        assertEquals(3, t.lookup(FD00 | 0x0001_0000_0001L, 1));
        assertEquals(4, t.lookup(FD00 | 0x0001_0000_0000L, 0x80));
        assertEquals(5, t.lookup(FD00 | 0x0001_0000_0000L, 0x7f));
        assertEquals(6, t.lookup(FD00 | 0x0001_0000_0000L, 0x47));
        assertEquals(6, t.size());
        assertTrue(t.delete(FD00 | 0x0001_0000_0000L, 0x40, 122));
        assertEquals(4, t.lookup(FD00 | 0x0001_0000_0000L, 0x7f));
        assertEquals(6, t.lookup(FD00 | 0x0001_0000_0000L, 0x47));
        assertTrue(t.delete(FD00 | 0x0001_0000_0000L, 0x47, 128));
        assertEquals(4, t.lookup(FD00 | 0x0001_0000_0000L, 0x47));
        assertFalse(t.delete(FD00 | 0x0001_0000_0000L, 0x47, 128));
        assertEquals(4, t.size());
    }

    @Test
    void replaceAndGet() {
        Ipv6Routes t = newTable(MAX_NEXT_HOPS);
        t.insert(FD00, 0, 16, 3);
        t.insert(FD00, 0, 16, 7);
        assertEquals(1, t.size());
        assertEquals(7, t.get(FD00, 0, 16));
        assertEquals(Ipv6Routes.NO_ROUTE, t.get(FD00, 0, 17));
        assertEquals(7, t.lookup(FD00 | 1, 5));
    }

    @Test
    void badInputIsRejectedAndLeavesTheTableUnchanged() {
        Ipv6Routes t = newTable(MAX_NEXT_HOPS);
        t.insert(FD00, 0, 64, 4);
        IllegalArgumentException e;
        e = assertThrows(IllegalArgumentException.class, () -> t.insert(FD00, 0, 129, 1));
        assertTrue(e.getMessage().contains("129"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.insert(FD00, 1, 64, 1));
        assertTrue(e.getMessage().contains("host bits") && e.getMessage().contains("fd00:0:0:0:0:0:0:1/64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.insert(FD00 | 1, 0, 48, 1));
        assertTrue(e.getMessage().contains("host bits"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.insert(FD00, 0, 64, MAX_NEXT_HOPS));
        assertTrue(e.getMessage().contains("next hop"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> t.insert(FD00, 0, -3, 1));
        assertThrows(IllegalArgumentException.class, () -> t.delete(FD00, 1, 64));
        assertThrows(IllegalArgumentException.class, () -> t.get(FD00, 0, 200));
        assertEquals(1, t.size());
        assertEquals(4, t.lookup(FD00, 99));
    }

    @Test
    void forEachAndBatchLookup() {
        Ipv6Routes t = newTable(MAX_NEXT_HOPS);
        SplittableRandom r = new SplittableRandom(5);
        Map<List<Long>, Integer> expected = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            int length = r.nextInt(129);
            long hi = r.nextLong() & Ipv6RouteTable.hiMask(length);
            long lo = r.nextLong() & Ipv6RouteTable.loMask(length);
            int hop = r.nextInt(MAX_NEXT_HOPS);
            t.insert(hi, lo, length, hop);
            expected.put(List.of(hi, lo, (long) length), hop);
        }
        Map<List<Long>, Integer> seen = new HashMap<>();
        t.forEach((hi, lo, l, h) -> assertEquals(null, seen.put(List.of(hi, lo, (long) l), h)));
        assertEquals(expected, seen);
        long[] his = new long[64];
        long[] los = new long[64];
        for (int i = 0; i < 64; i++) {
            his[i] = r.nextLong();
            los[i] = r.nextLong();
        }
        int[] batch = new int[64];
        t.lookupBatch(his, los, batch, 64);
        int[] single = new int[64];
        for (int i = 0; i < 64; i++) single[i] = t.lookup(his[i], los[i]);
        assertArrayEquals(single, batch);
    }

    @Test
    void interleavedRandomUpdatesMatchTheReference() {
        Ipv6Routes t = newTable(MAX_NEXT_HOPS);
        LinearIpv6Routes reference = new LinearIpv6Routes(MAX_NEXT_HOPS);
        SplittableRandom r = new SplittableRandom(9);
        long baseHi = FD00 | 0x0001_0002_0003L;
        for (int step = 0; step < 3000; step++) {
            int length = r.nextInt(129);
            long hi = (length <= 40 ? r.nextLong() : baseHi ^ (r.nextInt(4) & 3)) & Ipv6RouteTable.hiMask(length);
            long lo = (r.nextInt(256) * 0x0101_0101_0101_0101L) & Ipv6RouteTable.loMask(length);
            if (r.nextInt(3) == 0) {
                assertEquals(reference.delete(hi, lo, length), t.delete(hi, lo, length));
            } else {
                int hop = r.nextInt(MAX_NEXT_HOPS);
                reference.insert(hi, lo, length, hop);
                t.insert(hi, lo, length, hop);
            }
            long ahi = r.nextBoolean() ? baseHi ^ (r.nextInt(4) & 3) : r.nextLong();
            long alo = r.nextBoolean() ? r.nextInt(256) * 0x0101_0101_0101_0101L : r.nextLong();
            assertEquals(reference.lookup(ahi, alo), t.lookup(ahi, alo));
        }
        assertEquals(reference.size(), t.size());
    }
}
