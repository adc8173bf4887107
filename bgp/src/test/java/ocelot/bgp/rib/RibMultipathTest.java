package ocelot.bgp.rib;

import static ocelot.bgp.rib.RibTest.announce;
import static ocelot.bgp.rib.RibTest.attrs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.BgpMessage;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.Prefix;
import org.junit.jupiter.api.Test;

/**
 * BGP multipath (equal paths from several peers installed as one ECMP route, as BIRD's
 * {@code merge paths} and FRR's {@code maximum-paths}) and next-hop tracking (a next hop whose BFD
 * went down leaves every route, whichever peer it came from), against a sink that keeps the lists.
 */
class RibMultipathTest {
    static final InetAddress A = IpAddresses.inet("10.0.0.2");
    static final InetAddress B = IpAddresses.inet("10.0.0.3");
    static final InetAddress C = IpAddresses.inet("10.0.0.4");
    static final InetAddress REFLECTOR = IpAddresses.inet("10.0.0.9");
    static final Prefix P = Prefix.parse("192.0.2.0/24");

    /** Prefix -> the next hops installed (one or several). */
    static final class ListSink implements FibSink {
        final Map<Prefix, List<InetAddress>> routes = new HashMap<>();
        int calls;

        public void install(Prefix p, InetAddress nh) {
            calls++;
            routes.put(p, List.of(nh));
        }

        public void remove(Prefix p) {
            calls++;
            routes.remove(p);
        }

        @Override
        public void installMultipath(Prefix p, List<InetAddress> nextHops) {
            calls++;
            routes.put(p, List.copyOf(nextHops));
        }
    }

    final ListSink fib = new ListSink();
    final Rib rib = new Rib(new RibConfig(RibTest.AS, RibTest.ROUTER_ID, 0, RibTest.SELF, null), fib, UnpooledByteBufAllocator.DEFAULT);
    int nextId = 1;

    RibPeer peer(InetAddress address, long as) {
        RibPeer p = new RibPeer(nextId++, address, as, IpAddresses.toInt(address), as == RibTest.AS, false, false, RibTest.SELF, true,
                new RibTest.Receiver());
        rib.peerUp(p, List.of(AddressFamily.IPV4_UNICAST));
        return p;
    }

    @Test
    void equalPathsFromTwoPeersBecomeOneEcmpRouteOnlyWhenMultipathIsOn() {
        RibPeer a = peer(A, 65001);
        RibPeer b = peer(B, 65002);
        rib.update(b, announce(attrs("10.0.0.3", 65002, 65100).build(), "192.0.2.0/24"));
        rib.update(a, announce(attrs("10.0.0.2", 65001, 65100).build(), "192.0.2.0/24"));
        assertEquals(List.of(A), fib.routes.get(P), "maximum paths 1 (the default): the best path only");

        rib.setMaxPaths(4);
        assertEquals(List.of(A, B), fib.routes.get(P), "equal up to the router id: both, in address order");
        assertEquals(List.of(A, B), rib.installedNextHops(P));

        // A longer AS_PATH, a worse ORIGIN, a higher MED from the same neighbour AS: not equal.
        rib.update(b, announce(attrs("10.0.0.3", 65002, 65099, 65100).build(), "192.0.2.0/24"));
        assertEquals(List.of(A), fib.routes.get(P));
        rib.update(b, announce(attrs("10.0.0.3", 65002, 65100).origin(2).build(), "192.0.2.0/24"));
        assertEquals(List.of(A), fib.routes.get(P));
        RibPeer c = peer(C, 65001);
        rib.update(c, announce(attrs("10.0.0.4", 65001, 65100).med(5).build(), "192.0.2.0/24"));
        assertEquals(List.of(A), fib.routes.get(P), "MED 5 against an absent MED (0) from AS 65001");
        rib.update(c, announce(attrs("10.0.0.4", 65001, 65100).build(), "192.0.2.0/24"));
        assertEquals(List.of(A, C), fib.routes.get(P));
        rib.update(b, announce(attrs("10.0.0.3", 65002, 65100).build(), "192.0.2.0/24"));
        assertEquals(List.of(A, B, C), fib.routes.get(P));

        rib.setMaxPaths(2);
        assertEquals(2, fib.routes.get(P).size(), "at most maximum paths members");
        assertEquals(A, fib.routes.get(P).getFirst(), "the best path is always one of them");
        rib.setMaxPaths(8);

        // A member's peer goes: only its member leaves; the last one left: a single next hop.
        rib.peerDown(c, false);
        assertEquals(List.of(A, B), fib.routes.get(P));
        rib.update(a, new BgpMessage.Update(List.of(P), null, List.of(), List.of()));
        assertEquals(List.of(B), fib.routes.get(P));
        rib.peerDown(b, false);
        assertNull(fib.routes.get(P));
    }

