package ocelot.fastpath;

import static ocelot.fastpath.Topology.FABRIC_MAC;
import static ocelot.fastpath.Topology.TAP_MAC;
import static ocelot.fastpath.Topology.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;

import ocelot.acl.Action;
import ocelot.acl.Rule;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.state.DataplaneState;
import ocelot.fastpath.state.HostEndpointPolicy;
import ocelot.fastpath.worker.FastpathConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A TCP connection from a host on the fabric to the node's own address, as a running node sees
 * it: the TAP's kernel side carries the uplink's MAC (hostMac), the client's MAC is learned
 * from its ARP, the kernel resolves the client through the exception port's proxy ARP. The
 * handshake and data both ways, with and without a host endpoint, fused pass on and off: the
 * host's packets from the TAP must leave through the fabric, never be punted back to the TAP.
 */
class InboundHostConnectionTest {
    static final long CLIENT_MAC = 0x0200_0000_00C1L;
    static final String CLIENT = "192.168.0.201", NODE = "192.168.0.10";
    static final int SYN = 0x02, SYN_ACK = 0x12, ACK = 0x10, PSH_ACK = 0x18;

    Topology t;

    @AfterEach
    void close() {
        if (t != null) t.closeConserving();
    }

    void start(boolean fused, boolean hostEndpoint) {
        t = new Topology(FastpathConfig.defaults().withFlowFastPath(fused));
        DataplaneState s = t.state();
        s = new DataplaneState(s.node(), s.tunnelAddresses(), s.endpoints(), s.routes(), s.pools(), s.neighbours(), FABRIC_MAC, s.ipv6());
        if (hostEndpoint) {
            // Calico's failsafes first (SSH, BGP in; BGP out), then a policy allowing nothing else
            var failsafeIn = rules(Rule.builder(1).action(Action.ALLOW).protocol(6).dstPorts(22, 22).build(),
                    Rule.builder(2).action(Action.ALLOW).protocol(6).dstPorts(179, 179).build());
            var failsafeOut = rules(Rule.builder(3).action(Action.ALLOW).protocol(6).dstPorts(179, 179).build());
            s = s.withHostEndpoints(List.of(new HostEndpointPolicy("fabric", List.of(failsafeIn, rules()), List.of(failsafeOut, rules()))));
        }
        t.fastpath.control().publish(s);
    }

    @ParameterizedTest(name = "fused {0}, host endpoint {1}")
    @CsvSource({"true,false", "false,false", "true,true", "false,true"})
    void aConnectionFromTheFabricToTheNodeIsAcceptedAndCarriesDataBothWays(boolean fused, boolean hostEndpoint) {
        start(fused, hostEndpoint);
        // the client resolves the node; the node learns the client
        t.fabric.inject(Frames.arpRequest(CLIENT_MAC, CLIENT, NODE));
        t.run();
        assertEquals(1, t.fabric.drainTransmitted().size(), "the node's address is answered on the fabric");
        // the kernel behind the TAP resolves the client: the exception port's proxy ARP answers
        t.tap.inject(Frames.arpRequest(FABRIC_MAC, NODE, CLIENT));
        t.run();
        assertEquals(1, t.tap.drainTransmitted().size(), "the kernel's ARP is answered on the TAP");

        int port = 22;
        for (int conn = 0; conn < 2; conn++) {
            int sport = 40000 + conn;
            fromClient(sport, port, SYN, 0, "SYN");
            fromHost(port, sport, SYN_ACK, 0, "SYN-ACK");
            fromClient(sport, port, ACK, 0, "ACK");
            for (int k = 0; k < 3; k++) {
                fromClient(sport, port, PSH_ACK, 100, "client data " + k);
                fromHost(port, sport, PSH_ACK, 200, "host data " + k);
                fromHost(port, sport, ACK, 0, "host ACK " + k);
            }
        }
        assertEquals(0, t.counter(Counter.DROP_PUNT_LOOP));
        assertEquals(0, t.counter(Counter.DROPPED), t.fastpath.counters().describeNonZero());
    }

    /** A segment from the client on the fabric: it must reach the host through the TAP, addressed to the host's MAC. */
    void fromClient(int sport, int dport, int flags, int payload, String what) {
        t.fabric.inject(tcp(FABRIC_MAC, CLIENT_MAC, CLIENT, NODE, sport, dport, flags, payload));
        t.run();
        List<byte[]> out = t.tap.drainTransmitted();
        assertEquals(1, out.size(), what + " reaches the host: " + t.fastpath.counters().describeNonZero());
        assertEquals(FABRIC_MAC, Frames.dmac(out.getFirst()), what + ": to the host's MAC");
        assertEquals(0, t.fabric.drainTransmitted().size(), what + ": nothing back out of the fabric");
    }

