package ocelot.bench.fastpath;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ocelot.acl.Action;
import ocelot.acl.Classifier;
import ocelot.acl.Rule;
import ocelot.acl.TupleMergeClassifier;
import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Eal;
import ocelot.dpdk.IoForwarder;
import ocelot.dpdk.Mempool;
import ocelot.fastpath.conntrack.ConntrackTimeouts;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.port.DpdkEthPort;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.state.DataplaneState;
import ocelot.fastpath.state.Endpoint;
import ocelot.fastpath.state.IpPool;
import ocelot.fastpath.state.Neighbour;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.NodeAddress;
import ocelot.fastpath.state.Route;
import ocelot.fastpath.worker.Fastpath;
import ocelot.fastpath.worker.FastpathConfig;

/**
 * Mpps (per second of CPU time of the forwarding thread) of the full fastpath pipeline on one core (the calling thread, invoker mode), 64-byte
 * UDP frames from a workload endpoint to another: parse + validation, anti-spoofing, conntrack
 * (every packet looked up; policy classifies each new flow through egress and ingress
 * TupleMerge classifiers of {@code rules} rules), LPM over a Calico-sized table ({@code routes}
 * /26 blocks plus endpoint /32s), TTL/MAC rewrite. Source: net_pcap replaying {@code flows}
 * flows forever; sink: net_null. In the same process and on the same devices, the bare FFM io
 * loop ({@link IoForwarder}) runs as the reference; the script runs dpdk-testpmd io-forward
 * on the same pcap beside it.
 *
 * <p>Usage: {@code PipelineThroughput PCAP SECONDS FLOWS ROUTES RULES}
 */
public final class PipelineThroughput {
    /**
     * Rates are packets per second of this thread's CPU time, not wall time: the machine is
     * shared, and a descheduled thread would otherwise count against the code being measured.
     */
    static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    static final long WARMUP_NS = Long.getLong("bench.warmupSeconds", 20) * 1_000_000_000L;
    static final long W1_MAC = 0xEEEE_EEEE_EE01L, W2_MAC = 0xEEEE_EEEE_EE02L, EP1_MAC = 0x0A58_0A41_0002L, EP2_MAC = 0x0A58_0A41_0003L;

    public static void main(String[] args) throws Exception {
        Path pcap = Path.of(args[0]);
        double seconds = Double.parseDouble(args[1]);
        int flows = Integer.parseInt(args[2]);
        int routes = Integer.parseInt(args[3]);
        int rules = Integer.parseInt(args[4]);
        writePcap(pcap, flows);
        int dataRoom = Integer.getInteger("bench.dataRoom", Mempool.DEFAULT_DATA_ROOM);
        int mbufs = Math.max(16383, flows + 8192); // net_pcap's infinite replay holds the whole file in mbufs
        Eal.initInMemory(ealMemoryMb(mbufs, dataRoom, false));
        Eal.registerThread();
        try (Mempool pool = Mempool.create("bench_fastpath_pool", mbufs, 256, dataRoom)) {
            DpdkPort src = DpdkPort.createVdev("net_pcap_bench", "rx_pcap=" + pcap + ",infinite_rx=1", pool, DpdkPort.Config.defaults());
            DpdkPort sink = DpdkPort.createVdev("net_null_bench", "no-rx=1", pool, DpdkPort.Config.defaults());
            try {
                double io = Boolean.getBoolean("bench.skipIo") ? Double.NaN : ioForward(src, sink, seconds);
                double pipeline = pipeline(src, sink, seconds, routes, rules, flows);
                System.out.printf("ocelot-io-forward-mpps %.2f%n", io);
                System.out.printf("ocelot-pipeline-mpps %.2f%n", pipeline);
                System.out.printf("ocelot-pipeline-vs-io-ratio %.3f%n", pipeline / io);
            } finally {
                src.close();
                sink.close();
            }
        }
    }

    static double ioForward(DpdkPort src, DpdkPort sink, double seconds) {
        IoForwarder fwd = new IoForwarder(src, sink, 64);
        fwd.forward(Long.MAX_VALUE, System.nanoTime() + WARMUP_NS); // warm-up
        long p0 = fwd.rxPackets();
        long c0 = CPU.getCurrentThreadCpuTime();
        fwd.forward(Long.MAX_VALUE, System.nanoTime() + (long) (seconds * 1e9));
        double mpps = (fwd.rxPackets() - p0) / ((CPU.getCurrentThreadCpuTime() - c0) / 1e3);
        fwd.close();
        return mpps;
    }

