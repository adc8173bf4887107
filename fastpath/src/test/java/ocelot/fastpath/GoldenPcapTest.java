package ocelot.fastpath;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
import ocelot.fastpath.state.IpPool;
import ocelot.fastpath.state.Neighbour;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.NodeAddress;
import ocelot.fastpath.state.Route;
import ocelot.fastpath.worker.Fastpath;
import ocelot.fastpath.worker.FastpathConfig;

import static ocelot.fastpath.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden test through real DPDK net_pcap ports: input pcaps are replayed into four ports
 * (two workloads, the fabric, the exception TAP), the fastpath forwards, and the pcaps DPDK
 * writes are checked field by field (a Java reader here, and tshark for dissection and
 * checksum validation): forwarding, TTL expiry, ARP reply, IPIP encap and decap, SNAT and its
 * reverse (and a fragmentation-needed about it translated back), policy allow/deny including
 * return traffic under a default-deny ingress.
 */
@Tag("dpdk")
class GoldenPcapTest {
    static final long EP1 = Topology.EP1_MAC, EP2 = Topology.EP2_MAC, GW = Topology.GW_MAC, NODE2 = Topology.NODE2_MAC;

    @TempDir
    Path dir;

    @Test
    void pcapInPcapOut() throws Exception {
        Eal.initInMemory(512);
        try (Mempool pool = Mempool.create("golden_pool", 4095, 0, Mempool.DEFAULT_DATA_ROOM);
             GoldenPcapPorts pcap = new GoldenPcapPorts(dir, pool, "net_pcap_golden_")) {
            long w1 = pcap.mac(GoldenPcapPorts.W1), w2 = pcap.mac(GoldenPcapPorts.W2), fab = pcap.mac(GoldenPcapPorts.FABRIC);
            pcap.input("w1", List.of(
                    Frames.udp(w1, EP1, "10.65.0.2", "10.65.0.3", 5000, 7000, 64, 20),           // a: forwarded
                    Frames.udp(w1, EP1, "10.65.0.2", "10.65.0.3", 5000, 7000, 1, 20),            // b: TTL expires
                    Frames.arpRequest(EP1, "10.65.0.2", "169.254.1.1"),                        // c: proxy ARP
                    Frames.tcp(w1, EP1, "10.65.0.2", "10.65.1.7", 40000, 80, 0x02, 64),        // d: IPIP to node2
                    Frames.tcp(w1, EP1, "10.65.0.2", "1.1.1.1", 40001, 443, 0x02, 64),         // e: SNAT
                    Frames.tcp(w1, EP1, "10.65.0.2", "10.65.0.3", 40002, 80, 0x02, 64),        // f: allowed by ep2
                    Frames.tcp(w1, EP1, "10.65.0.2", "10.65.0.3", 40003, 22, 0x02, 64)));      // g: denied by ep2
            pcap.input("w2", List.of(
                    Frames.tcp(w2, EP2, "10.65.0.3", "10.65.0.2", 80, 40002, 0x12, 64),        // h: reply of f
                    Frames.tcp(w2, EP2, "10.65.0.3", "10.65.0.2", 40004, 80, 0x02, 64)));      // i: ep1 default-deny
            pcap.input("fabric", List.of(
                    Frames.ipip(fab, NODE2, "192.168.0.2", "192.168.0.10",
                            Frames.tcp(0, 0, "10.65.1.7", "10.65.0.2", 80, 40000, 0x12, 63)),  // j: reply of d, tunnelled
                    Frames.tcp(fab, GW, "1.1.1.1", "192.168.0.10", 443, 32768, 0x12, 60),      // k: reply of e to the NAT port
                    Nat44Test.icmpError(fab, GW, "192.168.0.1", "192.168.0.10", 3, 4, 1400,    // l: frag-needed about e as it left
                            Frames.tcp(0, 0, "192.168.0.10", "1.1.1.1", 32768, 443, 0x02, 63), 40)));
            pcap.start();

            try (Fastpath fp = new Fastpath(pcap.ports(), FastpathConfig.defaults(), new FakeClock())) {
                fp.control().publish(state());
                for (int c = 0; c < 20; c++) fp.pollOnce();
                long rx = fp.counters().get(Counter.RX);
                assertEquals(12, rx, fp.counters().describeNonZero());
                assertEquals(rx, fp.counters().get(Counter.TX) + fp.counters().get(Counter.DROPPED) + fp.counters().get(Counter.PUNTED));
                assertEquals(2, fp.counters().get(Counter.DROP_POLICY_INGRESS));
                assertEquals(1, fp.counters().ruleHits(7));
            }
            pcap.stop(); // flushes the tx pcaps
            checkOutputs(w1, w2, fab);
        }
    }

