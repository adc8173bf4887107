package ocelot.fastpath.conntrack;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The table against a HashMap model: random creates and removes (so backward-shift deletion
 * runs over real collision chains), both directions found, eviction when full, expiry by
 * injected time.
 */
class ConntrackTableTest {
    static final ConntrackTimeouts T = ConntrackTimeouts.linuxDefaults();
    static final int UDP = 17;

    @Test
    void bothDirectionsAreFoundAndTheReplyTupleIsKept() {
        ConntrackTable ct = new ConntrackTable(16);
        int f = ct.create(0x0A000001, 0x0A000002, 1000, 53, 0x0A000002, 0xC0A8000A, 53, 40000, UDP, FlowState.UDP_UNREPLIED, 0, T);
        assertEquals(f << 1, ct.lookup(0x0A000001, 0x0A000002, 1000, 53, UDP));
        assertEquals(f << 1 | 1, ct.lookup(0x0A000002, 0xC0A8000A, 53, 40000, UDP));
        assertEquals(ConntrackTable.NONE, ct.lookup(0x0A000001, 0x0A000002, 1000, 53, 6), "protocol is part of the key");
        assertEquals(ConntrackTable.NONE, ct.lookup(0x0A000002, 0x0A000001, 53, 1000, UDP), "the reply is the NATed tuple");
        assertEquals(0xC0A8000A, ct.replyDst(f));
        assertEquals(40000, ct.replyDstPort(f));
        assertEquals(FlowState.UDP_REPLIED, ct.touch(f, true, 0, 1, T));
        assertEquals(FlowState.UDP_REPLIED, ct.state(f));
    }

    @Test
    void aNatedIpv6FlowKeepsTheFullAddressesOfItsBindingAndFreesItWhenEvicted() {
        ConntrackTable ct = ConntrackTable.forIpv6(16);
        long epHi = 0xFD00_0065_0000_0000L, epLo = 2, dstHi = 0x2001_0DB8_0000_0000L, dstLo = 0x53, nodeHi = 0xFD00_0192_0000_0000L, nodeLo = 0x10;
        int f = ct.create6Nat(epHi, epLo, dstHi, dstLo, 5000, 53, nodeHi, nodeLo, 53, 32768, UDP, FlowState.UDP_UNREPLIED, 0, T);
        assertEquals(f << 1, ct.lookup6(epHi, epLo, dstHi, dstLo, 5000 << 16 | 53, UDP));
        assertEquals(f << 1 | 1, ct.lookup6(dstHi, dstLo, nodeHi, nodeLo, 53 << 16 | 32768, UDP));
        assertEquals(ConntrackTable.NONE, ct.lookup6(dstHi, dstLo, epHi, epLo, 53 << 16 | 5000, UDP), "the reply is the NATed tuple");
        assertEquals(ConntrackTable.NONE, ct.lookup6(dstHi, dstLo, nodeHi, nodeLo + 1, 53 << 16 | 32768, UDP), "full addresses compared");
        assertTrue(ct.natOrigSrc(f) != 0, "marked NATed");
        assertEquals(5000, ct.natOrigPort(f));
        assertEquals(epHi, ct.natOrigSrcHi(f));
        assertEquals(epLo, ct.natOrigSrcLo(f));
        assertEquals(nodeHi, ct.replyDstHi(f));
        assertEquals(nodeLo, ct.replyDstLo(f));
        assertEquals(32768, ct.replyDstPort(f));
        int plain = ct.create6(epHi, epLo, dstHi, dstLo, 5001, 53, UDP, FlowState.UDP_UNREPLIED, 0, T);
        assertEquals(0, ct.natOrigSrc(plain), "a flow without NAT is not marked");
        // fill the table: the NATed flow (closest to expiry) is evicted and its binding is free
        for (int k = 0; k < 16; k++) ct.create6(epHi, epLo + 1 + k, dstHi, dstLo, 6000, 53, UDP, FlowState.UDP_UNREPLIED, 1L << 30, T);
        assertTrue(ct.evictedTotal() > 0);
        assertEquals(ConntrackTable.NONE, ct.lookup6(dstHi, dstLo, nodeHi, nodeLo, 53 << 16 | 32768, UDP));
    }

