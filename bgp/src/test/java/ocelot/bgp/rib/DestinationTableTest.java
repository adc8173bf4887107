package ocelot.bgp.rib;

import ocelot.bgp.wire.Prefix;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DestinationTableTest {

    /** Random adds and removes (with deletions inside wrapped probe runs) against a HashMap model. */
    @Test
    void matchesHashMapUnderChurn() {
        DestinationTable t = new DestinationTable();
        HashMap<Prefix, Destination> model = new HashMap<>();
        Random r = new Random(42);
        for (int op = 0; op < 200_000; op++) {
            // A small key space forces collisions, long probe runs and shrinking.
            Prefix p = r.nextBoolean() ? Prefix.ipv4(0x0b000000 + r.nextInt(3000), 32)
                    : Prefix.ipv6(0x20010db8L << 32, r.nextInt(3000), 128 - r.nextInt(2));
            if (r.nextInt(3) == 0) {
                t.remove(p);
                model.remove(p);
                assertNull(t.get(p));
            } else {
                Destination d = t.getOrAdd(p);
                Destination m = model.computeIfAbsent(p, k -> d);
                assertSame(m, d, "getOrAdd of " + p);
            }
            if (op % 10_000 == 0) {
                for (var e : model.entrySet()) assertSame(e.getValue(), t.get(e.getKey()));
            }
        }
        assertEquals(model.size(), t.size());
        Set<Destination> seen = new HashSet<>();
        for (Destination d : t) seen.add(d);
        assertEquals(new HashSet<>(model.values()), seen);
        assertEquals(model.size(), t.snapshot().length);
        for (Prefix p : model.keySet().toArray(new Prefix[0])) t.remove(p);
        assertEquals(0, t.size());
        assertEquals(false, t.iterator().hasNext());
    }

    /** Blocked hashing: 16 consecutive prefixes fill one block; prefixes 16 apart do not share one offset. */
    @Test
    void consecutivePrefixesShareABlockAndStridedOnesSpread() {
        Set<Integer> blocks = new HashSet<>();
        Set<Integer> offsets = new HashSet<>();
        for (int i = 0; i < DestinationTable.BLOCK; i++) {
            int h = DestinationTable.hash(false, 0, (0x0b0000L + i) << 8, 24); // 11.0.0.0/24 .. 11.0.15.0/24
            blocks.add(h & -DestinationTable.BLOCK);
            offsets.add(h & (DestinationTable.BLOCK - 1));
        }
        assertEquals(1, blocks.size());
        assertEquals(DestinationTable.BLOCK, offsets.size());
        Set<Integer> stridedOffsets = new HashSet<>();
        Set<Integer> stridedBlocks = new HashSet<>();
        for (int i = 0; i < 256; i++) {
            int h = DestinationTable.hash(false, 0, 0x0b000000L + 16L * i, 32);
            stridedOffsets.add(h & (DestinationTable.BLOCK - 1));
            stridedBlocks.add(h & -DestinationTable.BLOCK);
        }
        assertEquals(DestinationTable.BLOCK, stridedOffsets.size());
        assertEquals(256, stridedBlocks.size());
        // The default route and the same address at other lengths are distinct non-zero hashes.
        Set<Integer> byLength = new HashSet<>();
        for (int len = 0; len <= 32; len++) {
            int h = DestinationTable.hash(false, 0, 0, len);
            assertTrue(h != 0, "hash 0 marks an empty slot");
            byLength.add(h);
        }
        assertEquals(33, byLength.size());
    }

    /** A full table of /24s in prefix order (a BIRD dump) withdrawn again in random order. */
    @Test
    void sequentialLoadThenRandomWithdrawals() {
        DestinationTable t = new DestinationTable();
        int n = 100_000;
        Destination[] ds = new Destination[n];
        for (int i = 0; i < n; i++) ds[i] = t.getOrAdd(false, 0, (0x100000L + i) << 8, 24);
        assertEquals(n, t.size());
        for (int i = 0; i < n; i++) assertSame(ds[i], t.get(false, 0, (0x100000L + i) << 8, 24));
        java.util.List<Integer> order = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) order.add(i);
        java.util.Collections.shuffle(order, new Random(7));
        for (int k = 0; k < n; k++) {
            int i = order.get(k);
            t.remove(ds[i]);
            assertNull(t.get(false, 0, (0x100000L + i) << 8, 24));
            if (k % 10_007 == 0) {
                for (int j = k + 1; j < n; j += 97) assertSame(ds[order.get(j)], t.get(false, 0, (0x100000L + order.get(j)) << 8, 24));
            }
        }
        assertEquals(0, t.size());
    }

    @Test
    void samePrefixDifferentLengthOrFamilyAreDistinct() {
        DestinationTable t = new DestinationTable();
        Destination a = t.getOrAdd(Prefix.parse("10.0.0.0/8"));
        Destination b = t.getOrAdd(Prefix.parse("10.0.0.0/16"));
        Destination c = t.getOrAdd(Prefix.parse("::a00:0/104"));
        assertEquals(3, t.size());
        assertSame(a, t.get(Prefix.parse("10.0.0.0/8")));
        assertSame(b, t.get(Prefix.parse("10.0.0.0/16")));
        assertSame(c, t.get(Prefix.parse("::a00:0/104")));
    }

    /** IPv4 destinations keep no upper address word (40 octets, not 48); IPv6 ones keep theirs. */
    @Test
    void destinationsGiveBackTheirPrefixAndIpv4RefusesUpperBits() {
        DestinationTable t = new DestinationTable();
        for (String s : new String[]{"192.0.2.7/32", "10.0.0.0/8", "2001:db8:1:2::/64", "2001:db8::5/128", "::/0"}) {
            Prefix p = Prefix.parse(s);
            Destination d = t.getOrAdd(p);
            assertEquals(p, d.prefix(), s);
            assertEquals(p.high(), d.high(), s);
            assertEquals(p.family() == ocelot.bgp.wire.AddressFamily.IPV6_UNICAST, d instanceof Destination.Ipv6, s);
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Destination.of(false, 1, 0x0a000000, 8));
        assertTrue(e.getMessage().contains("IPv4"), e.getMessage());
    }
}
