package ocelot.bench.fastpath;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Eal;
import ocelot.dpdk.Mempool;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.packet.Ipv4;
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
 * Forwarding while the route table churns (issue 19's scale item): ROUTES /26 routes (11.0.0.0
 * up, Calico-block-sized, via one of two fabric gateways), FLOWS UDP flows from a workload
 * endpoint each to an address inside route f (so the traffic walks the 1M-route table, and
 * churn hits routes in use), net_pcap → net_null, the pipeline on this thread in invoker mode,
 * routing alone (no classifiers; conntrack and its per-flow forwarding cache run: a publish
 * moves the snapshot generation, so every flow's next packet takes the full path again).
 *
 * <p>A control thread publishes UPDATES route changes per second through
 * {@code FastpathControl.publish}, in TICKS publishes a second (what the node's dataplane
 * driver does: it coalesces the learned-route changes that arrive while it works into one
 * publish). Each change moves one random route to the other gateway (a BGP implicit withdraw
 * and announce of the same prefix); each publish hands over a new list of all routes, as the
 * driver does. The fastpath applies the difference to its LPM table in place.
 *
 * <p>Rounds alternate a quiet slice and a churn slice of SECONDS each. Rates are packets per
 * second of the forwarding thread's CPU time (the machine is shared) and per wall second;
 * loss is every packet received and not transmitted (all drop reasons) during the slice.
 *
 * <p>Usage: {@code RouteChurn PCAP SECONDS FLOWS ROUTES UPDATES_PER_SECOND ROUNDS [TICKS]}
 */
public final class RouteChurn {
    static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    static final int FIRST_ROUTE = 0x0B00_0000; // 11.0.0.0
    static final int GATEWAY_A = Ipv4.parse("192.168.0.2"), GATEWAY_B = Ipv4.parse("192.168.0.3");
    static final NextHop.Via VIA_A = new NextHop.Via(GATEWAY_A, "fabric"), VIA_B = new NextHop.Via(GATEWAY_B, "fabric");

    public static void main(String[] args) throws Exception {
        Path pcap = Path.of(args[0]);
        double seconds = Double.parseDouble(args[1]);
        int flows = Integer.parseInt(args[2]);
        int routes = Integer.parseInt(args[3]);
        int updatesPerSecond = Integer.parseInt(args[4]);
        int rounds = Integer.parseInt(args[5]);
        int ticks = args.length > 6 ? Integer.parseInt(args[6]) : 10;
        if (flows > routes) throw new IllegalArgumentException("FLOWS " + flows + " must not exceed ROUTES " + routes + " (one flow per route)");
        writePcap(pcap, flows, routes);
        int mbufs = Math.max(16383, flows + 8192);
        Eal.initInMemory(PipelineThroughput.ealMemoryMb(mbufs, Mempool.DEFAULT_DATA_ROOM, false));
        Eal.registerThread();
        try (Mempool pool = Mempool.create("bench_churn_pool", mbufs, 256, Mempool.DEFAULT_DATA_ROOM)) {
            DpdkPort src = DpdkPort.createVdev("net_pcap_churn", "rx_pcap=" + pcap + ",infinite_rx=1", pool, DpdkPort.Config.defaults());
            DpdkPort sink = DpdkPort.createVdev("net_null_churn", "no-rx=1", pool, DpdkPort.Config.defaults());
            try {
                run(src, sink, seconds, flows, routes, updatesPerSecond, rounds, ticks);
            } finally {
                src.close();
                sink.close();
            }
        }
    }

    static void run(DpdkPort src, DpdkPort sink, double seconds, int flows, int routes, int updatesPerSecond, int rounds, int ticks)
            throws InterruptedException {
        DpdkEthPort w1 = new DpdkEthPort("w1", src, PortRole.WORKLOAD, PipelineThroughput.W1_MAC);
        DpdkEthPort fabric = new DpdkEthPort("fabric", sink, PortRole.FABRIC, 0x0200_0000_0010L);
        FastpathConfig config = FastpathConfig.defaults().withConntrackCapacity(PipelineThroughput.defaultCapacity(flows));
        List<Route> table = new ArrayList<>(routes + 2);
        table.add(Route.of("10.65.0.2/32", new NextHop.ToEndpoint("ep1")));
        table.add(Route.of("192.168.0.0/24", new NextHop.Via(0, "fabric")));
        for (int r = 0; r < routes; r++) table.add(new Route(FIRST_ROUTE + (r << 6), 26, (r & 1) == 0 ? VIA_A : VIA_B));
        try (Fastpath fp = new Fastpath(List.of(w1, fabric), config, System::nanoTime)) {
            long c0 = CPU.getCurrentThreadCpuTime(), w0 = System.nanoTime();
            fp.control().publish(state(table));
            System.out.printf("first publish of %,d routes: %.0f ms CPU, %.0f ms wall%n", table.size(),
                    (CPU.getCurrentThreadCpuTime() - c0) / 1e6, (System.nanoTime() - w0) / 1e6);
            PipelineThroughput.slice(fp, PipelineThroughput.WARMUP_NS / 1e9);
            while (fp.counters().get(Counter.RX) < 3L * flows) PipelineThroughput.slice(fp, 0.2);

            Churn churn = new Churn(fp, table, updatesPerSecond, ticks);
            Thread control = Thread.ofPlatform().name("churn-control").start(churn);
            double[][] cpuMpps = new double[2][rounds], wallMpps = new double[2][rounds];
            long[][] lost = new long[2][rounds];
            try {
                // a churn slice first, unmeasured: the publishing thread's code compiled
                churn.on.set(true);
                PipelineThroughput.slice(fp, Math.min(5, seconds));
                churn.on.set(false);
                for (int r = 0; r < rounds; r++) {
                    for (int phase = 0; phase < 2; phase++) {
                        churn.on.set(phase == 1);
                        long rx0 = fp.counters().get(Counter.RX), tx0 = fp.counters().get(Counter.TX);
                        long u0 = churn.applied.get(), wall0 = System.nanoTime();
                        long[] s = PipelineThroughput.slice(fp, seconds);
                        double wall = (System.nanoTime() - wall0) / 1e9;
                        long rx = fp.counters().get(Counter.RX) - rx0, tx = fp.counters().get(Counter.TX) - tx0;
                        cpuMpps[phase][r] = s[0] / (s[1] / 1e3);
                        wallMpps[phase][r] = rx / wall / 1e6;
                        lost[phase][r] = rx - tx;
                        System.out.printf("round %d %-5s: %.2f Mpps/CPU-s, %.2f Mpps wall, rx %d, lost %d, %,.0f route updates/s applied, load %s%n",
                                r + 1, phase == 0 ? "quiet" : "churn", cpuMpps[phase][r], wallMpps[phase][r], rx, lost[phase][r],
                                (churn.applied.get() - u0) / wall, load());
                    }
                }
            } finally {
                churn.stop.set(true);
                control.join();
            }
            if (churn.failure != null) throw new IllegalStateException("a churn publish failed", churn.failure);
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) ratio[r] = cpuMpps[1][r] / cpuMpps[0][r];
            System.out.printf("quiet: median %.2f Mpps/CPU-s (%.2f wall); churn: median %.2f Mpps/CPU-s (%.2f wall); churn/quiet per round, median %.3f%n",
                    median(cpuMpps[0]), median(wallMpps[0]), median(cpuMpps[1]), median(wallMpps[1]), median(ratio));
            System.out.printf("lost packets: quiet %d, churn %d; publishes %d, route updates %,d, publish CPU ms median %.1f max %.1f, wall ms median %.1f max %.1f%n",
                    Arrays.stream(lost[0]).sum(), Arrays.stream(lost[1]).sum(), churn.publishes, churn.applied.get(),
                    churn.cpuMs.median(), churn.cpuMs.max(), churn.wallMs.median(), churn.wallMs.max());
            System.out.println("counters: " + fp.counters().describeNonZero());
        }
    }

    /** The control plane: UPDATES route changes a second, TICKS publishes a second, each a new list of all routes. */
    static final class Churn implements Runnable {
        final Fastpath fp;
        final List<Route> table;
        final int updatesPerSecond, ticks;
        final AtomicBoolean on = new AtomicBoolean(), stop = new AtomicBoolean();
        final AtomicLong applied = new AtomicLong();
        final Samples cpuMs = new Samples(), wallMs = new Samples();
        volatile Throwable failure;
        int publishes;

        Churn(Fastpath fp, List<Route> table, int updatesPerSecond, int ticks) {
            this.fp = fp;
            this.table = table;
            this.updatesPerSecond = updatesPerSecond;
            this.ticks = ticks;
        }

        @Override
        public void run() {
            SplittableRandom random = new SplittableRandom(19);
            long period = 1_000_000_000L / ticks;
            long next = System.nanoTime();
            double owed = 0;
            try {
                while (!stop.get()) {
                    long now = System.nanoTime();
                    if (now < next) {
                        Thread.sleep(Math.max(1, (next - now) / 1_000_000));
                        continue;
                    }
                    // late ticks are not made up: the rate applied is what the publisher sustains
                    next = Math.max(next + period, now);
                    if (!on.get()) continue;
                    owed += (double) updatesPerSecond / ticks;
                    int changes = (int) owed;
                    owed -= changes;
                    for (int c = 0; c < changes; c++) {
                        int i = 2 + random.nextInt(table.size() - 2);
                        Route r = table.get(i);
                        table.set(i, new Route(r.prefix(), r.length(), r.nextHop() == VIA_A ? VIA_B : VIA_A));
                    }
                    DataplaneState s = state(table); // copies the list, as the driver lowers a new one
                    long c0 = CPU.getCurrentThreadCpuTime(), w0 = System.nanoTime();
                    fp.control().publish(s);
                    cpuMs.add((CPU.getCurrentThreadCpuTime() - c0) / 1e6);
                    wallMs.add((System.nanoTime() - w0) / 1e6);
                    publishes++;
                    applied.addAndGet(changes);
                }
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    static final class Samples {
        private double[] values = new double[1024];
        private int n;

        synchronized void add(double v) {
            if (n == values.length) values = Arrays.copyOf(values, n * 2);
            values[n++] = v;
        }

        synchronized double median() {
            if (n == 0) return Double.NaN;
            double[] s = Arrays.copyOf(values, n);
            Arrays.sort(s);
            return s[n / 2];
        }

        synchronized double max() {
            return n == 0 ? Double.NaN : Arrays.stream(values, 0, n).max().getAsDouble();
        }
    }

    static DataplaneState state(List<Route> table) {
        return new DataplaneState(NodeAddress.of("192.168.0.10/24"), List.of(),
                List.of(new Endpoint("ep1", "w1", PipelineThroughput.EP1_MAC, List.of(Ipv4.parse("10.65.0.2")), (ocelot.acl.Classifier) null, (ocelot.acl.Classifier) null)),
                table, List.of(IpPool.of("10.65.0.0/16", IpPool.IpipMode.NEVER, false)),
                List.of(new Neighbour(GATEWAY_A, 0x0200_0000_0002L, "fabric"), new Neighbour(GATEWAY_B, 0x0200_0000_0003L, "fabric")));
    }

    static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /**
     * 64-byte UDP frames from ep1 (10.65.0.2), flow f to the first address of route
     * f × (ROUTES / FLOWS) (spread over the whole table), source port 1024 + f mod 60,000.
     */
    static void writePcap(Path file, int flows, int routes) throws IOException {
        int step = routes / flows;
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
            out.write(b.array());
            ByteBuffer rec = ByteBuffer.allocate(16 + 60).order(ByteOrder.LITTLE_ENDIAN);
            byte[] frame = new byte[60];
            for (int f = 0; f < flows; f++) {
                int dst = FIRST_ROUTE + ((f * step) << 6) + 1;
                ByteBuffer e = ByteBuffer.wrap(frame);
                long w1 = PipelineThroughput.W1_MAC, ep1 = PipelineThroughput.EP1_MAC;
                e.putShort((short) (w1 >>> 32)).putInt((int) w1).putShort((short) (ep1 >>> 32)).putInt((int) ep1).putShort((short) 0x0800);
                e.put((byte) 0x45).put((byte) 0).putShort((short) 46).putShort((short) f).putShort((short) 0x4000)
                        .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(0x0A41_0002).putInt(dst);
                e.putShort((short) (1024 + f % 60_000)).putShort((short) (7000 + f / 60_000)).putShort((short) 26).putShort((short) 0);
                e.putShort(24, (short) PipelineThroughput.checksum(frame, 14, 20));
                rec.clear();
                rec.putInt(f / 1_000_000).putInt(f % 1_000_000).putInt(60).putInt(60).put(frame);
                out.write(rec.array());
            }
        }
    }

    private RouteChurn() {}
}