    @Test
    void aCachedForwardingBelongsToItsDirectionTagAndPortAndDiesWithTheFlow() {
        ConntrackTable ct = new ConntrackTable(16);
        int f = ct.create(0x0A000001, 0x0A000002, 1000, 53, 0x0A000002, 0x0A000001, 53, 1000, UDP, FlowState.UDP_UNREPLIED, 0, T);
        long tag = 7L << 32 | 3;
        ct.cacheForward(f << 1, tag, 2, 5, 0x0200_0000_0001L, 0xC0A80002);
        assertTrue(ct.forwardCached(f << 1, tag, 2));
        assertEquals(0x0200_0000_0001L | 5L << 48, ct.cachedMacPort(f << 1));
        assertEquals(0xC0A80002, ct.cachedTunnel(f << 1));
        assertTrue(!ct.forwardCached(f << 1 | 1, tag, 2), "the reply direction has its own");
        assertTrue(!ct.forwardCached(f << 1, tag + 1, 2), "another neighbour version");
        assertTrue(!ct.forwardCached(f << 1, 8L << 32 | 3, 2), "another snapshot generation");
        assertTrue(!ct.forwardCached(f << 1, tag, 1), "another receiving port");
        ct.remove(f);
        int g = ct.create(0x0A000003, 0x0A000002, 1000, 53, 0x0A000002, 0x0A000003, 53, 1000, UDP, FlowState.UDP_UNREPLIED, 0, T);
        assertEquals(f, g, "the freed slot is reused");
        assertTrue(!ct.forwardCached(g << 1, tag, 2), "a new flow in the slot starts without its predecessor's forwarding");
    }

    @Test
    void randomCreatesAndRemovesAgreeWithAModel() {
        ConntrackTable ct = new ConntrackTable(1024);
        Map<Long, Integer> model = new HashMap<>(); // (src, ports) -> flow
        SplittableRandom r = new SplittableRandom(7);
        for (int step = 0; step < 200_000; step++) {
            // few distinct sources and ports: many tuples share index neighbourhoods
            int src = r.nextInt(64);
            int ports = r.nextInt(40) << 16 | 80;
            long key = (long) src << 32 | ports;
            Integer f = model.get(key);
            if (f == null && model.size() < 1000) {
                int g = ct.create(src, 7, ports >>> 16, 80, 7, src, 80, ports >>> 16, UDP, FlowState.UDP_UNREPLIED, step, T);
                model.put(key, g);
            } else if (f != null) {
                assertEquals(f << 1, ct.lookup(src, 7, ports, UDP));
                assertEquals(f << 1 | 1, ct.lookup(7, src, 80 << 16 | (ports >>> 16), UDP));
                if (r.nextBoolean()) {
                    ct.remove(f);
                    model.remove(key);
                    assertEquals(ConntrackTable.NONE, ct.lookup(src, 7, ports, UDP));
                }
            }
            assertEquals(model.size(), ct.size());
        }
        for (var e : model.entrySet()) {
            int src = (int) (e.getKey() >>> 32), ports = (int) (long) e.getKey();
            assertEquals(e.getValue() << 1, ct.lookup(src, 7, ports, UDP));
        }
    }

    @Test
    void aFullTableEvictsTheFlowClosestToExpiry() {
        ConntrackTable ct = new ConntrackTable(16);
        long ms = 1_000_000;
        for (int i = 0; i < 16; i++) ct.create(i, 100, 1, 2, 100, i, 2, 1, UDP, FlowState.UDP_UNREPLIED, (i + 1) * 10 * ms, T);
        ct.touch(ct.lookup(0, 100, 1, 2, UDP) >>> 1, false, 0, 500 * ms, T); // flow 0 is now the freshest
        ct.create(99, 100, 1, 2, 100, 99, 2, 1, UDP, FlowState.UDP_UNREPLIED, 600 * ms, T);
        assertEquals(1, ct.evictedTotal());
        assertEquals(16, ct.size());
        assertEquals(ConntrackTable.NONE, ct.lookup(1, 100, 1, 2, UDP), "flow 1 expired first among the sampled");
        assertTrue(ct.lookup(0, 100, 1, 2, UDP) != ConntrackTable.NONE);
        assertTrue(ct.lookup(99, 100, 1, 2, UDP) != ConntrackTable.NONE);
    }

