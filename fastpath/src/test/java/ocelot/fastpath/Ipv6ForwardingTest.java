package ocelot.fastpath;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ocelot.acl.Action;
import ocelot.acl.Rule;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.state.Ip6;
import ocelot.fastpath.state.Ipv6Plane;
import ocelot.fastpath.state.Neighbour6;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.Route6;

import static ocelot.fastpath.Topology.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPv6 through the same graph as IPv4 (software ports, injected time): routing through lpm's
 * Ipv6RouteTable to endpoints and a fabric gateway, hop-limit rewrite and expiry, ICMPv6
 * errors, neighbour solicitations answered the way a Calico host answers for its cali
 * interfaces, and stateful policy through the endpoints' classifiers. Counters and the
 * frames' fields are the oracle.
 */
class Ipv6ForwardingTest {
    static final String EP1 = "fd00:65::2", EP2 = "fd00:65::3", NODE = "fd00:192::10", GW = "fd00:192::1", REMOTE = "fd00:66::7";
    Topology t = new Topology();

    @BeforeEach
    void ipv6() {
        t.ipv6 = plane();
    }

    /** ep1/ep2 with one address each, a remote block via a fabric gateway, a blackhole, the fabric subnet on-link. */
    static Ipv6Plane plane() {
        return new Ipv6Plane(Ip6.parse(NODE),
                Map.of("ep1", List.of(Ip6.parse(EP1)), "ep2", List.of(Ip6.parse(EP2))),
                List.of(Route6.of(EP1 + "/128", new NextHop.ToEndpoint("ep1")),
                        Route6.of(EP2 + "/128", new NextHop.ToEndpoint("ep2")),
                        Route6.of("fd00:66::/64", new NextHop.Via6(Ip6.parse(GW), "fabric")),
                        Route6.of("fd00:99::/64", new NextHop.Blackhole()),
                        Route6.of("fd00:192::/64", new NextHop.Via6(null, "fabric"))),
                List.of(new Neighbour6(Ip6.parse(GW), GW_MAC, "fabric")));
    }

    @AfterEach
    void close() {
        t.closeConserving();
    }