    @Test
    void iBgpAndEBgpPathsAreNotMerged() {
        RibPeer a = peer(A, 65001);
        RibPeer internal = peer(C, RibTest.AS);
        rib.setMaxPaths(4);
        rib.update(internal, announce(attrs("10.0.0.4", 65100).build(), "192.0.2.0/24"));
        rib.update(a, announce(attrs("10.0.0.2", 65100).build(), "192.0.2.0/24"));
        assertEquals(List.of(A), fib.routes.get(P), "eBGP over iBGP decides: no ECMP across the two");
    }

    @Test
    void aBfdDownNextHopLeavesRoutesLearnedFromAnyPeer() {
        RibPeer a = peer(A, 65001);
        RibPeer b = peer(B, 65002);
        RibPeer reflector = peer(REFLECTOR, RibTest.AS);
        rib.setMaxPaths(4);
        rib.update(a, announce(attrs("10.0.0.2", 65001, 65100).build(), "192.0.2.0/24"));
        rib.update(b, announce(attrs("10.0.0.3", 65002, 65100).build(), "192.0.2.0/24"));
        // Learned from the reflector (iBGP) with B as its next hop: a route only B can forward.
        Prefix q = Prefix.parse("198.51.100.0/24");
        rib.update(reflector, announce(attrs("10.0.0.3", 65002, 65200).build(), "198.51.100.0/24"));
        assertEquals(List.of(A, B), fib.routes.get(P));
        assertEquals(List.of(B), fib.routes.get(q));

        assertEquals(2, rib.nextHopReachable(B, false));
        assertEquals(List.of(A), fib.routes.get(P), "B's member removed though its session is still up");
        assertFalse(fib.routes.containsKey(q), "the reflector's route via B: unreachable, out of the FIB");
        assertNull(rib.best(q));
        assertSame(a, rib.best(P).source());
        assertEquals(0, rib.nextHopReachable(B, false), "already unreachable: nothing to do");

        // B's session resets too (as BFD Down does): its own path goes, nothing else changes.
        rib.peerDown(b, false);
        assertEquals(List.of(A), fib.routes.get(P));

        rib.nextHopReachable(B, true);
        assertEquals(List.of(B), fib.routes.get(q), "reachable again: the reflector's route is back");
        assertEquals(List.of(A), fib.routes.get(P), "B's own path comes back with its session, not before");
    }

    @Test
    void withSingleBestPathANextHopDownFallsBackToTheNextBest() {
        RibPeer a = peer(A, 65001);
        RibPeer b = peer(B, 65002);
        rib.update(a, announce(attrs("10.0.0.2", 65001).build(), "192.0.2.0/24"));
        rib.update(b, announce(attrs("10.0.0.3", 65002, 65100).build(), "192.0.2.0/24"));
        assertEquals(List.of(A), fib.routes.get(P));
        rib.nextHopReachable(A, false);
        assertEquals(List.of(B), fib.routes.get(P));
        assertEquals(BestPathReason.ONLY_PATH, rib.bestReason(P));
        rib.nextHopReachable(A, true);
        assertEquals(List.of(A), fib.routes.get(P));
    }
}
