package ocelot.fastpath;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ocelot.acl.Action;
import ocelot.acl.Rule;
import ocelot.dpdk.Eal;
import ocelot.dpdk.Mempool;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.state.DataplaneState;
import ocelot.fastpath.state.Endpoint;
import ocelot.fastpath.state.Ip6;
import ocelot.fastpath.state.Ip6Pool;
import ocelot.fastpath.state.Ipv6Plane;
import ocelot.fastpath.state.Neighbour6;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.NodeAddress;
import ocelot.fastpath.state.Route6;
import ocelot.fastpath.worker.Fastpath;
import ocelot.fastpath.worker.FastpathConfig;

import static ocelot.fastpath.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The IPv6 golden test through real DPDK net_pcap ports, as {@link GoldenPcapTest} is for
 * IPv4: forwarding with the hop limit decremented, hop-limit expiry (ICMPv6 time exceeded),
 * a neighbour solicitation for the workload's gateway answered, a fabric gateway, policy
 * allow/deny including the reply under a default-deny ingress, NAT66 outgoing (ep1's pool to
 * outside every pool leaves from the node's address, the reply comes back to ep1); output
 * checked field by field and by tshark with ICMPv6/TCP/UDP checksum validation on.
 */
@Tag("dpdk")
class GoldenPcap6Test {
    static final long EP1 = Topology.EP1_MAC, EP2 = Topology.EP2_MAC, GW = Topology.GW_MAC;
    static final String A1 = "fd00:65::2", A2 = "fd00:65::3", NODE = "fd00:192::10", GW6 = "fd00:192::1", INTERNET = "2001:db8::53";
    static final int NAT_PORT = 32768;

    @TempDir
    Path dir;

    @Test
    void ipv6PcapInPcapOut() throws Exception {
        Eal.initInMemory(512);
        try (Mempool pool = Mempool.create("golden6_pool", 4095, 0, Mempool.DEFAULT_DATA_ROOM);
             GoldenPcapPorts pcap = new GoldenPcapPorts(dir, pool, "net_pcap_golden6_")) {
            long w1 = pcap.mac(GoldenPcapPorts.W1), w2 = pcap.mac(GoldenPcapPorts.W2), fab = pcap.mac(GoldenPcapPorts.FABRIC);
            pcap.input("w1", List.of(
                    Frames6.udp(w1, EP1, A1, A2, 41000, 7777, 64),                       // a: forwarded, allowed
                    Frames6.udp(w1, EP1, A1, A2, 41000, 7777, 1),                        // b: hop limit expires
                    Frames6.solicit(EP1, A1, "fe80::ecee:eeff:feee:eeee", 255),          // c: gateway solicited
                    Frames6.udp(w1, EP1, A1, "fd00:66::7", 41001, 9, 64),                // d: via the fabric gateway
                    Frames6.udp(w1, EP1, A1, A2, 41002, 22, 64),                         // e: denied by ep2
                    Frames6.udp(w1, EP1, A1, INTERNET, 41003, 9000, 64)));                 // h: NATed out
            pcap.input("w2", List.of(
                    Frames6.udp(w2, EP2, A2, A1, 7777, 41000, 64),                       // f: reply of a
                    Frames6.udp(w2, EP2, A2, A1, 7778, 41000, 64)));                     // g: ep1 default-deny
            // i: h's reply to the node's address and h's port, the worker share's first (one worker)
            pcap.input("fabric", List.of(Frames6.udp(fab, GW, INTERNET, NODE, 9000, NAT_PORT, 64)));
            pcap.start();

            try (Fastpath fp = new Fastpath(pcap.ports(), FastpathConfig.defaults(), new GoldenPcapTest.FakeClock())) {
                fp.control().publish(state());
                for (int c = 0; c < 20; c++) fp.pollOnce();
                long rx = fp.counters().get(Counter.RX);
                assertEquals(9, rx, fp.counters().describeNonZero());
                assertEquals(rx, fp.counters().get(Counter.TX) + fp.counters().get(Counter.DROPPED) + fp.counters().get(Counter.PUNTED));
                assertEquals(2, fp.counters().get(Counter.DROP_POLICY_INGRESS));
                assertEquals(2, fp.counters().get(Counter.CT_HIT));
                assertEquals(1, fp.counters().get(Counter.SNAT));
                assertEquals(1, fp.counters().get(Counter.SNAT_REVERSE));
                assertEquals(1, fp.counters().ruleHits(40));
            }
            pcap.stop(); // flushes the tx pcaps
            checkOutputs(w1, w2, fab);
        }
    }

    private void checkOutputs(long w1, long w2, long fab) throws IOException, InterruptedException {
        List<byte[]> toW2 = PcapFile.read(dir.resolve("w2_out.pcap"));
        assertEquals(1, toW2.size());
        expect(toW2.get(0), EP2, w2, A1, A2, 63, Frames6.UDP);                                        // a

        List<byte[]> toW1 = PcapFile.read(dir.resolve("w1_out.pcap"));
        assertEquals(4, toW1.size());
        byte[] te = toW1.get(0);                                                                     // b
        expect(te, EP1, w1, NODE, A1, 64, Frames6.ICMPV6);
        assertEquals(3, Frames.u8(te, Frames6.L4));
        assertEquals(Ip6.parse(A2), new Ip6(ByteBuffer.wrap(te).getLong(Frames6.L4 + 8 + 24), ByteBuffer.wrap(te).getLong(Frames6.L4 + 8 + 32)));
        byte[] na = toW1.get(1);                                                                     // c
        expect(na, EP1, w1, "fe80::ecee:eeff:feee:eeee", A1, 255, Frames6.ICMPV6);
        assertEquals(136, Frames.u8(na, Frames6.L4));
        assertEquals(w1, ByteBuffer.wrap(na).getLong(Frames6.L4 + 24) & 0xFFFF_FFFF_FFFFL);
        expect(toW1.get(2), EP1, w1, A2, A1, 63, Frames6.UDP);                                       // f
        expect(toW1.get(3), EP1, w1, INTERNET, A1, 63, Frames6.UDP);                                 // i
        assertEquals(41003, Frames.u16(toW1.get(3), Frames6.L4 + 2), "i: back to h's own port");

        List<byte[]> toFabric = PcapFile.read(dir.resolve("fabric_out.pcap"));
        assertEquals(2, toFabric.size());
        expect(toFabric.get(0), GW, fab, A1, "fd00:66::7", 63, Frames6.UDP);                         // d: to a pool, not NATed
        expect(toFabric.get(1), GW, fab, NODE, INTERNET, 63, Frames6.UDP);                           // h
        assertEquals(NAT_PORT, Frames.u16(toFabric.get(1), Frames6.L4), "h: the node's port");
        assertEquals(0, PcapFile.read(dir.resolve("tap_out.pcap")).size());

        for (String n : List.of("w1", "w2", "fabric")) tshark(dir.resolve(n + "_out.pcap"));
    }

    private static void expect(byte[] f, long dmac, long smac, String src, String dst, int hopLimit, int next) {
        assertEquals(dmac, Frames.dmac(f), "dst MAC");
        assertEquals(smac, Frames.smac(f), "src MAC");
        assertEquals(0x86DD, Frames.ethertype(f));
        assertEquals(Ip6.parse(src), Frames6.src(f), "src");
        assertEquals(Ip6.parse(dst), Frames6.dst(f), "dst");
        assertEquals(hopLimit, Frames6.hopLimit(f), "hop limit");
        assertEquals(next, Frames6.next(f), "next header");
        assertEquals(true, Frames6.checksumOk(f), "upper-layer checksum");
    }

    /** tshark must dissect every frame and find no bad checksum (validation on) and nothing malformed. */
    private static void tshark(Path pcap) throws IOException, InterruptedException {
        GoldenPcapPorts.tshark(pcap, List.of("udp.check_checksum:TRUE", "tcp.check_checksum:TRUE"),
                "icmpv6.checksum.status == 0 || udp.checksum.status == 0 || tcp.checksum.status == 0 || _ws.malformed || _ws.expert.severity >= 6291456",
                "_ws.expert.message");
    }

    static DataplaneState state() {
        var ep2Ingress = Topology.rules(Rule.builder(40).action(Action.ALLOW).src(A1 + "/128").protocol(17).dstPorts(7777, 7777).build());
        return new DataplaneState(NodeAddress.of("192.168.0.10/24"), List.of(),
                List.of(new Endpoint("ep1", "w1", EP1, List.of(ip("10.65.0.2")), Topology.rules(), null),
                        new Endpoint("ep2", "w2", EP2, List.of(ip("10.65.0.3")), ep2Ingress, null)),
                List.of(), List.of(), List.of())
                .withIpv6(new Ipv6Plane(Ip6.parse(NODE), Map.of("ep1", List.of(Ip6.parse(A1)), "ep2", List.of(Ip6.parse(A2))),
                        List.of(Route6.of(A1 + "/128", new NextHop.ToEndpoint("ep1")),
                                Route6.of(A2 + "/128", new NextHop.ToEndpoint("ep2")),
                                Route6.of("::/0", new NextHop.Via6(Ip6.parse(GW6), "fabric"))),
                        List.of(new Neighbour6(Ip6.parse(GW6), GW, "fabric")),
                        List.of(Ip6Pool.of("fd00:65::/64", true), Ip6Pool.of("fd00:66::/64", false))));
    }
}