    @Test
    void expiryRemovesOnlyTimedOutFlows() {
        ConntrackTable ct = new ConntrackTable(16);
        int a = ct.create(1, 2, 3, 4, 2, 1, 4, 3, UDP, FlowState.UDP_UNREPLIED, 0, T);
        ct.create(5, 6, 7, 8, 6, 5, 8, 7, UDP, FlowState.UDP_UNREPLIED, 20_000_000_000L, T);
        long after = T.udpUnrepliedNs() + 2_000_000; // expiry has ~1 ms ticks
        assertTrue(ct.isExpired(a, after));
        assertEquals(1, ct.expire(after, 16));
        assertEquals(1, ct.size());
        assertEquals(ConntrackTable.NONE, ct.lookup(1, 2, 3, 4, UDP));
        assertTrue(ct.lookup(5, 6, 7, 8, UDP) != ConntrackTable.NONE);
    }

    /**
     * A table at capacity (issue 24): filled without eviction; a flood of new flows as big as
     * half the table evicts exactly one flow per new flow, only unreplied ones (Linux's early
     * drop: no replied flow is lost while a sample holds an unreplied one), oldest first; the
     * sweep then removes what timed out and only that, including flows whose sweep word ({@code due})
     * predates a touch; the emptied table fills again from its free list without evicting.
     */
    @Test
    void fillsEvictsAndExpiresAtCapacity() {
        int capacity = 1 << 16;
        ConntrackTable ct = new ConntrackTable(capacity);
        long s = 1_000_000_000L, t0 = 5 * s;
        int[] slot = new int[capacity + capacity / 2];
        for (int i = 0; i < capacity; i++) slot[i] = ct.create(i, 100, 1, 2, 100, i, 2, 1, UDP, FlowState.UDP_UNREPLIED, t0, T);
        assertEquals(capacity, ct.size());
        assertEquals(0, ct.evictedTotal());
        for (int i = 0; i < capacity; i++) {
            assertEquals(slot[i] << 1, ct.lookup(i, 100, 1, 2, UDP));
            assertEquals(slot[i] << 1 | 1, ct.lookup(100, i, 2, 1, UDP));
        }
        // the even flows are answered: replied UDP, 120 s
        for (int i = 0; i < capacity; i += 2) assertEquals(FlowState.UDP_REPLIED, ct.touch(slot[i], true, 0, t0 + s, T));

        // a flood of new flows: each evicts one unreplied flow, the older (odd, original) ones first
        for (int j = 0; j < capacity / 2; j++) {
            slot[capacity + j] = ct.create(capacity + j, 100, 1, 2, 100, capacity + j, 2, 1, UDP, FlowState.UDP_UNREPLIED, t0 + 2 * s, T);
            assertEquals(capacity, ct.size());
        }
        assertEquals(capacity / 2, ct.evictedTotal());
        for (int i = 0; i < capacity; i++) {
            int ref = ct.lookup(i, 100, 1, 2, UDP);
            if (i % 2 == 0) assertEquals(slot[i] << 1, ref, "replied flow " + i + " kept");
            else assertEquals(ConntrackTable.NONE, ref, "unreplied flow " + i + " evicted");
        }
        for (int j = 0; j < capacity / 2; j++) assertEquals(slot[capacity + j] << 1, ct.lookup(capacity + j, 100, 1, 2, UDP));

        // past the unreplied timeout (the flood's), not the replied one: a whole sweep in bounded steps
        long t1 = t0 + 40 * s;
        int removed = 0;
        for (int k = 0; k < capacity / 1024; k++) removed += ct.expire(t1, 1024);
        assertEquals(capacity / 2, removed);
        assertEquals(capacity / 2, ct.size());
        for (int i = 0; i < capacity; i += 2) {
            assertEquals(slot[i] << 1 | 1, ct.lookup(100, i, 2, 1, UDP), "replied flow " + i + " outlives its creation's 30 s");
            assertTrue(!ct.isExpired(slot[i], t1));
        }
        for (int j = 0; j < capacity / 2; j++) assertEquals(ConntrackTable.NONE, ct.lookup(capacity + j, 100, 1, 2, UDP));

        // past the replied timeout: everything goes, and the table fills again without evicting
        long t2 = t0 + 122 * s;
        removed = 0;
        for (int k = 0; k < capacity / 1024; k++) removed += ct.expire(t2, 1024);
        assertEquals(capacity / 2, removed);
        assertEquals(0, ct.size());
        assertEquals(capacity, ct.expiredTotal());
        for (int i = 0; i < capacity; i++) ct.create(7, i, 3, 4, i, 7, 4, 3, UDP, FlowState.UDP_UNREPLIED, t2, T);
        assertEquals(capacity, ct.size());
        assertEquals(capacity / 2, ct.evictedTotal());
        for (int i = 0; i < capacity; i++) assertTrue(ct.lookup(7, i, 3, 4, UDP) != ConntrackTable.NONE);
    }

