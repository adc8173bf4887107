package ocelot.fastpath;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ocelot.acl.Action;
import ocelot.acl.Rule;
import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Eal;
import ocelot.dpdk.Mempool;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.port.DpdkEthPort;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.state.DataplaneState;
import ocelot.fastpath.state.Endpoint;
import ocelot.fastpath.state.Ip6;
import ocelot.fastpath.state.Ip6Pool;
import ocelot.fastpath.state.IpPool;
import ocelot.fastpath.state.Ipv6Plane;
import ocelot.fastpath.state.Neighbour6;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.NodeAddress;
import ocelot.fastpath.state.Route;
import ocelot.fastpath.state.Route6;
import ocelot.fastpath.worker.Fastpath;
import ocelot.fastpath.worker.FastpathConfig;

import static ocelot.fastpath.Frames.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The full pipeline (parse, policy on new flows, conntrack, LPM, rewrite) over real DPDK
 * ports allocates nothing on the Java heap per packet: a net_pcap source replaying 256 flows
 * forever into a workload port, forwarded to a net_null sink, 1M packets after warm-up,
 * measured with the thread's allocated-bytes counter; and the same for IPv6 flows source-NATed
 * (NAT66) out through a fabric port.
 */
@Tag("dpdk")
class ZeroAllocationTest {
    @TempDir
    Path dir;