    private void checkOutputs(long w1, long w2, long fab) throws IOException, InterruptedException {
        List<byte[]> toW2 = PcapFile.read(dir.resolve("w2_out.pcap"));
        assertEquals(2, toW2.size());
        expectIp(toW2.get(0), EP2, w2, "10.65.0.2", "10.65.0.3", 63, Frames.UDP);
        expectIp(toW2.get(1), EP2, w2, "10.65.0.2", "10.65.0.3", 63, Frames.TCP);
        assertEquals(80, Frames.u16(toW2.get(1), 36));

        List<byte[]> toW1 = PcapFile.read(dir.resolve("w1_out.pcap"));
        assertEquals(6, toW1.size());
        byte[] icmp = toW1.get(0);
        expectIp(icmp, EP1, w1, "192.168.0.10", "10.65.0.2", 64, Frames.ICMP);
        assertEquals(11, Frames.u8(icmp, 34));
        byte[] arp = toW1.get(1);
        assertEquals(0x0806, Frames.ethertype(arp));
        assertEquals(2, Frames.u16(arp, 20));
        expectIp(toW1.get(2), EP1, w1, "10.65.0.3", "10.65.0.2", 63, Frames.TCP);            // h
        expectIp(toW1.get(3), EP1, w1, "10.65.1.7", "10.65.0.2", 62, Frames.TCP);            // j decapsulated
        expectIp(toW1.get(4), EP1, w1, "1.1.1.1", "10.65.0.2", 59, Frames.TCP);              // k translated back
        assertEquals(40001, Frames.u16(toW1.get(4), 36));
        byte[] fragNeeded = toW1.get(5);                                                       // l translated back (RFC 5508)
        expectIp(fragNeeded, EP1, w1, "192.168.0.1", "10.65.0.2", 59, Frames.ICMP);
        assertEquals(1400, Frames.u16(fragNeeded, 34 + 6));
        byte[] quote = Nat44Test.quote(fragNeeded);
        assertEquals(ip("10.65.0.2"), Frames.src(quote, 14));
        assertEquals(40001, Frames.u16(quote, 34));
        assertTrue(Frames.ipChecksumOk(quote, 14) && Frames.l4ChecksumOk(quote, 14), "quoted IP and TCP checksums");

        List<byte[]> toFabric = PcapFile.read(dir.resolve("fabric_out.pcap"));
        assertEquals(2, toFabric.size());
        byte[] tunnel = toFabric.get(0);
        expectIp(tunnel, NODE2, fab, "192.168.0.10", "192.168.0.2", 64, Frames.IPIP);
        assertEquals(ip("10.65.1.7"), Frames.dst(tunnel, 34));
        assertEquals(63, Frames.ttl(tunnel, 34));
        byte[] snat = toFabric.get(1);
        expectIp(snat, GW, fab, "192.168.0.10", "1.1.1.1", 63, Frames.TCP);
        assertEquals(32768, Frames.u16(snat, 34));
        assertEquals(0, PcapFile.read(dir.resolve("tap_out.pcap")).size());

        for (String n : List.of("w1", "w2", "fabric")) tshark(dir.resolve(n + "_out.pcap"));
    }

    private static void expectIp(byte[] f, long dmac, long smac, String src, String dst, int ttl, int proto) {
        assertEquals(dmac, Frames.dmac(f), "dst MAC");
        assertEquals(smac, Frames.smac(f), "src MAC");
        assertEquals(0x0800, Frames.ethertype(f));
        assertEquals(ip(src), Frames.src(f, 14), "src");
        assertEquals(ip(dst), Frames.dst(f, 14), "dst");
        assertEquals(ttl, Frames.ttl(f, 14), "ttl");
        assertEquals(proto, Frames.proto(f, 14), "protocol");
        assertTrue(Frames.ipChecksumOk(f, 14), "IP checksum");
        int l3 = proto == Frames.IPIP ? 34 : 14;
        if (proto == Frames.IPIP) assertTrue(Frames.ipChecksumOk(f, 34), "inner IP checksum");
        assertTrue(Frames.l4ChecksumOk(f, l3), "L4 checksum");
    }

    /** tshark must dissect every frame and find no bad checksum (validation turned on). */
    private static void tshark(Path pcap) throws IOException, InterruptedException {
        GoldenPcapPorts.tshark(pcap, List.of("ip.check_checksum:TRUE", "tcp.check_checksum:TRUE", "udp.check_checksum:TRUE"),
                "ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0 || icmp.checksum.status == 0 || _ws.malformed");
    }

    static DataplaneState state() {
        var ep2Ingress = Topology.rules(Rule.builder(7).action(Action.ALLOW).src("10.65.0.2/32").protocol(6).dstPorts(80, 80).build(),
                Rule.builder(11).action(Action.ALLOW).protocol(17).dstPorts(7000, 7000).build());
        return new DataplaneState(NodeAddress.of("192.168.0.10/24"), List.of(),
                List.of(new Endpoint("ep1", "w1", EP1, List.of(ip("10.65.0.2")), Topology.rules(), null),
                        new Endpoint("ep2", "w2", EP2, List.of(ip("10.65.0.3")), ep2Ingress, null)),
                List.of(Route.of("10.65.0.2/32", new NextHop.ToEndpoint("ep1")),
                        Route.of("10.65.0.3/32", new NextHop.ToEndpoint("ep2")),
                        Route.of("10.65.1.0/26", new NextHop.Via(ip("192.168.0.2"), "fabric")),
                        Route.of("192.168.0.0/24", new NextHop.Via(0, "fabric")),
                        Route.of("0.0.0.0/0", new NextHop.Via(ip("192.168.0.1"), "fabric"))),
                List.of(IpPool.of("10.65.0.0/16", IpPool.IpipMode.ALWAYS, true)),
                List.of(new Neighbour(ip("192.168.0.1"), GW, "fabric"), new Neighbour(ip("192.168.0.2"), NODE2, "fabric")));
    }

    static final class FakeClock implements org.agrona.concurrent.NanoClock {
        @Override public long nanoTime() { return 1_000_000_000L; }
    }
}