    /** A full table whose sampled flows are all replied still makes room: it never refuses or waits. */
    @Test
    void aFloodIntoRepliedFlowsEvictsTheClosestToExpiry() {
        ConntrackTable ct = new ConntrackTable(16);
        long ms = 1_000_000;
        for (int i = 0; i < 16; i++) {
            int f = ct.create(i, 100, 1, 2, 100, i, 2, 1, UDP, FlowState.UDP_UNREPLIED, 0, T);
            ct.touch(f, true, 0, (i + 1) * ms * 10, T);
        }
        ct.touch(ct.lookup(0, 100, 1, 2, UDP) >>> 1, false, 0, 500 * ms, T);
        ct.create(99, 100, 1, 2, 100, 99, 2, 1, UDP, FlowState.UDP_UNREPLIED, 600 * ms, T);
        assertEquals(ConntrackTable.NONE, ct.lookup(1, 100, 1, 2, UDP));
        assertTrue(ct.lookup(99, 100, 1, 2, UDP) != ConntrackTable.NONE);
    }

    /**
     * The cached forwarding's epoch stands for the burst's tag; when the 15-bit epochs wrap,
     * every cached result is cleared, so a result from 32,767 tags ago never matches a new tag
     * that got its old epoch.
     */
    @Test
    void cachedForwardingNeverSurvivesAnEpochWrap() {
        ConntrackTable ct = new ConntrackTable(16);
        int f = ct.create(1, 2, 3, 4, 2, 1, 4, 3, UDP, FlowState.UDP_UNREPLIED, 0, T);
        ct.cacheForward(f << 1, 1, 2, 5, 0x0200_0000_0001L, 0);
        assertTrue(ct.forwardCached(f << 1, 1, 2));
        assertEquals(0x0005_0200_0000_0001L, ct.cachedMacPort(f << 1));
        for (long tag = 2; tag <= ConntrackTable.MAX_EPOCH + 1; tag++) assertTrue(!ct.forwardCached(f << 1, tag, 2));
        // the epoch of tag 1 is given out again: the old result must be gone
        assertTrue(!ct.forwardCached(f << 1, ConntrackTable.MAX_EPOCH + 2, 2));
        ct.cacheForward(f << 1 | 1, ConntrackTable.MAX_EPOCH + 2, 65535, 65535, 0xFFFF_FFFF_FFFFL, 0xC0A80002);
        assertTrue(ct.forwardCached(f << 1 | 1, ConntrackTable.MAX_EPOCH + 2, 65535));
        assertEquals(0xFFFF_FFFF_FFFF_FFFFL, ct.cachedMacPort(f << 1 | 1));
        assertEquals(0xC0A80002, ct.cachedTunnel(f << 1 | 1));
        assertEquals(0, ct.cachedTunnel(f << 1));
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new ConntrackTable(100));
    }
}