    /** Warms up (JIT, flows created), then forwards 1M-packet windows until one allocates nothing (at most five). */
    static void assertSteadyStateAllocatesNothing(Fastpath fp) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (long c = 0; fp.counters().get(Counter.RX) < 2_000_000; c++) { // warm-up: JIT, flows created
            fp.pollOnce();
            assertTrue(c < 50_000_000, "source stalled: " + fp.counters().describeNonZero());
        }
        // A deoptimisation (profiles polluted by other tests in this JVM) re-materialises
        // scalar-replaced objects once; per-packet allocation would show in every window.
        List<Long> windows = new ArrayList<>();
        for (int w = 0; w < 5 && (windows.isEmpty() || windows.getLast() != 0); w++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            long rx0 = fp.counters().get(Counter.RX);
            while (fp.counters().get(Counter.RX) - rx0 < 1_000_000) fp.pollOnce();
            windows.add(threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertEquals(0L, windows.getLast(), "bytes allocated per window of 1M forwarded packets: " + windows);
    }

    /** NAT66 outgoing: 256 IPv6 flows from ep1's nat-outgoing pool out through a fabric port over two ECMP gateways, each packet source-NATed. */
    @Test
    void steadyStateNat66AllocatesNothing() throws Exception {
        Eal.initInMemory(512);
        Path in = dir.resolve("flows6.pcap");
        List<byte[]> frames = new ArrayList<>();
        for (int f = 0; f < 256; f++) frames.add(Frames6.udp(Topology.W1_MAC, Topology.EP1_MAC, "fd00:65::2", "2001:db8::53", 1024 + f, 7000, 64));
        PcapFile.write(in, frames);
        try (Mempool pool = Mempool.create("zero_alloc6_pool", 8191, 256, Mempool.DEFAULT_DATA_ROOM)) {
            String tag = Long.toString(ProcessHandle.current().pid());
            DpdkPort src = DpdkPort.createVdev("net_pcap_za6_" + tag, "rx_pcap=" + in + ",infinite_rx=1", pool, DpdkPort.Config.defaults());
            DpdkPort sink = DpdkPort.createVdev("net_null_za6_" + tag, "no-rx=1", pool, DpdkPort.Config.defaults());
            try {
                DpdkEthPort w1 = new DpdkEthPort("w1", src, PortRole.WORKLOAD, Topology.W1_MAC);
                DpdkEthPort fabric = new DpdkEthPort("fabric", sink, PortRole.FABRIC, Topology.FABRIC_MAC);
                try (Fastpath fp = new Fastpath(List.of(w1, fabric), FastpathConfig.defaults(), System::nanoTime)) {
                    Ip6 gw = Ip6.parse("fd00:192::1");
                    fp.control().publish(new DataplaneState(NodeAddress.of("192.168.0.10/24"), List.of(),
                            List.of(new Endpoint("ep1", "w1", Topology.EP1_MAC, List.of(ip("10.65.0.2")), null,
                                    Topology.rules(Rule.builder(1).action(Action.ALLOW).protocol(17).build()))),
                            List.of(), List.of(), List.of())
                            .withIpv6(new Ipv6Plane(Ip6.parse("fd00:192::10"), Map.of("ep1", List.of(Ip6.parse("fd00:65::2"))),
                                    // two gateways: the resilient ECMP bucket lookup runs on every packet too
                                    List.of(Route6.of("::/0", new NextHop.Ecmp6(List.of(new NextHop.Via6(gw, "fabric"),
                                            new NextHop.Via6(Ip6.parse("fd00:192::2"), "fabric"))))),
                                    List.of(new Neighbour6(gw, Topology.GW_MAC, "fabric"),
                                            new Neighbour6(Ip6.parse("fd00:192::2"), Topology.NODE2_MAC, "fabric")),
                                    List.of(Ip6Pool.of("fd00:65::/64", true)))));
                    assertSteadyStateAllocatesNothing(fp);
                    assertEquals(256, fp.counters().get(Counter.CT_NEW));
                    assertTrue(fp.counters().get(Counter.SNAT) >= fp.counters().get(Counter.RX) - 64, fp.counters().describeNonZero());
                }
            } finally {
                src.close();
                sink.close();
            }
        }
    }

    /** The stateless path (no policy, NAT or tunnel: no conntrack) from ep1 to ep2 and out through the fabric's gateway. */
    @Test
    void steadyStateStatelessRoutingAllocatesNothing() throws Exception {
        Eal.initInMemory(512);
        Path in = dir.resolve("flows-stateless.pcap");
        List<byte[]> frames = new ArrayList<>();
        for (int f = 0; f < 256; f++) {
            frames.add(Frames.udp(Topology.W1_MAC, Topology.EP1_MAC, "10.65.0.2", f % 2 == 0 ? "10.65.0.3" : "8.8.8." + f, 1024 + f, 7000, 64, 18));
        }
        PcapFile.write(in, frames);
        try (Mempool pool = Mempool.create("zero_alloc_sl_pool", 8191, 256, Mempool.DEFAULT_DATA_ROOM)) {
            String tag = Long.toString(ProcessHandle.current().pid());
            DpdkPort src = DpdkPort.createVdev("net_pcap_zasl_" + tag, "rx_pcap=" + in + ",infinite_rx=1", pool, DpdkPort.Config.defaults());
            DpdkPort sink = DpdkPort.createVdev("net_null_zasl_" + tag, "no-rx=1", pool, DpdkPort.Config.defaults());
            try {
                DpdkEthPort w1 = new DpdkEthPort("w1", src, PortRole.WORKLOAD, Topology.W1_MAC);
                DpdkEthPort w2 = new DpdkEthPort("w2", sink, PortRole.WORKLOAD, Topology.W2_MAC);
                DpdkEthPort fabric = new DpdkEthPort("fabric", sink, PortRole.FABRIC, Topology.FABRIC_MAC);
                try (Fastpath fp = new Fastpath(List.of(w1, w2, fabric), FastpathConfig.defaults(), System::nanoTime)) {
                    fp.control().publish(new DataplaneState(NodeAddress.of("192.168.0.10/24"), List.of(),
                            List.of(new Endpoint("ep1", "w1", Topology.EP1_MAC, List.of(ip("10.65.0.2")), null, (ocelot.acl.Classifier) null),
                                    new Endpoint("ep2", "w2", Topology.EP2_MAC, List.of(ip("10.65.0.3")), null, (ocelot.acl.Classifier) null)),
                            List.of(Route.of("10.65.0.2/32", new NextHop.ToEndpoint("ep1")), Route.of("10.65.0.3/32", new NextHop.ToEndpoint("ep2")),
                                    Route.of("0.0.0.0/0", new NextHop.Via(ip("192.168.0.1"), "fabric"))),
                            List.of(IpPool.of("10.65.0.0/16", IpPool.IpipMode.NEVER, false)),
                            List.of(new ocelot.fastpath.state.Neighbour(ip("192.168.0.1"), Topology.GW_MAC, "fabric"))));
                    assertSteadyStateAllocatesNothing(fp);
                    assertEquals(0, fp.counters().get(Counter.CT_NEW));
                    assertEquals(fp.counters().get(Counter.RX), fp.counters().get(Counter.STATELESS_FORWARDS), fp.counters().describeNonZero());
                }
            } finally {
                src.close();
                sink.close();
            }
        }
    }

    @Test
    void steadyStateForwardingAllocatesNothing() throws Exception {
        forward(256, FastpathConfig.defaults(), fp -> assertEquals(256, fp.counters().get(Counter.CT_NEW)));
    }

    /**
     * Every packet a new flow (issue 24's every-packet-new profile): 4,096 flows replayed through
     * a table of 1,024, so each packet is classified both ways, routed, inserted (the batched
     * insertion) and evicts a flow, and none of it allocates.
     */
    @Test
    void everyPacketNewFlowAllocatesNothing() throws Exception {
        forward(4096, FastpathConfig.defaults().withConntrackCapacity(1024), fp -> {
            // most packets, not all: eviction picks the flow closest to expiry among 8 sampled, not
            // strictly the oldest, so some flows are still there when they come round (40 of 3M in
            // one run, 436k of 3M in CI's: how many depends on how far the clock moves per burst)
            assertTrue(fp.counters().get(Counter.CT_NEW) > fp.counters().get(Counter.RX) * 0.5, fp.counters().describeNonZero());
            assertTrue(fp.counters().get(Counter.CT_EVICTED) >= fp.counters().get(Counter.CT_NEW) - 1024, fp.counters().describeNonZero());
        });
    }

    /** {@code flows} UDP flows from ep1 to ep2 replayed forever from net_pcap to net_null; steady state allocates nothing, then {@code check}. */
    private void forward(int flows, FastpathConfig config, java.util.function.Consumer<Fastpath> check) throws Exception {
        Eal.initInMemory(512);
        Path in = dir.resolve("flows.pcap");
        long w1Mac = Topology.W1_MAC;
        List<byte[]> frames = new ArrayList<>();
        for (int f = 0; f < flows; f++) frames.add(Frames.udp(w1Mac, Topology.EP1_MAC, "10.65.0.2", "10.65.0.3", 1024 + f, 7000, 64, 18));
        PcapFile.write(in, frames);
        try (Mempool pool = Mempool.create("zero_alloc_pool", 8191, 256, Mempool.DEFAULT_DATA_ROOM)) {
            String tag = Long.toString(ProcessHandle.current().pid());
            DpdkPort src = DpdkPort.createVdev("net_pcap_za_" + tag, "rx_pcap=" + in + ",infinite_rx=1", pool, DpdkPort.Config.defaults());
            DpdkPort sink = DpdkPort.createVdev("net_null_za_" + tag, "no-rx=1", pool, DpdkPort.Config.defaults());
            try {
                DpdkEthPort w1 = new DpdkEthPort("w1", src, PortRole.WORKLOAD, w1Mac);
                DpdkEthPort w2 = new DpdkEthPort("w2", sink, PortRole.WORKLOAD, Topology.W2_MAC);
                try (Fastpath fp = new Fastpath(List.of(w1, w2), config, System::nanoTime)) {
                    fp.control().publish(new DataplaneState(NodeAddress.of("192.168.0.10/24"), List.of(),
                            List.of(new Endpoint("ep1", "w1", Topology.EP1_MAC, List.of(ip("10.65.0.2")), null,
                                            Topology.rules(Rule.builder(1).action(Action.ALLOW).protocol(17).build())),
                                    new Endpoint("ep2", "w2", Topology.EP2_MAC, List.of(ip("10.65.0.3")),
                                            Topology.rules(Rule.builder(2).action(Action.ALLOW).src("10.65.0.0/16").build()), null)),
                            List.of(Route.of("10.65.0.2/32", new NextHop.ToEndpoint("ep1")), Route.of("10.65.0.3/32", new NextHop.ToEndpoint("ep2"))),
                            List.of(IpPool.of("10.65.0.0/16", IpPool.IpipMode.NEVER, false)), List.of()));
                    assertSteadyStateAllocatesNothing(fp);
                    check.accept(fp);
                    assertTrue(fp.counters().get(Counter.TX) >= fp.counters().get(Counter.RX) - 64, fp.counters().describeNonZero());
                }
            } finally {
                src.close();
                sink.close();
            }
        }
    }
}
