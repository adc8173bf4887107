package ocelot.fastpath;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ocelot.fastpath.counter.Counter;

import static ocelot.fastpath.Frames.ip;
import static ocelot.fastpath.Topology.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Routing, rewrite, TTL, ICMP errors, ARP, IPIP and SNAT through the whole pipeline on software ports. */
class ForwardingTest {
    Topology t = new Topology();

    @AfterEach
    void close() {
        t.closeConserving();
    }

    @Test
    void endpointToEndpointRewritesMacsAndTtlWithValidChecksums() {
        t.publish();
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5000, 53, 64, 20));
        t.run();
        List<byte[]> out = t.w2.drainTransmitted();
        assertEquals(1, out.size(), t.fastpath.counters().describeNonZero());
        byte[] f = out.getFirst();
        assertEquals(EP2_MAC, Frames.dmac(f));
        assertEquals(W2_MAC, Frames.smac(f));
        assertEquals(63, Frames.ttl(f, 14));
        assertTrue(Frames.ipChecksumOk(f, 14));
        assertTrue(Frames.l4ChecksumOk(f, 14));
        assertEquals(ip("10.65.0.2"), Frames.src(f, 14));
        assertEquals(1, t.fastpath.counters().port(t.fastpath.portIndex("w2"), ocelot.fastpath.counter.CounterRecord.PORT_TX));
    }

    @Test
    void ttlExpiryAnswersTimeExceededFromTheNodeAddress() {
        t.publish();
        byte[] in = Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5000, 53, 1, 20);
        t.w1.inject(in);
        t.run();
        assertEquals(0, t.w2.drainTransmitted().size());
        List<byte[]> back = t.w1.drainTransmitted();
        assertEquals(1, back.size());
        byte[] f = back.getFirst();
        assertEquals(EP1_MAC, Frames.dmac(f));
        assertEquals(W1_MAC, Frames.smac(f));
        assertEquals(Frames.ICMP, Frames.proto(f, 14));
        assertEquals(ip("192.168.0.10"), Frames.src(f, 14));
        assertEquals(ip("10.65.0.2"), Frames.dst(f, 14));
        assertEquals(11, Frames.u8(f, 34));
        assertEquals(0, Frames.u8(f, 35));
        assertEquals(20 + 8 + 28, Frames.totalLength(f, 14));
        // the quoted header is the original's, TTL 1 as received
        assertEquals(1, Frames.ttl(f, 42));
        assertEquals(ip("10.65.0.3"), Frames.dst(f, 42));
        assertTrue(Frames.ipChecksumOk(f, 14));
        assertTrue(Frames.l4ChecksumOk(f, 14));
        assertEquals(1, t.counter(Counter.DROP_TTL_EXPIRED));
        assertEquals(1, t.counter(Counter.ICMP_ERRORS));
    }

    @Test
    void missingRouteAnswersNetUnreachableAndBlackholeDrops() {
        t.defaultRoute = false;
        t.publish();
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "8.8.8.8", 5000, 53, 64, 4));
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.99.1.1", 5000, 53, 64, 4));
        t.run();
        List<byte[]> back = t.w1.drainTransmitted();
        assertEquals(1, back.size());
        assertEquals(3, Frames.u8(back.getFirst(), 34));
        assertEquals(0, Frames.u8(back.getFirst(), 35));
        assertEquals(1, t.counter(Counter.DROP_NO_ROUTE));
        assertEquals(1, t.counter(Counter.DROP_BLACKHOLE));
    }

    @Test
    void proxyArpAnswersTheWorkloadGatewayButNotItsOwnAddress() {
        t.publish();
        t.w1.inject(Frames.arpRequest(EP1_MAC, "10.65.0.2", "169.254.1.1"));
        t.w1.inject(Frames.arpRequest(EP1_MAC, "10.65.0.2", "10.65.0.2"));
        t.run();
        List<byte[]> out = t.w1.drainTransmitted();
        assertEquals(1, out.size());
        byte[] f = out.getFirst();
        assertEquals(EP1_MAC, Frames.dmac(f));
        assertEquals(0x0806, Frames.ethertype(f));
        assertEquals(2, Frames.u16(f, 20));
        assertEquals(W1_MAC, java.nio.ByteBuffer.wrap(f).getLong(20) & 0xFFFF_FFFF_FFFFL);
        assertEquals(ip("169.254.1.1"), java.nio.ByteBuffer.wrap(f).getInt(28));
        assertEquals(ip("10.65.0.2"), java.nio.ByteBuffer.wrap(f).getInt(38));
        assertEquals(1, t.counter(Counter.ARP_REPLIES));
        assertEquals(1, t.counter(Counter.DROP_ARP));
    }

    @Test
    void fabricNextHopIsResolvedByArpThenForwarded() {
        t.staticGatewayNeighbour = false;
        t.natOutgoing = false;
        t.publish();
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "8.8.8.8", 5000, 53, 64, 4));
        t.run();
        List<byte[]> out = t.fabric.drainTransmitted();
        assertEquals(1, out.size());
        byte[] req = out.getFirst();
        assertEquals(0x0806, Frames.ethertype(req));
        assertEquals(1, Frames.u16(req, 20));
        assertEquals(ip("192.168.0.10"), java.nio.ByteBuffer.wrap(req).getInt(28));
        assertEquals(ip("192.168.0.1"), java.nio.ByteBuffer.wrap(req).getInt(38));
        t.fabric.inject(Frames.arpReply(FABRIC_MAC, GW_MAC, "192.168.0.1", "192.168.0.10"));
        t.run(); // w1 is polled before fabric in a cycle: learn first
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "8.8.8.8", 5000, 53, 64, 4));
        t.run();
        out = t.fabric.drainTransmitted();
        assertEquals(1, out.size(), t.fastpath.counters().describeNonZero());
        assertEquals(GW_MAC, Frames.dmac(out.getFirst()));
        assertEquals(FABRIC_MAC, Frames.smac(out.getFirst()));
        assertEquals(1, t.counter(Counter.NEIGHBOURS_LEARNED));
        assertEquals(1, t.counter(Counter.ARP_REQUESTS));
    }

    @Test
    void nodeAddressArpIsAnsweredOnTheFabricAndTrafficToTheNodeIsPunted() {
        t.publish();
        t.fabric.inject(Frames.arpRequest(GW_MAC, "192.168.0.1", "192.168.0.10"));
        t.fabric.inject(Frames.arpRequest(GW_MAC, "192.168.0.1", "192.168.0.77"));
        t.fabric.inject(Frames.tcp(FABRIC_MAC, GW_MAC, "192.168.0.1", "192.168.0.10", 40000, 179, 0x02, 64));
        t.run();
        assertEquals(1, t.fabric.drainTransmitted().size());
        List<byte[]> punted = t.tap.drainTransmitted();
        assertEquals(1, punted.size());
        assertEquals(179, Frames.u16(punted.getFirst(), 36));
        assertEquals(1, t.counter(Counter.PUNTED));
    }

    @Test
    void ipipEncapsulatesToTheRemoteNodeAndDecapsulatesFromIt() {
        t.publish();
        t.fabric.inject(Frames.arpReply(FABRIC_MAC, NODE2_MAC, "192.168.0.2", "192.168.0.10"));
        t.run();
        t.w1.inject(Frames.tcp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.1.7", 40000, 80, 0x02, 64));
        t.run();
        List<byte[]> out = t.fabric.drainTransmitted();
        assertEquals(1, out.size(), t.fastpath.counters().describeNonZero());
        byte[] f = out.getFirst();
        assertEquals(NODE2_MAC, Frames.dmac(f));
        assertEquals(Frames.IPIP, Frames.proto(f, 14));
        assertEquals(ip("192.168.0.10"), Frames.src(f, 14));
        assertEquals(ip("192.168.0.2"), Frames.dst(f, 14));
        assertEquals(40 + 20, Frames.totalLength(f, 14));
        assertTrue(Frames.ipChecksumOk(f, 14));
        assertEquals(ip("10.65.0.2"), Frames.src(f, 34));
        assertEquals(ip("10.65.1.7"), Frames.dst(f, 34));
        assertEquals(63, Frames.ttl(f, 34));
        assertTrue(Frames.ipChecksumOk(f, 34));
        assertTrue(Frames.l4ChecksumOk(f, 34));

        byte[] reply = Frames.tcp(0, 0, "10.65.1.7", "10.65.0.2", 80, 40000, 0x12, 63);
        t.fabric.inject(Frames.ipip(FABRIC_MAC, NODE2_MAC, "192.168.0.2", "192.168.0.10", reply));
        t.fabric.inject(Frames.ipip(FABRIC_MAC, NODE2_MAC, "192.168.0.66", "192.168.0.10", reply));
        t.run();
        List<byte[]> in = t.w1.drainTransmitted();
        assertEquals(1, in.size(), t.fastpath.counters().describeNonZero());
        byte[] g = in.getFirst();
        assertEquals(EP1_MAC, Frames.dmac(g));
        assertEquals(Frames.TCP, Frames.proto(g, 14));
        assertEquals(ip("10.65.1.7"), Frames.src(g, 14));
        assertEquals(62, Frames.ttl(g, 14));
        assertTrue(Frames.ipChecksumOk(g, 14));
        assertTrue(Frames.l4ChecksumOk(g, 14));
        assertEquals(1, t.counter(Counter.IPIP_ENCAP));
        assertEquals(1, t.counter(Counter.IPIP_DECAP));
        assertEquals(1, t.counter(Counter.DROP_BAD_ENCAP));
    }

    @Test
    void natOutgoingTranslatesToTheNodeAddressAndRepliesBack() {
        t.publish();
        t.w1.inject(Frames.tcp(W1_MAC, EP1_MAC, "10.65.0.2", "1.1.1.1", 40000, 443, 0x02, 64));
        t.run();
        List<byte[]> out = t.fabric.drainTransmitted();
        assertEquals(1, out.size());
        byte[] f = out.getFirst();
        assertEquals(GW_MAC, Frames.dmac(f));
        assertEquals(ip("192.168.0.10"), Frames.src(f, 14));
        int natPort = Frames.u16(f, 34);
        assertTrue(natPort >= 32768 && natPort <= 60999, "port " + natPort);
        assertTrue(Frames.ipChecksumOk(f, 14));
        assertTrue(Frames.l4ChecksumOk(f, 14));

        t.fabric.inject(Frames.tcp(FABRIC_MAC, GW_MAC, "1.1.1.1", "192.168.0.10", 443, natPort, 0x12, 60));
        t.run();
        List<byte[]> back = t.w1.drainTransmitted();
        assertEquals(1, back.size(), t.fastpath.counters().describeNonZero());
        byte[] g = back.getFirst();
        assertEquals(ip("10.65.0.2"), Frames.dst(g, 14));
        assertEquals(40000, Frames.u16(g, 36));
        assertTrue(Frames.ipChecksumOk(g, 14));
        assertTrue(Frames.l4ChecksumOk(g, 14));
        assertEquals(1, t.counter(Counter.SNAT));
        assertEquals(1, t.counter(Counter.SNAT_REVERSE));
        assertEquals(0, t.counter(Counter.PUNTED));
    }

    @Test
    void ecmpKeepsAFlowOnOnePathAndSpreadsFlows() {
        t.natOutgoing = false;
        t.publish();
        t.fabric.inject(Frames.arpReply(FABRIC_MAC, NODE2_MAC, "192.168.0.2", "192.168.0.10"));
        t.run();
        java.util.Set<Long> macs = new java.util.HashSet<>();
        for (int flow = 0; flow < 32; flow++) {
            long first = -1;
            for (int k = 0; k < 3; k++) {
                t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.2.9", 1000 + flow, 53, 64, 4));
                t.run();
                List<byte[]> out = t.fabric.drainTransmitted();
                // 10.65.2.0/26 is in the IPIP pool: either path is a tunnel
                long mac = Frames.dmac(out.getFirst());
                if (first == -1) first = mac;
                assertEquals(first, mac, "flow " + flow + " changed path");
            }
            macs.add(first);
        }
        assertEquals(2, macs.size());
    }

    @Test
    void badStateIsRefusedWithAClearErrorAndTheOldStateKeepsForwarding() {
        t.publish();
        var bad = new ocelot.fastpath.state.DataplaneState(t.state().node(), List.of(), t.state().endpoints(),
                List.of(ocelot.fastpath.state.Route.of("10.0.0.0/8", new ocelot.fastpath.state.NextHop.ToEndpoint("nope"))), List.of(), List.of());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> t.fastpath.control().publish(bad));
        assertTrue(e.getMessage().contains("10.0.0.0/8") && e.getMessage().contains("nope"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ocelot.fastpath.state.Route.of("10.0.0.1/8", new ocelot.fastpath.state.NextHop.Blackhole()));
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5000, 53, 64, 20));
        t.run();
        assertEquals(1, t.w2.drainTransmitted().size());
    }
}
