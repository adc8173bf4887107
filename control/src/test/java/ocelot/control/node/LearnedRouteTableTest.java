package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.Map;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.Prefix;
import org.junit.jupiter.api.Test;

/** The node's FIB: lpm tables plus a reference-counted next-hop list. */
class LearnedRouteTableTest {
    private static final InetAddress A = IpAddresses.inet("10.0.0.1");
    private static final InetAddress B = IpAddresses.inet("10.0.0.2");
    private static final InetAddress V6 = IpAddresses.inet("fd00::1");

    /**
     * Multipath: an equal-cost group is one next-hop entry shared by every route with the same
     * set; the listener hears each real change once (a re-install of the same group is none); the
     * node's wrapper that stamps route ages passes groups on (the FibSink default would keep one).
     */
    @Test
    void equalCostGroupsAreSharedEntriesAndReachTheListenerWhole() {
        LearnedRouteTable fib = new LearnedRouteTable("n");
        java.util.List<Object> heard = new java.util.ArrayList<>();
        fib.subscribe((prefix, hops) -> heard.add(prefix + " " + hops));
        RouteAges ages = new RouteAges(fib, java.time.Clock.systemUTC());
        Prefix p = Prefix.parse("10.80.0.0/16"), q = Prefix.parse("10.81.0.0/16");
        ages.installMultipath(p, java.util.List.of(A, B));
        ages.installMultipath(q, java.util.List.of(A, B));
        assertEquals(java.util.List.of(A, B), fib.nextHops(p));
        assertEquals(fib.lookup(IpAddresses.inet("10.80.1.1")), fib.lookup(IpAddresses.inet("10.81.1.1")), "one entry for the same group");
        assertEquals(A, fib.nextHop(p), "the single-hop view: the first of the group");
        ages.installMultipath(p, java.util.List.of(A, B));
        assertEquals(2, heard.size(), "the same group again is no change: " + heard);
        ages.install(p, B); // a member left
        assertEquals(java.util.List.of(B), fib.nextHops(p));
        assertEquals(java.util.List.of(A, B), fib.nextHops(q));
        assertEquals("10.80.0.0/16 [" + B + "]", heard.getLast().toString());
        assertEquals(Map.of(p, java.util.List.of(B), q, java.util.List.of(A, B)), fib.multipathSnapshot());
        ages.remove(p);
        ages.remove(q);
        assertEquals(0, fib.size());
    }

    @Test
    void installReplaceRemoveAndLongestMatch() {
        LearnedRouteTable fib = new LearnedRouteTable("n");
        fib.install(Prefix.parse("10.70.0.0/16"), A);
        fib.installIpv4(0x0a460100, 26, B); // 10.70.1.0/26, the primitive path the speaker takes
        fib.install(Prefix.parse("fd00:70::/64"), V6);
        assertEquals(A, fib.nextHopAddress(fib.lookup(IpAddresses.inet("10.70.9.9"))));
        assertEquals(B, fib.nextHopAddress(fib.lookup(IpAddresses.inet("10.70.1.5"))), "the /26 is longer");
        assertEquals(V6, fib.nextHopAddress(fib.lookup(IpAddresses.inet("fd00:70::5"))));
        assertEquals(-1, fib.lookup(IpAddresses.inet("10.71.0.1")));
        assertEquals(Map.of(Prefix.parse("10.70.0.0/16"), A, Prefix.parse("10.70.1.0/26"), B, Prefix.parse("fd00:70::/64"), V6), fib.snapshot());

        fib.install(Prefix.parse("10.70.1.0/26"), A); // a new best path: replaced, not added
        assertEquals(A, fib.nextHop(Prefix.parse("10.70.1.0/26")));
        assertEquals(3, fib.size());
        fib.removeIpv4(0x0a460100, 26);
        fib.remove(Prefix.parse("fd00:70::/64"));
        assertNull(fib.nextHop(Prefix.parse("10.70.1.0/26")));
        assertEquals(A, fib.nextHopAddress(fib.lookup(IpAddresses.inet("10.70.1.5"))), "falls back to the /16");
        fib.remove(Prefix.parse("10.99.0.0/16")); // absent: nothing happens
        assertEquals(1, fib.size());
    }

    /** A next hop's index is freed with its last route and reused, so churn never exhausts the list. */
    @Test
    void nextHopIndexesAreReferenceCountedAndReused() {
        LearnedRouteTable fib = new LearnedRouteTable("n");
        for (int round = 0; round < 3 * LearnedRouteTable.MAX_NEXT_HOPS / 1000; round++) {
            for (int i = 0; i < 1000; i++) {
                fib.installIpv4(0x0b000000 + i, 32, IpAddresses.inet("10.1." + (round % 200) + "." + (i % 250)));
            }
            for (int i = 0; i < 1000; i++) fib.removeIpv4(0x0b000000 + i, 32);
        }
        assertEquals(0, fib.size());
        fib.install(Prefix.parse("10.0.0.0/8"), A);
        fib.install(Prefix.parse("11.0.0.0/8"), A);
        int index = fib.lookup(IpAddresses.inet("10.1.1.1"));
        assertEquals(index, fib.lookup(IpAddresses.inet("11.1.1.1")), "one entry per distinct address");
    }

    /** Info-level logging is a count per second / per End-of-RIB, not a line per route. */
    @Test
    void changesAreCountedForTheSummary() {
        long[] now = {0};
        LearnedRouteTable fib = new LearnedRouteTable("n", () -> now[0]);
        for (int i = 0; i < 1000; i++) fib.installIpv4(0x0b000000 + i, 32, A);
        fib.installIpv4(0x0b000000, 32, B); // a new next hop: replaced
        fib.installIpv4(0x0b000001, 32, A); // the same next hop again: no change
        fib.removeIpv4(0x0b000002, 32);
        fib.removeIpv4(0x0c000000, 32); // absent: not counted
        now[0] = 2_500_000_000L;
        assertEquals("1000 routes added, 1 replaced, 1 withdrawn in 2.5 s; 999 in the FIB", fib.takeSummary());
        assertNull(fib.takeSummary(), "counts start again after a summary");
        fib.install(Prefix.parse("fd00:70::/64"), V6);
        now[0] += 100_000_000L;
        assertEquals("1 routes added, 0 replaced, 0 withdrawn in 0.1 s; 1000 in the FIB", fib.takeSummary());
    }
}