    @Test
    void forwardsToAnEndpointAndThroughAGatewayWithTheHopLimitDecremented() {
        t.publish();
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, EP2, 5000, 7000, 64));
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, REMOTE, 5001, 53, 9));
        t.run();
        byte[] local = single(t.w2.drainTransmitted());
        assertEquals(EP2_MAC, Frames.dmac(local));
        assertEquals(W2_MAC, Frames.smac(local));
        assertEquals(63, Frames6.hopLimit(local));
        assertEquals(Ip6.parse(EP1), Frames6.src(local));
        assertTrue(Frames6.checksumOk(local), "UDP checksum untouched: hop limit is not in the pseudo-header");
        byte[] remote = single(t.fabric.drainTransmitted());
        assertEquals(GW_MAC, Frames.dmac(remote));
        assertEquals(FABRIC_MAC, Frames.smac(remote));
        assertEquals(8, Frames6.hopLimit(remote));
        assertEquals(Ip6.parse(REMOTE), Frames6.dst(remote));
    }

    @Test
    void hopLimitExpiryAndMissingRoutesBecomeIcmpv6ErrorsFromTheNode() {
        t.publish();
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, REMOTE, 5000, 53, 1));
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, "2001:db8::1", 5000, 53, 64));
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, "fd00:99::1", 5000, 53, 64));
        t.run();
        List<byte[]> back = t.w1.drainTransmitted();
        assertEquals(2, back.size());
        for (byte[] f : back) {
            assertEquals(EP1_MAC, Frames.dmac(f));
            assertEquals(W1_MAC, Frames.smac(f));
            assertEquals(Frames6.ICMPV6, Frames6.next(f));
            assertEquals(Ip6.parse(NODE), Frames6.src(f));
            assertEquals(Ip6.parse(EP1), Frames6.dst(f));
            assertTrue(Frames6.checksumOk(f), "ICMPv6 checksum over the pseudo-header");
            // the quote starts with the offending packet's own header (RFC 4443 3.1)
            assertEquals(0x60, Frames.u8(f, Frames6.L4 + 8) & 0xF0);
            assertEquals(Frames6.payloadLength(f), 8 + 40 + 18);
        }
        assertEquals(3, Frames.u8(back.get(0), Frames6.L4), "time exceeded");
        assertEquals(1, Frames.u8(back.get(0), Frames6.L4 + 8 + 7), "quoted hop limit");
        assertEquals(1, Frames.u8(back.get(1), Frames6.L4), "destination unreachable");
        assertEquals(0, Frames.u8(back.get(1), Frames6.L4 + 1), "code 0: no route");
        assertEquals(1, t.counter(Counter.DROP_TTL_EXPIRED));
        assertEquals(1, t.counter(Counter.DROP_NO_ROUTE));
        assertEquals(1, t.counter(Counter.DROP_BLACKHOLE));
        assertEquals(2, t.counter(Counter.ICMP_ERRORS));
    }

    @Test
    void neighbourSolicitationsAreAnsweredForTheGatewayButNotForTheEndpointsOwnAddress() {
        t.publish();
        t.w1.inject(Frames6.solicit(EP1_MAC, EP1, "fe80::1", 255)); // the workload's default gateway
        t.w1.inject(Frames6.solicit(EP1_MAC, "::", EP1, 255)); // duplicate-address detection of its own address
        t.w1.inject(Frames6.solicit(EP1_MAC, EP1, "fe80::1", 64)); // RFC 4861 7.1.1: hop limit must be 255
        t.fabric.inject(Frames6.solicit(GW_MAC, GW, NODE, 255));
        t.fabric.inject(Frames6.solicit(GW_MAC, GW, "fd00:192::99", 255)); // not ours
        t.run();
        byte[] na = single(t.w1.drainTransmitted());
        assertEquals(EP1_MAC, Frames.dmac(na));
        assertEquals(W1_MAC, Frames.smac(na));
        assertEquals(255, Frames6.hopLimit(na));
        assertEquals(Ip6.parse("fe80::1"), Frames6.src(na));
        assertEquals(Ip6.parse(EP1), Frames6.dst(na));
        assertEquals(136, Frames.u8(na, Frames6.L4));
        assertEquals(0xE0, Frames.u8(na, Frames6.L4 + 4), "router, solicited, override");
        assertEquals(2, Frames.u8(na, Frames6.L4 + 24), "target link-layer address option");
        assertEquals(W1_MAC, java.nio.ByteBuffer.wrap(na).getLong(Frames6.L4 + 24) & 0xFFFF_FFFF_FFFFL);
        assertTrue(Frames6.checksumOk(na));
        byte[] fabricNa = single(t.fabric.drainTransmitted());
        assertEquals(Ip6.parse(NODE), Frames6.src(fabricNa));
        assertEquals(GW_MAC, Frames.dmac(fabricNa));
        assertEquals(2, t.counter(Counter.ND_ADVERTS));
        assertEquals(3, t.counter(Counter.DROP_ND));
    }

    @Test
    void anUnresolvedNextHopIsSolicitedAndLearnedFromItsAdvertisement() {
        String peer = "fd00:192::5";
        long peerMac = 0x0200_0000_0005L;
        t.publish();
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, peer, 5000, 53, 64));
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, peer, 5000, 53, 64)); // within the retry interval: dropped
        t.run();
        byte[] ns = single(t.fabric.drainTransmitted());
        assertEquals(0x3333_FF00_0005L, Frames.dmac(ns), "solicited-node multicast MAC");
        assertEquals(FABRIC_MAC, Frames.smac(ns));
        assertEquals(255, Frames6.hopLimit(ns));
        assertEquals(Ip6.parse(NODE), Frames6.src(ns));
        assertEquals(Ip6.parse("ff02::1:ff00:5"), Frames6.dst(ns));
        assertEquals(135, Frames.u8(ns, Frames6.L4));
        assertEquals(Ip6.parse(peer), new Ip6(java.nio.ByteBuffer.wrap(ns).getLong(Frames6.L4 + 8), java.nio.ByteBuffer.wrap(ns).getLong(Frames6.L4 + 16)));
        assertEquals(1, Frames.u8(ns, Frames6.L4 + 24), "source link-layer address option");
        assertEquals(FABRIC_MAC, java.nio.ByteBuffer.wrap(ns).getLong(Frames6.L4 + 24) & 0xFFFF_FFFF_FFFFL);
        assertTrue(Frames6.checksumOk(ns));
        assertEquals(1, t.counter(Counter.ND_SOLICITS));
        assertEquals(1, t.counter(Counter.DROP_NO_NEIGHBOUR));
        t.fabric.inject(Frames6.advert(FABRIC_MAC, peerMac, peer, NODE, peer, peerMac));
        t.run();
        assertEquals(1, t.counter(Counter.NEIGHBOURS_LEARNED));
        assertEquals(1, t.tap.drainTransmitted().size(), "the advertisement goes on to the node's kernel");
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, peer, 5000, 53, 64));
        t.run();
        byte[] out = single(t.fabric.drainTransmitted());
        assertEquals(peerMac, Frames.dmac(out));
        assertEquals(Ip6.parse(peer), Frames6.dst(out));
        assertEquals(63, Frames6.hopLimit(out));
    }

    @Test
    void policyClassifiesNewIpv6FlowsAndConntrackPassesTheirReplies() {
        t.ep2Ingress = rules(Rule.builder(30).action(Action.ALLOW).src(EP1 + "/128").protocol(17).dstPorts(7000, 7000).build(),
                Rule.builder(31).action(Action.ALLOW).protocol(58).srcPorts(128, 128).build());
        t.ep1Ingress = rules(); // default deny
        t.publish();
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, EP2, 5000, 7000, 64));
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, EP2, 5000, 7001, 64)); // no rule: denied
        t.w1.inject(Frames6.echo(W1_MAC, EP1_MAC, EP1, EP2, 128, 77, 64)); // echo request: allowed by type
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, "fd00:65::9", EP2, 5000, 7000, 64)); // spoofed source
        t.run();
        assertEquals(2, t.w2.drainTransmitted().size());
        t.w2.inject(Frames6.udp(W2_MAC, EP2_MAC, EP2, EP1, 7000, 5000, 64)); // reply: conntrack
        t.w2.inject(Frames6.echo(W2_MAC, EP2_MAC, EP2, EP1, 129, 77, 64)); // echo reply: conntrack on the id
        t.w2.inject(Frames6.udp(W2_MAC, EP2_MAC, EP2, EP1, 7000, 5001, 64)); // new flow to ep1: default deny
        t.run();
        assertEquals(2, t.w1.drainTransmitted().size(), t.fastpath.counters().describeNonZero());
        // a port-unreachable from ep2 quoting the allowed flow is related: it passes ep1's default deny
        byte[] quoted = Frames6.udp(0, 0, EP1, EP2, 5000, 7000, 63);
        byte[] error = new byte[8 + 48];
        error[0] = 1;
        error[1] = 4;
        System.arraycopy(quoted, Frames6.L3, error, 8, 48);
        t.w2.inject(Frames6.ipv6(W2_MAC, EP2_MAC, EP2, EP1, Frames6.ICMPV6, 64, error));
        t.run();
        assertEquals(1, t.w1.drainTransmitted().size(), t.fastpath.counters().describeNonZero());
        assertEquals(1, t.counter(Counter.ICMP_RELATED));
        assertEquals(1, t.fastpath.counters().ruleHits(30));
        assertEquals(1, t.fastpath.counters().ruleHits(31));
        assertEquals(2, t.counter(Counter.DROP_POLICY_INGRESS));
        assertEquals(1, t.counter(Counter.DROP_IP_SOURCE));
        assertEquals(2, t.counter(Counter.CT_NEW));
        assertEquals(2, t.counter(Counter.CT_HIT));
        assertEquals(2, t.fastpath.workers().getFirst().conntrack6().size());
    }

    @Test
    void linkLocalAndNodeTrafficGoesToTheKernelAndBadStateIsRefused() {
        t.publish();
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, NODE, 5000, 22, 64));
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, "fe80::1", 5000, 22, 64));
        t.run();
        assertEquals(2, t.tap.drainTransmitted().size());
        t.ipv6 = new Ipv6Plane(Ip6.parse(NODE), Map.of("ep9", List.of(Ip6.parse("fd00:65::9"))), List.of(), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::publish);
        assertTrue(e.getMessage().contains("ep9"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Route6.of("fd00:66::1/64", new NextHop.ToHost()));
        assertThrows(IllegalArgumentException.class, () -> Ip6.parse("10.0.0.1"));
        // the previous snapshot still forwards
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, EP2, 5000, 7000, 64));
        t.run();
        assertEquals(1, t.w2.drainTransmitted().size());
    }

    /** The standard plane plus fd00:77::/64 over two fabric gateways (ECMP), ep1 as the source. */
    static Ipv6Plane ecmpPlane(NextHop.Ecmp6 ecmp) {
        Ipv6Plane p = plane();
        List<Route6> routes = new java.util.ArrayList<>(p.routes());
        routes.add(Route6.of("fd00:77::/64", ecmp));
        return new Ipv6Plane(p.node(), p.endpointAddresses(), routes,
                List.of(new Neighbour6(Ip6.parse(GW), GW_MAC, "fabric"), new Neighbour6(Ip6.parse(GW2), NODE2_MAC, "fabric")));
    }

    static final String GW2 = "fd00:192::2";

    @Test
    void ecmpSpreadsFlowsOverItsGatewaysAndKeepsEachFlowOnOne() {
        t.ipv6 = ecmpPlane(new NextHop.Ecmp6(List.of(new NextHop.Via6(Ip6.parse(GW), "fabric"), new NextHop.Via6(Ip6.parse(GW2), "fabric"))));
        t.publish();
        long[] macOfFlow = new long[64];
        for (int round = 0; round < 3; round++) {
            for (int f = 0; f < 64; f++) t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, "fd00:77::" + Integer.toHexString(1 + f % 8), 6000 + f, 53, 64));
            t.run();
            List<byte[]> out = t.fabric.drainTransmitted();
            assertEquals(64, out.size());
            for (int f = 0; f < 64; f++) {
                byte[] frame = out.get(f);
                assertEquals(63, Frames6.hopLimit(frame));
                assertEquals(FABRIC_MAC, Frames.smac(frame));
                long mac = Frames.dmac(frame);
                assertTrue(mac == GW_MAC || mac == NODE2_MAC, "a member's MAC");
                if (round == 0) macOfFlow[f] = mac;
                else assertEquals(macOfFlow[f], mac, "flow " + f + " stays on its member");
            }
        }
        long viaFirst = java.util.Arrays.stream(macOfFlow).filter(m -> m == GW_MAC).count();
        assertTrue(viaFirst > 10 && viaFirst < 54, "64 flows spread over both members: " + viaFirst + " via the first");

        // bad ECMP state is refused, naming what is wrong; the old snapshot keeps forwarding
        t.ipv6 = ecmpPlane(new NextHop.Ecmp6(List.of(new NextHop.Via6(Ip6.parse(GW), "fabric"), new NextHop.Via6(Ip6.parse(GW2), "fabric9"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::publish);
        assertTrue(e.getMessage().contains("fabric9") && e.getMessage().contains("route fd00:77:"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NextHop.Ecmp6(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Route6.of("fd00:77::/64", new NextHop.Ecmp(List.of(new NextHop.Via(1, "fabric")))));
        t.ipv6 = plane();
        t.extraRoutes.add(ocelot.fastpath.state.Route.of("10.77.0.0/16", new NextHop.Ecmp6(List.of(new NextHop.Via6(Ip6.parse(GW), "fabric")))));
        e = assertThrows(IllegalArgumentException.class, t::publish);
        assertTrue(e.getMessage().contains("10.77.0.0/16"), e.getMessage());
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, "fd00:77::1", 6000, 53, 64));
        t.run();
        assertEquals(macOfFlow[0], Frames.dmac(single(t.fabric.drainTransmitted())));
    }

    static byte[] single(List<byte[]> frames) {
        assertEquals(1, frames.size(), "frames");
        return frames.getFirst();
    }
}