    static double pipeline(DpdkPort src, DpdkPort sink, double seconds, int routes, int rules, int flows) {
        DpdkEthPort w1 = new DpdkEthPort("w1", src, PortRole.WORKLOAD, W1_MAC);
        DpdkEthPort w2 = new DpdkEthPort("w2", sink, PortRole.WORKLOAD, W2_MAC);
        DpdkEthPort fabric = new DpdkEthPort("fabric", sink, PortRole.FABRIC, 0x0200_0000_0010L);
        FastpathConfig config = FastpathConfig.defaults().withBurstSize(Integer.getInteger("bench.burst", 64)).withConntrackCapacity(Integer.getInteger("bench.capacity", defaultCapacity(flows)));
        try (Fastpath fp = new Fastpath(List.of(w1, w2, fabric), config, System::nanoTime)) {
            // -Dbench.policy=false: routing alone (no endpoint classifiers), for profile.sh
            fp.control().publish(state(routes, rules, Boolean.parseBoolean(System.getProperty("bench.policy", "true"))));
            // warm-up: flows created, and C2 done with the graph's big methods (seconds on a busy 2-core box)
            long end = System.nanoTime() + WARMUP_NS;
            while (System.nanoTime() < end) for (int k = 0; k < 256; k++) fp.pollOnce();
            long p0 = fp.counters().get(Counter.RX);
            long tx0 = fp.counters().get(Counter.TX);
            long c0 = CPU.getCurrentThreadCpuTime();
            end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end) for (int k = 0; k < 256; k++) fp.pollOnce();
            long elapsed = CPU.getCurrentThreadCpuTime() - c0;
            long rx = fp.counters().get(Counter.RX) - p0;
            long tx = fp.counters().get(Counter.TX) - tx0;
            if (tx < rx * 0.99) throw new IllegalStateException("pipeline dropped packets: " + fp.counters().describeNonZero());
            System.out.println("counters: " + fp.counters().describeNonZero());
            return rx / (elapsed / 1e3);
        }
    }

    /**
     * The pipeline over these devices, published and warmed up (flows created, graph compiled),
     * for {@link PipelineAb}, which drives two builds of fastpath side by side in one process.
     */
    public static AutoCloseable open(DpdkPort src, DpdkPort sink, int routes, int rules, int flows, double warmupSeconds) {
        return open(src, sink, routes, rules, flows, warmupSeconds, true);
    }

    /**
     * As {@link #open(DpdkPort, DpdkPort, int, int, int, double)}; with {@code policy} false the
     * endpoints carry no classifiers (routing alone, as l3fwd --lookup=lpm; conntrack still runs).
     */
    public static AutoCloseable open(DpdkPort src, DpdkPort sink, int routes, int rules, int flows, double warmupSeconds, boolean policy) {
        // -Dbench.capacity (ab.sh's AB_CAPACITY): a table smaller than the flows, every packet a new flow
        return open(src, sink, routes, rules, flows, warmupSeconds, policy, Integer.getInteger("bench.capacity", defaultCapacity(flows)),
                ConntrackTimeouts.linuxDefaults());
    }

    /**
     * EAL memory for a pool of {@code mbufs} with this data room: an mbuf (header, data room,
     * mempool header: ~data room + 256) never straddles a 4 KiB page with {@code --no-huge}, so
     * a 2176-byte data room takes a page of its own; on hugepages they pack.
     */
    public static int ealMemoryMb(int mbufs, int dataRoom, boolean huge) {
        int object = dataRoom + 256;
        long perMbuf = huge ? object : 4096 / (4096 / object);
        return (int) Math.max(1024, mbufs * perMbuf / (1 << 20) + 512);
    }

    /** The conntrack capacity the benchmarks use by default: room for twice the flows (a power of two). */
    public static int defaultCapacity(int flows) { return Integer.highestOneBit(Math.max(8, flows * 2 - 1)) * 2; }

    /**
     * As {@link #open(DpdkPort, DpdkPort, int, int, int, double, boolean)} with this conntrack
     * capacity (flows per worker) and timeouts: the flow-count profiles give the table less room
     * than the flows (every packet a new flow) or longer UDP timeouts than Linux's 30 s (flows
     * must not expire while the JVM idles between rounds).
     */
    public static AutoCloseable open(DpdkPort src, DpdkPort sink, int routes, int rules, int flows, double warmupSeconds, boolean policy,
                                     int conntrackCapacity, ConntrackTimeouts timeouts) {
        FastpathConfig d = FastpathConfig.defaults();
        // this constructor: ab.sh compiles this file against older fastpath builds too
        FastpathConfig config = new FastpathConfig(d.workers(), 64, conntrackCapacity, d.neighbourCapacity(), d.ruleCounterCapacity(), timeouts,
                d.flowFastPath(), d.maxPorts(), d.idle());
        return open(src, sink, routes, rules, flows, warmupSeconds, policy, config);
    }

    /** As above with this fastpath config (L3fwdRounds: the stateless path off, to measure routing with conntrack). */
    public static AutoCloseable open(DpdkPort src, DpdkPort sink, int routes, int rules, int flows, double warmupSeconds, boolean policy,
                                     FastpathConfig config) {
        DpdkEthPort w1 = new DpdkEthPort("w1", src, PortRole.WORKLOAD, W1_MAC);
        DpdkEthPort w2 = new DpdkEthPort("w2", sink, PortRole.WORKLOAD, W2_MAC);
        DpdkEthPort fabric = new DpdkEthPort("fabric", sink, PortRole.FABRIC, 0x0200_0000_0010L);
        Fastpath fp = new Fastpath(List.of(w1, w2, fabric), config, System::nanoTime);
        fp.control().publish(state(routes, rules, policy));
        slice(fp, warmupSeconds);
        // and until every flow has come round three times (created, then hits): on a loaded
        // machine the wall-clock warm-up alone left a 1M-flow run creating flows while measured
        while (fp.counters().get(Counter.RX) < 3L * flows) slice(fp, 0.2);
        return fp;
    }

    /** Polls for {@code seconds} of wall time; returns {packets received, this thread's CPU ns}. */
    public static long[] slice(AutoCloseable pipeline, double seconds) {
        Fastpath fp = (Fastpath) pipeline;
        long p0 = fp.counters().get(Counter.RX);
        long c0 = CPU.getCurrentThreadCpuTime();
        long end = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < end) for (int k = 0; k < 256; k++) fp.pollOnce();
        return new long[] {fp.counters().get(Counter.RX) - p0, CPU.getCurrentThreadCpuTime() - c0};
    }

    static DataplaneState state(int routes, int rules) {
        return state(routes, rules, true);
    }

    /** The benchmark's node; without {@code policy} both endpoints have null classifiers (everything allowed). */
    static DataplaneState state(int routes, int rules, boolean policy) {
        List<Rule> egress = new ArrayList<>();
        List<Rule> ingress = new ArrayList<>();
        // rules that do not match the benchmark traffic, then the one that does: classification does real work
        for (int r = 0; r < rules - 1; r++) {
            egress.add(Rule.builder(r).action(Action.DENY).protocol(6).dstPorts(1 + r % 60000, 1 + r % 60000).build());
            ingress.add(Rule.builder(100_000 + r).action(Action.DENY).src(String.format("172.%d.%d.0/24", 16 + (r >> 8) % 16, r & 255)).build());
        }
        egress.add(Rule.builder(rules).action(Action.ALLOW).protocol(17).build());
        ingress.add(Rule.builder(100_000 + rules).action(Action.ALLOW).src("10.65.0.0/16").protocol(17).dstPorts(FIRST_DST_PORT, LAST_DST_PORT).build());
        Classifier eg = policy ? new TupleMergeClassifier(egress) : null;
        Classifier in = policy ? new TupleMergeClassifier(ingress) : null;
        List<Route> table = new ArrayList<>();
        table.add(Route.of("10.65.0.2/32", new NextHop.ToEndpoint("ep1")));
        table.add(Route.of("10.65.0.3/32", new NextHop.ToEndpoint("ep2")));
        NextHop.Via node2 = new NextHop.Via(ocelot.fastpath.packet.Ipv4.parse("192.168.0.2"), "fabric");
        for (int r = 0; r < routes; r++) table.add(new Route(0x0B00_0000 + (r << 6), 26, node2)); // 11.0.0.0/26 ... Calico blocks
        table.add(Route.of("192.168.0.0/24", new NextHop.Via(0, "fabric")));
        DataplaneState state = new DataplaneState(NodeAddress.of("192.168.0.10/24"), List.of(),
                List.of(new Endpoint("ep1", "w1", EP1_MAC, List.of(ocelot.fastpath.packet.Ipv4.parse("10.65.0.2")), null, eg),
                        new Endpoint("ep2", "w2", EP2_MAC, List.of(ocelot.fastpath.packet.Ipv4.parse("10.65.0.3")), in, null)),
                table, List.of(IpPool.of("10.65.0.0/16", IpPool.IpipMode.NEVER, false)),
                List.of(new Neighbour(ocelot.fastpath.packet.Ipv4.parse("192.168.0.2"), 0x0200_0000_0002L, "fabric")));
        return Boolean.getBoolean("bench.ipv6") ? state.withIpv6(plane6(routes)) : state;
    }

    /**
     * {@code -Dbench.ipv6=true} (l3fwd.sh's IPV6=1): the same node with IPv6, ep1 fd00:65::2 and
     * ep2 fd00:65::3 (/128 routes) among {@code routes} /64s 2001:db8:R>>16:R&0xffff::/64 through a
     * fabric gateway, as l3fwd.sh's lpm.v6; no NAT66 pool. The IPv4 table stays (l3fwd has both too).
     */
    static ocelot.fastpath.state.Ipv6Plane plane6(int routes) {
        var gw = ocelot.fastpath.state.Ip6.parse("fd00:192::2");
        NextHop.Via6 via = new NextHop.Via6(gw, "fabric");
        List<ocelot.fastpath.state.Route6> table = new ArrayList<>();
        table.add(ocelot.fastpath.state.Route6.of(EP1_V6 + "/128", new NextHop.ToEndpoint("ep1")));
        table.add(ocelot.fastpath.state.Route6.of(EP2_V6 + "/128", new NextHop.ToEndpoint("ep2")));
        for (int r = 0; r < routes; r++) table.add(new ocelot.fastpath.state.Route6(new ocelot.fastpath.state.Ip6(0x2001_0db8_0000_0000L | (r & 0xFFFF_FFFFL), 0), 64, via));
        return new ocelot.fastpath.state.Ipv6Plane(ocelot.fastpath.state.Ip6.parse("fd00:192::10"),
                java.util.Map.of("ep1", List.of(ocelot.fastpath.state.Ip6.parse(EP1_V6)), "ep2", List.of(ocelot.fastpath.state.Ip6.parse(EP2_V6))),
                table, List.of(new ocelot.fastpath.state.Neighbour6(gw, 0x0200_0000_0002L, "fabric")));
    }

    static final String EP1_V6 = "fd00:65::2", EP2_V6 = "fd00:65::3";

    /**
     * 64-byte IPv6 frames (Ethernet + IPv6 + UDP + 2 bytes), one per flow, ep1 to ep2 with flow
     * f's ports as {@link #frame}: the IPv6 LPM mode's pcap ({@code -Dbench.ipv6=true}).
     */
    public static void writePcap6(Path file, int flows) throws IOException {
        if (flows < 1 || flows > MAX_FLOWS) throw new IllegalArgumentException("flows must be 1.." + MAX_FLOWS + ", got " + flows);
        long ep1 = 0x0000_0000_0000_0002L, ep2 = 0x0000_0000_0000_0003L, prefix = 0xFD00_0065_0000_0000L;
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
            out.write(b.array());
            ByteBuffer rec = ByteBuffer.allocate(16 + 64).order(ByteOrder.LITTLE_ENDIAN);
            byte[] frame = new byte[64];
            for (int f = 0; f < flows; f++) {
                ByteBuffer e = ByteBuffer.wrap(frame);
                e.putShort((short) (W1_MAC >>> 32)).putInt((int) W1_MAC).putShort((short) (EP1_MAC >>> 32)).putInt((int) EP1_MAC).putShort((short) 0x86DD);
                e.putInt(0x6000_0000).putShort((short) 10).put((byte) 17).put((byte) 64).putLong(prefix).putLong(ep1).putLong(prefix).putLong(ep2);
                int sport = 1024 + f % SOURCE_PORTS, dport = FIRST_DST_PORT + f / SOURCE_PORTS;
                e.putShort((short) sport).putShort((short) dport).putShort((short) 10).putShort((short) 0).put((byte) 0).put((byte) 1);
                // UDP checksum over the pseudo-header (mandatory in IPv6)
                long sum = 2 * ((prefix >>> 48) + (prefix >>> 32 & 0xFFFF)) + 2 + 3 + 10 + 17 + sport + dport + 10 + 1;
                while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
                int c = (int) (~sum & 0xFFFF);
                ByteBuffer.wrap(frame).putShort(60, (short) (c == 0 ? 0xFFFF : c));
                rec.clear();
                rec.putInt(f / 1_000_000).putInt(f % 1_000_000).putInt(64).putInt(64).put(frame);
                out.write(rec.array());
            }
        }
    }

    /** Distinct UDP source ports per destination port (1024 ... 61023). */
    public static final int SOURCE_PORTS = 60_000;
    /**
     * Destination ports the flows spread over (7000 ... 7127: 7.68M distinct 5-tuples); ep2's
     * ingress allow rule and l3fwd's ACL line cover the whole range whatever the flow count.
     */
    public static final int FIRST_DST_PORT = 7000, LAST_DST_PORT = 7127;
    public static final int MAX_FLOWS = SOURCE_PORTS * (LAST_DST_PORT - FIRST_DST_PORT + 1);

    /** 64-byte frames (60 + FCS): Ethernet + IPv4 + UDP + 18 bytes, one per flow, flow f as {@link #frame}. Written as it goes (4M flows are 300 MB). */
    public static void writePcap(Path file, int flows) throws IOException {
        if (flows < 1 || flows > MAX_FLOWS) throw new IllegalArgumentException("flows must be 1.." + MAX_FLOWS + ", got " + flows);
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
            out.write(b.array());
            ByteBuffer rec = ByteBuffer.allocate(16 + 60).order(ByteOrder.LITTLE_ENDIAN);
            byte[] frame = new byte[60];
            for (int f = 0; f < flows; f++) {
                frame(f, frame);
                rec.clear();
                rec.putInt(f / 1_000_000).putInt(f % 1_000_000).putInt(60).putInt(60).put(frame);
                out.write(rec.array());
            }
        }
    }

    /** The same frames back to back, {@code flows} × 60 bytes. */
    public static byte[] frames(int flows) {
        byte[] all = new byte[flows * 60];
        byte[] frame = new byte[60];
        for (int f = 0; f < flows; f++) {
            frame(f, frame);
            System.arraycopy(frame, 0, all, f * 60, 60);
        }
        return all;
    }

    /**
     * Flow f's frame: UDP from ep1 (10.65.0.2) port 1024 + f mod 60,000 to ep2 (10.65.0.3) port
     * 7000 + f / 60,000 (the first 60,000 flows are the ones every earlier run of this benchmark used).
     */
    static void frame(int f, byte[] frame) {
        ByteBuffer e = ByteBuffer.wrap(frame);
        e.putShort((short) (W1_MAC >>> 32)).putInt((int) W1_MAC).putShort((short) (EP1_MAC >>> 32)).putInt((int) EP1_MAC).putShort((short) 0x0800);
        e.put((byte) 0x45).put((byte) 0).putShort((short) 46).putShort((short) f).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(0x0A41_0002).putInt(0x0A41_0003);
        e.putShort((short) (1024 + f % SOURCE_PORTS)).putShort((short) (FIRST_DST_PORT + f / SOURCE_PORTS)).putShort((short) 26).putShort((short) 0);
        e.putShort(24, (short) checksum(frame, 14, 20));
    }

    static int checksum(byte[] d, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len; i += 2) sum += ((d[off + i] & 0xFF) << 8) | (d[off + i + 1] & 0xFF);
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) (~sum & 0xFFFF);
    }
}
