package ocelot.lpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The one interleaving the seqlock exists for, played deterministically: a reader reads a
 * pointer, the writer frees that node and reuses it for another prefix with a route in the
 * same slots, then the reader follows its stale pointer. It must not answer with the other
 * prefix's next hop (the free lists are LIFO, so the reuse is certain).
 */
class NodeRecyclingTest {
    private static final int A = 0x0A01_0203; // 10.1.2.3
    private static final int B = 0x0A09_0203; // 10.9.2.3: same level-1 and level-2 slots, other /16

    @Test
    void trieReaderWithAStalePointerNeverSeesTheNodesNextLife() {
        Ipv4RouteTable t = new Ipv4RouteTable(10);
        t.insert(A, 32, 1);
        int stale = t.rootEntry(A);
        assertTrue(stale < 0, "10.1.0.0/16 has a node");
        t.delete(A, 32);
        t.insert(B, 32, 2);
        assertEquals(stale, t.rootEntry(B), "the freed node was reused for 10.9.0.0/16");
        int e = t.below(stale, A);
        assertEquals(Ipv4Routes.NO_ROUTE, (e & 0xFF_FFFF) - 1, "a reader that held the old pointer");
        assertEquals(Ipv4Routes.NO_ROUTE, t.lookup(A));
        assertEquals(2, t.lookup(B));
    }

    @Test
    void trieBurstOverlappingANodeReuseIsWalkedAgain() {
        Ipv4RouteTable t = new Ipv4RouteTable(10);
        t.insert(A, 32, 1);
        int[] hops = new int[2];
        // The burst reads both root entries, then the writer frees A's nodes and reuses both
        // for B; the burst's node loads would then find B's route in A's slots.
        t.lookupBurst(new int[] {A, B}, hops, 2, () -> {
            t.delete(A, 32);
            t.insert(B, 32, 2);
        });
        assertEquals(Ipv4Routes.NO_ROUTE, hops[0], "A after the delete, not B's next hop");
        assertEquals(2, hops[1]);
        // A burst with no reuse under it answers from its single pass.
        t.lookupBurst(new int[] {A, B}, hops, 2, () -> t.insert(A, 32, 3));
        assertEquals(Ipv4Routes.NO_ROUTE, hops[0], "A's root entry was read before the insert");
        assertEquals(2, hops[1]);
    }

    @Test
    void ipv6BurstOverlappingANodeReuseIsLookedUpAgain() {
        // fd00:10::1 and fe00:10::1 differ only in the first byte: the same slots below the root.
        long aHi = 0xFD00_0010_0000_0000L, bHi = 0xFE00_0010_0000_0000L, lo = 1;
        Ipv6RouteTable t = new Ipv6RouteTable(10);
        t.insert(aHi, lo, 128, 1);
        int[] hops = new int[2];
        // The burst reads both root entries; the writer then frees A's 15 nodes and reuses
        // them (LIFO) for B, so A's stale root pointer would lead to B's /128.
        t.lookupBurst(new long[] {aHi, bHi}, new long[] {lo, lo}, hops, 2, () -> {
            t.delete(aHi, lo, 128);
            t.insert(bHi, lo, 128, 2);
        });
        assertEquals(Ipv6Routes.NO_ROUTE, hops[0], "A after the delete, not B's next hop");
        assertEquals(2, hops[1]);
        assertEquals(Ipv6Routes.NO_ROUTE, t.lookup(aHi, lo));
    }

    @Test
    void dir24ReaderWithAStalePointerNeverSeesTheGroupsNextLife() {
        Ipv4Dir24RouteTable t = new Ipv4Dir24RouteTable(10);
        t.insert(A, 32, 1);
        int stale = t.tbl24Entry(A);
        assertTrue(stale < 0, "10.1.2.0/24 has a group");
        t.delete(A, 32);
        t.insert(B, 32, 2);
        assertEquals(stale, t.tbl24Entry(B), "the freed group was reused for 10.9.2.0/24");
        int e = t.groupEntry(stale, A);
        assertEquals(Ipv4Routes.NO_ROUTE, (e & 0xFF_FFFF) - 1, "a reader that held the old pointer");
        assertEquals(2, t.lookup(B));
    }
}