    /** A segment from the host on the TAP (to the proxy-ARP MAC): it must leave through the fabric to the client. */
    void fromHost(int sport, int dport, int flags, int payload, String what) {
        t.tap.inject(tcp(TAP_MAC, FABRIC_MAC, NODE, CLIENT, sport, dport, flags, payload));
        t.run();
        List<byte[]> out = t.fabric.drainTransmitted();
        assertEquals(1, out.size(), what + " leaves through the fabric: " + t.fastpath.counters().describeNonZero());
        byte[] f = out.getFirst();
        assertEquals(CLIENT_MAC, Frames.dmac(f), what + ": to the client's MAC");
        assertEquals(FABRIC_MAC, Frames.smac(f), what + ": from the uplink's MAC");
        assertEquals(Frames.ip(CLIENT), Frames.dst(f, 14), what + ": to the client");
        assertEquals(sport, Frames.u16(f, 34), what + ": from the host's port");
        assertTrue(Frames.ipChecksumOk(f, 14) && Frames.l4ChecksumOk(f, 14), what + ": checksums");
        assertEquals(0, t.tap.drainTransmitted().size(), what + ": nothing punted back to the TAP");
    }

    /** A TCP segment with {@code payload} bytes of data. */
    static byte[] tcp(long dmac, long smac, String src, String dst, int sport, int dport, int flags, int payload) {
        byte[] l4 = new byte[20 + payload];
        ByteBuffer b = ByteBuffer.wrap(l4);
        b.putShort((short) sport).putShort((short) dport).putInt(1000).putInt((flags & 0x10) != 0 ? 2000 : 0);
        b.put((byte) 0x50).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        for (int i = 0; i < payload; i++) l4[20 + i] = (byte) i;
        b.putShort(16, (short) Frames.l4Checksum(Frames.ip(src), Frames.ip(dst), Frames.TCP, l4));
        return Frames.ipv4(dmac, smac, Frames.ip(src), Frames.ip(dst), Frames.TCP, 64, l4);
    }

    /**
     * The kernel's own packets keep their TTL on the wire: BFD (RFC 5881 §5) and GTSM BGP (RFC
     * 5082) peers drop anything below 255. Until this test the exception path decremented it, and
     * BIRD's BFD refused a node's packets ("wrong TTL (254)"). Both the first packet (full graph)
     * and the next ones of the tracked flow (conntrack's cached forwarding) are checked.
     */
    @ParameterizedTest(name = "fused {0}")
    @CsvSource({"true", "false"})
    void theHostsOwnPacketsLeaveWithTheirTtl(boolean fused) {
        start(fused, false);
        t.fabric.inject(Frames.arpRequest(CLIENT_MAC, CLIENT, NODE));
        t.run();
        t.fabric.drainTransmitted();
        for (int k = 0; k < 3; k++) {
            t.tap.inject(Frames.udp(FABRIC_MAC, FABRIC_MAC, NODE, CLIENT, 49152, 3784, 255, 24));
            t.run();
            List<byte[]> out = t.fabric.drainTransmitted();
            assertEquals(1, out.size(), "BFD packet " + k + " leaves through the fabric: " + t.fastpath.counters().describeNonZero());
            assertEquals(255, Frames.ttl(out.getFirst(), 14), "packet " + k + ": the host's TTL, not decremented");
            assertTrue(Frames.ipChecksumOk(out.getFirst(), 14), "packet " + k + ": IPv4 checksum");
        }
    }

    @org.junit.jupiter.api.Test
    void theHostsOwnIpv6WithNoIpv6PlaneIsCountedApartFromPuntLoops() {
        start(true, false);
        // the kernel behind the TAP solicits a router and a neighbour, as it does on any link
        t.tap.inject(Frames6.echo(0x3333_0000_0002L, FABRIC_MAC, "fe80::1", "ff02::2", 128, 1, 255));
        t.tap.inject(Frames6.solicit(FABRIC_MAC, "fe80::1", "fe80::2", 255));
        // and from the fabric, IPv6 for the host still goes to the host
        t.fabric.inject(Frames6.echo(FABRIC_MAC, CLIENT_MAC, "fe80::2", "fe80::1", 128, 1, 64));
        t.run();
        assertEquals(2, t.counter(Counter.DROP_IPV6_NO_PLANE), "the host's IPv6 has nowhere to go without an IPv6 plane");
        assertEquals(0, t.counter(Counter.DROP_PUNT_LOOP), "and is not a punt loop");
        assertEquals(0, t.fabric.drainTransmitted().size(), "nothing leaves on the fabric");
        assertEquals(1, t.tap.drainTransmitted().size(), "the fabric's IPv6 reaches the host");
    }
}
