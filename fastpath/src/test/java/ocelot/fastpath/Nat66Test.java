package ocelot.fastpath;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ocelot.acl.Action;
import ocelot.acl.Rule;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.state.Ip6;
import ocelot.fastpath.state.Ip6Pool;
import ocelot.fastpath.state.Ipv6Plane;
import ocelot.fastpath.state.Neighbour6;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.Route6;

import static ocelot.fastpath.Topology.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NAT66 outgoing (Calico's natOutgoing on an IPv6 pool), software ports and injected time:
 * traffic from the nat-outgoing pool fd00:65::/64 to outside every pool leaves from the node's
 * address with a port from the worker's share; replies and ICMPv6 errors about it come back
 * to the endpoint. Every checksum is verified from scratch over the pseudo-header.
 */
class Nat66Test {
    static final String EP1 = "fd00:65::2", EP2 = "fd00:65::3", NODE = "fd00:192::10", GW = "fd00:192::1";
    static final String OTHER_POOL = "fd00:66::7", INTERNET = "2001:db8::53";
    static final int NAT_LOW = 32768, NAT_HIGH = 60999;
    Topology t = new Topology();

    @BeforeEach
    void ipv6() {
        t.ipv6 = plane(true);
    }

    /** ep1/ep2 in the nat-outgoing pool fd00:65::/64, another pool fd00:66::/64 via the fabric gateway, a default route. */
    static Ipv6Plane plane(boolean natOutgoing) {
        return new Ipv6Plane(Ip6.parse(NODE),
                Map.of("ep1", List.of(Ip6.parse(EP1)), "ep2", List.of(Ip6.parse(EP2))),
                List.of(Route6.of(EP1 + "/128", new NextHop.ToEndpoint("ep1")),
                        Route6.of(EP2 + "/128", new NextHop.ToEndpoint("ep2")),
                        Route6.of("fd00:66::/64", new NextHop.Via6(Ip6.parse(GW), "fabric")),
                        Route6.of("fd00:192::/64", new NextHop.Via6(null, "fabric")),
                        Route6.of("::/0", new NextHop.Via6(Ip6.parse(GW), "fabric"))),
                List.of(new Neighbour6(Ip6.parse(GW), GW_MAC, "fabric")),
                List.of(Ip6Pool.of("fd00:65::/64", natOutgoing), Ip6Pool.of("fd00:66::/64", false)));
    }

    @AfterEach
    void close() {
        t.closeConserving();
    }

    @Test
    void udpAndTcpLeaveFromTheNodeAddressAndTheirRepliesReachTheEndpoint() {
        t.publish();
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 5000, 53, 64));
        t.w1.inject(Frames6.tcp(W1_MAC, EP1_MAC, EP1, INTERNET, 40000, 443, 0x02, 64));
        t.run();
        List<byte[]> out = t.fabric.drainTransmitted();
        assertEquals(2, out.size());
        byte[] udp = out.get(0), syn = out.get(1);
        for (byte[] f : out) {
            assertEquals(GW_MAC, Frames.dmac(f));
            assertEquals(FABRIC_MAC, Frames.smac(f));
            assertEquals(63, Frames6.hopLimit(f));
            assertEquals(Ip6.parse(NODE), Frames6.src(f));
            assertEquals(Ip6.parse(INTERNET), Frames6.dst(f));
            assertTrue(Frames6.checksumOk(f), "L4 checksum over the translated pseudo-header");
        }
        int udpPort = sport(udp), tcpPort = sport(syn);
        assertTrue(udpPort >= NAT_LOW && udpPort <= NAT_HIGH, "port " + udpPort);
        assertTrue(tcpPort >= NAT_LOW && tcpPort <= NAT_HIGH, "port " + tcpPort);
        assertEquals(53, Frames.u16(udp, Frames6.L4 + 2));
        assertNotEquals(0, Frames.u16(udp, Frames6.L4 + 6), "a UDP checksum of 0 is invalid in IPv6");

        t.fabric.inject(Frames6.udp(FABRIC_MAC, GW_MAC, INTERNET, NODE, 53, udpPort, 60));
        t.fabric.inject(Frames6.tcp(FABRIC_MAC, GW_MAC, INTERNET, NODE, 443, tcpPort, 0x12, 60));
        t.run();
        List<byte[]> back = t.w1.drainTransmitted();
        assertEquals(2, back.size(), t.fastpath.counters().describeNonZero());
        for (byte[] f : back) {
            assertEquals(EP1_MAC, Frames.dmac(f));
            assertEquals(W1_MAC, Frames.smac(f));
            assertEquals(59, Frames6.hopLimit(f));
            assertEquals(Ip6.parse(INTERNET), Frames6.src(f));
            assertEquals(Ip6.parse(EP1), Frames6.dst(f));
            assertTrue(Frames6.checksumOk(f), "L4 checksum after the reverse translation");
        }
        assertEquals(5000, Frames.u16(back.get(0), Frames6.L4 + 2));
        assertEquals(40000, Frames.u16(back.get(1), Frames6.L4 + 2));

        // the flow's later packets keep their binding
        t.w1.inject(Frames6.tcp(W1_MAC, EP1_MAC, EP1, INTERNET, 40000, 443, 0x10, 64));
        t.run();
        byte[] ack = Ipv6ForwardingTest.single(t.fabric.drainTransmitted());
        assertEquals(tcpPort, sport(ack));
        assertTrue(Frames6.checksumOk(ack));
        assertEquals(3, t.counter(Counter.SNAT));
        assertEquals(2, t.counter(Counter.SNAT_REVERSE));
        assertEquals(2, t.counter(Counter.CT_NEW));
        assertEquals(0, t.tap.drainTransmitted().size(), "replies to the node's address were for the flows, not the kernel");
    }

    @Test
    void trafficToAnotherPoolOrAnEndpointAndFromAPoolWithoutNatOutgoingKeepsItsSource() {
        t.publish();
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, OTHER_POOL, 5000, 53, 64));
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, EP2, 5000, 7000, 64));
        t.run();
        byte[] toPool = Ipv6ForwardingTest.single(t.fabric.drainTransmitted());
        assertEquals(Ip6.parse(EP1), Frames6.src(toPool));
        assertEquals(5000, sport(toPool));
        byte[] local = Ipv6ForwardingTest.single(t.w2.drainTransmitted());
        assertEquals(Ip6.parse(EP1), Frames6.src(local));

        t.ipv6 = plane(false);
        t.publish();
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 5000, 53, 64));
        t.run();
        byte[] plain = Ipv6ForwardingTest.single(t.fabric.drainTransmitted());
        assertEquals(Ip6.parse(EP1), Frames6.src(plain));
        assertEquals(5000, sport(plain));
        assertTrue(Frames6.checksumOk(plain));
        assertEquals(0, t.counter(Counter.SNAT));
    }

    @Test
    void echoRequestsGetANodeIdAndTheirRepliesTheEndpointsBack() {
        t.ep1Ingress = rules(); // default deny: the reply passes on conntrack alone
        t.publish();
        t.w1.inject(Frames6.echo(W1_MAC, EP1_MAC, EP1, INTERNET, 128, 77, 64));
        t.run();
        byte[] request = Ipv6ForwardingTest.single(t.fabric.drainTransmitted());
        assertEquals(Ip6.parse(NODE), Frames6.src(request));
        int id = Frames.u16(request, Frames6.L4 + 4);
        assertTrue(id >= NAT_LOW && id <= NAT_HIGH, "id " + id);
        assertTrue(Frames6.checksumOk(request));
        t.fabric.inject(Frames6.echo(FABRIC_MAC, GW_MAC, INTERNET, NODE, 129, id, 60));
        t.run();
        byte[] reply = Ipv6ForwardingTest.single(t.w1.drainTransmitted());
        assertEquals(129, Frames.u8(reply, Frames6.L4));
        assertEquals(77, Frames.u16(reply, Frames6.L4 + 4));
        assertEquals(Ip6.parse(EP1), Frames6.dst(reply));
        assertTrue(Frames6.checksumOk(reply));
        assertEquals(0, t.counter(Counter.DROP_POLICY_INGRESS));
    }

    @Test
    void anIcmpv6ErrorAboutATranslatedPacketIsTranslatedBackToTheEndpoint() {
        t.ep1Ingress = rules(); // default deny: only a related error passes
        t.publish();
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 5000, 53, 64));
        t.run();
        byte[] sent = Ipv6ForwardingTest.single(t.fabric.drainTransmitted());
        // a router on the way answers port unreachable to the node, quoting the packet as it left
        byte[] error = new byte[8 + 40 + 18];
        error[0] = 1;
        error[1] = 4;
        System.arraycopy(sent, Frames6.L3, error, 8, 40 + 18);
        byte[] damaged = Frames6.ipv6(FABRIC_MAC, GW_MAC, INTERNET, NODE, Frames6.ICMPV6, 60, error.clone()); // ipv6() writes the checksum into its argument
        damaged[Frames6.L4 + 2] ^= 1; // bad ICMPv6 checksum: not translated, it goes to the kernel as sent
        t.fabric.inject(damaged);
        t.fabric.inject(Frames6.ipv6(FABRIC_MAC, GW_MAC, INTERNET, NODE, Frames6.ICMPV6, 60, error));
        t.run();
        assertEquals(1, t.tap.drainTransmitted().size(), t.fastpath.counters().describeNonZero());
        byte[] f = Ipv6ForwardingTest.single(t.w1.drainTransmitted());
        assertEquals(Ip6.parse(EP1), Frames6.dst(f));
        assertEquals(Ip6.parse(INTERNET), Frames6.src(f));
        assertTrue(Frames6.checksumOk(f), "the error's own checksum");
        byte[] quote = new byte[Frames6.L3 + 40 + 18];
        System.arraycopy(f, Frames6.L4 + 8, quote, Frames6.L3, 40 + 18);
        assertEquals(Ip6.parse(EP1), Frames6.src(quote));
        assertEquals(Ip6.parse(INTERNET), Frames6.dst(quote));
        assertEquals(5000, sport(quote));
        assertTrue(Frames6.checksumOk(quote), "the quoted UDP checksum, patched with the quote");
        assertEquals(1, t.counter(Counter.ICMP_RELATED));
        assertEquals(0, t.counter(Counter.DROP_POLICY_INGRESS));
    }

    @Test
    void anIcmpv6ErrorTheEndpointSendsAboutAReplyLeavesTranslatedToTheNode() {
        t.ep1Egress = rules(Rule.builder(41).action(Action.ALLOW).protocol(17).dstPorts(53, 53).build()); // errors only as related
        t.publish();
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 5000, 53, 64));
        t.run();
        int natPort = sport(Ipv6ForwardingTest.single(t.fabric.drainTransmitted()));
        t.fabric.inject(Frames6.udp(FABRIC_MAC, GW_MAC, INTERNET, NODE, 53, natPort, 60));
        t.run();
        byte[] reply = Ipv6ForwardingTest.single(t.w1.drainTransmitted());
        // ep1 answers port unreachable, quoting the reply as it got it (to its own address and port)
        byte[] error = new byte[8 + 40 + 18];
        error[0] = 1;
        error[1] = 4;
        System.arraycopy(reply, Frames6.L3, error, 8, 40 + 18);
        t.w1.inject(Frames6.ipv6(W1_MAC, EP1_MAC, EP1, INTERNET, Frames6.ICMPV6, 64, error));
        t.run();
        byte[] f = Ipv6ForwardingTest.single(t.fabric.drainTransmitted());
        assertEquals(Ip6.parse(NODE), Frames6.src(f), "the endpoint's address does not leave the node");
        assertEquals(Ip6.parse(INTERNET), Frames6.dst(f));
        assertTrue(Frames6.checksumOk(f), "the error's own checksum");
        byte[] quote = new byte[Frames6.L3 + 40 + 18];
        System.arraycopy(f, Frames6.L4 + 8, quote, Frames6.L3, 40 + 18);
        assertEquals(Ip6.parse(INTERNET), Frames6.src(quote));
        assertEquals(Ip6.parse(NODE), Frames6.dst(quote));
        assertEquals(natPort, Frames.u16(quote, Frames6.L4 + 2), "the quote's port is the binding's");
        assertTrue(Frames6.checksumOk(quote), "the quoted UDP checksum");
        assertEquals(1, t.counter(Counter.ICMP_RELATED));
        assertEquals(0, t.counter(Counter.DROP_POLICY_EGRESS));
        assertEquals(2, t.counter(Counter.SNAT));
    }

    @Test
    void theNodesOwnErrorAboutAReplyQuotesItAsTheSenderSentIt() {
        t.publish();
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 5000, 53, 64));
        t.run();
        int natPort = sport(Ipv6ForwardingTest.single(t.fabric.drainTransmitted()));
        // a reply whose hop limit runs out at the node: time exceeded back to the sender, quoting the reply as received
        byte[] reply = Frames6.udp(FABRIC_MAC, GW_MAC, INTERNET, NODE, 53, natPort, 1);
        t.fabric.inject(reply);
        t.run();
        byte[] f = Ipv6ForwardingTest.single(t.fabric.drainTransmitted());
        assertEquals(Ip6.parse(NODE), Frames6.src(f));
        assertEquals(Ip6.parse(INTERNET), Frames6.dst(f));
        assertEquals(3, Frames.u8(f, Frames6.L4));
        assertTrue(Frames6.checksumOk(f), "the error's own checksum");
        int quoted = reply.length - Frames6.L3;
        assertEquals(Arrays.toString(Arrays.copyOfRange(reply, Frames6.L3, reply.length)),
                Arrays.toString(Arrays.copyOfRange(f, Frames6.L4 + 8, Frames6.L4 + 8 + quoted)), "no endpoint address or port in the quote");
        assertEquals(0, t.w1.drainTransmitted().size());
        assertEquals(1, t.counter(Counter.DROP_TTL_EXPIRED));
    }

    @Test
    void policySeesTheOriginalAddresses() {
        t.ep1Egress = rules(Rule.builder(40).action(Action.ALLOW).src(EP1 + "/128").protocol(17).dstPorts(53, 53).build());
        t.publish();
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 5000, 53, 64));
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 5000, 54, 64));
        t.run();
        byte[] out = Ipv6ForwardingTest.single(t.fabric.drainTransmitted());
        assertEquals(Ip6.parse(NODE), Frames6.src(out));
        assertEquals(1, t.fastpath.counters().ruleHits(40));
        assertEquals(1, t.counter(Counter.DROP_POLICY_EGRESS));
        assertEquals(1, t.counter(Counter.SNAT));
    }

    @Test
    void exhaustedPortsAreCountedAndAnExpiredBindingIsFreeAgain() {
        t.publish();
        int share = NAT_HIGH - NAT_LOW + 1; // one worker: the whole range
        Set<Integer> ports = new HashSet<>();
        for (int sent = 0; sent < share; ) {
            int chunk = Math.min(2000, share - sent);
            for (int k = 0; k < chunk; k++) t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 1024 + sent + k, 53, 64));
            t.run();
            for (byte[] f : t.fabric.drainTransmitted()) ports.add(sport(f));
            sent += chunk;
        }
        assertEquals(share, ports.size(), "every flow its own port, all of the range");
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 60000, 53, 64));
        t.run();
        assertEquals(0, t.fabric.drainTransmitted().size());
        assertEquals(1, t.counter(Counter.DROP_NAT_EXHAUSTED));
        // another destination has the whole range again (the binding is per remote address and port)
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 60000, 54, 64));
        t.run();
        assertEquals(1, t.fabric.drainTransmitted().size());

        t.nanos.addAndGet(31_000_000_000L); // past the unreplied-UDP timeout (30 s)
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 60001, 53, 64));
        t.run();
        byte[] f = Ipv6ForwardingTest.single(t.fabric.drainTransmitted());
        assertEquals(Ip6.parse(NODE), Frames6.src(f));
        assertTrue(ports.contains(sport(f)), "a port of an expired flow");
        assertEquals(1, t.counter(Counter.DROP_NAT_EXHAUSTED));
        assertTrue(t.counter(Counter.CT_EXPIRED) >= 1);
    }

    @Test
    void badPoolsAreRefusedNamingThemAndTheOldSnapshotKeepsForwarding() {
        t.publish();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ip6Pool.of("fd00:65::1/64", true));
        assertTrue(e.getMessage().contains(Ip6.parse("fd00:65::1") + "/64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ip6Pool.of("fd00:65::/129", true));
        assertTrue(e.getMessage().contains(Ip6.parse("fd00:65::") + "/129"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ip6Pool.of("fd00:65::", true));
        assertTrue(e.getMessage().contains("fd00:65::"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> plane(true).withPools(List.of(Ip6Pool.of("fd00:65::/64", true), Ip6Pool.of("fd00:65:0:0:8000::/65", false))));
        assertTrue(e.getMessage().contains(Ip6.parse("fd00:65:0:0:8000::") + "/65") && e.getMessage().contains(Ip6.parse("fd00:65::") + "/64"), e.getMessage());
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, EP1, INTERNET, 5000, 53, 64));
        t.run();
        assertEquals(Ip6.parse(NODE), Frames6.src(Ipv6ForwardingTest.single(t.fabric.drainTransmitted())));
    }

    static int sport(byte[] f) { return Frames.u16(f, Frames6.L4); }

    @SuppressWarnings("unused")
    private static String hex(byte[] f) { return Arrays.toString(ByteBuffer.wrap(f).array()); }
}
