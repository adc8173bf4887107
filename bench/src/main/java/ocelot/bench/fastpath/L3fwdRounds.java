package ocelot.bench.fastpath;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Eal;
import ocelot.dpdk.Mempool;
import ocelot.fastpath.conntrack.ConntrackTimeouts;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.worker.Fastpath;
import ocelot.fastpath.worker.FastpathConfig;

/**
 * Ocelot's side of the l3fwd comparison ({@code bench/fastpath/l3fwd.sh}): three pipelines over
 * the same net_pcap → net_null devices as {@link PipelineThroughput}, one with the endpoints'
 * policy (the full run), one without but tracking every flow (routing: parse, validation,
 * anti-spoofing, conntrack, LPM, rewrite; the stateless path off) and one without policy, NAT
 * or tunnel on the stateless path (no conntrack, issue 19; {@code -Dbench.skipFull=true} leaves
 * the full one out, for route-count runs against l3fwd-lpm alone). All are
 * warmed up once; then each line read from stdin starts one round, which measures one slice
 * of each, so the script can run l3fwd between rounds while this JVM idles with its compiled
 * code (one warm-up instead of one per round, and the two sides alternate under the same load).
 *
 * <p>Per round it prints {@code round N routing MPPS full MPPS stateless MPPS} (packets per
 * second of this thread's CPU time; NaN for one left out); at stdin's end the medians and the pipelines' counters.
 *
 * <p>Usage: {@code L3fwdRounds PCAP SLICE_SECONDS FLOWS ROUTES RULES [CT_CAPACITY [UDP_TIMEOUT_S [MBUF_DATA_ROOM]]]}:
 * conntrack capacity per pipeline (default {@link PipelineThroughput#defaultCapacity}), the UDP
 * timeouts in seconds (default Linux's 30/120), the mbuf data room (default 2176; l3fwd.sh gives
 * both sides the same). The mbuf pool holds one mbuf per pcap packet (net_pcap's infinite replay
 * keeps the whole file in mbufs) plus the bursts in flight, and EAL's memory is sized to it;
 * {@code -Dbench.huge=true} runs EAL on reserved 2 MiB hugepages instead of {@code --no-huge}.
 * Each round line also says how many flows each pipeline created in its slice.
 */
public final class L3fwdRounds {
    public static void main(String[] args) throws Exception {
        Path pcap = Path.of(args[0]);
        double slice = Double.parseDouble(args[1]);
        int flows = Integer.parseInt(args[2]);
        int routes = Integer.parseInt(args[3]);
        int rules = Integer.parseInt(args[4]);
        int capacity = args.length > 5 ? Integer.parseInt(args[5]) : PipelineThroughput.defaultCapacity(flows);
        ConntrackTimeouts timeouts = ConntrackTimeouts.linuxDefaults();
        if (args.length > 6) {
            long udp = java.util.concurrent.TimeUnit.SECONDS.toNanos(Long.parseLong(args[6]));
            timeouts = new ConntrackTimeouts(timeouts.synSentNs(), timeouts.synRecvNs(), timeouts.establishedNs(), timeouts.finWaitNs(),
                    timeouts.timeWaitNs(), timeouts.closeNs(), udp, udp, timeouts.icmpNs(), timeouts.otherNs());
        }
        int dataRoom = args.length > 7 ? Integer.parseInt(args[7]) : Mempool.DEFAULT_DATA_ROOM;
        double warmup = PipelineThroughput.WARMUP_NS / 1e9;
        if (Boolean.getBoolean("bench.ipv6")) PipelineThroughput.writePcap6(pcap, flows); // l3fwd.sh's IPV6=1
        else PipelineThroughput.writePcap(pcap, flows);
        System.out.println("pcap " + pcap); // the script's l3fwd correctness checks can start while this JVM warms up
        int mbufs = flows + 8192; // the replayed file, rx/tx rings and bursts in flight, per-lcore caches
        int memoryMb = PipelineThroughput.ealMemoryMb(mbufs, dataRoom, Boolean.getBoolean("bench.huge"));
        initEal(memoryMb);
        Eal.registerThread();
        try (Mempool pool = Mempool.create("bench_l3fwd_pool", mbufs, 256, dataRoom)) {
            DpdkPort src = DpdkPort.createVdev("net_pcap_l3", "rx_pcap=" + pcap + ",infinite_rx=1", pool, DpdkPort.Config.defaults());
            DpdkPort sink = DpdkPort.createVdev("net_null_l3", "no-rx=1", pool, DpdkPort.Config.defaults());
            System.out.printf("config flows %d conntrack-capacity %d udp-timeout-s %d mbufs %d data-room %d eal-mb %d huge %s%n",
                    flows, capacity, timeouts.udpUnrepliedNs() / 1_000_000_000L, mbufs, dataRoom, memoryMb, Boolean.getBoolean("bench.huge"));
            FastpathConfig d = FastpathConfig.defaults();
            FastpathConfig config = new FastpathConfig(d.workers(), 64, capacity, d.neighbourCapacity(), d.ruleCounterCapacity(), timeouts,
                    d.flowFastPath(), d.maxPorts(), d.idle(), true);
            // routing: no policy, every flow tracked (the stateless path off); full: policy (tracked
            // by definition); stateless: no policy, NAT or tunnel anywhere, so no conntrack (issue 19)
            String[] names = {"routing", "full", "stateless"};
            boolean skipFull = Boolean.getBoolean("bench.skipFull");
            Fastpath[] pipes = new Fastpath[3];
            try {
                pipes[0] = (Fastpath) PipelineThroughput.open(src, sink, routes, rules, flows, warmup, false, config.withStatelessPath(false));
                if (!skipFull) pipes[1] = (Fastpath) PipelineThroughput.open(src, sink, routes, rules, flows, warmup, true, config);
                pipes[2] = (Fastpath) PipelineThroughput.open(src, sink, routes, rules, flows, warmup, false, config);
                System.out.println("ready");
                double[][] rates = new double[3][0];
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
                int round = 0;
                while (in.readLine() != null) {
                    round++;
                    long[] created0 = new long[3], rx0 = new long[3];
                    double[] r = new double[3];
                    java.util.Arrays.fill(r, Double.NaN);
                    for (int p = 0; p < 3; p++) {
                        if (pipes[p] == null) continue;
                        created0[p] = pipes[p].counters().get(Counter.CT_NEW);
                        rx0[p] = pipes[p].counters().get(Counter.RX);
                    }
                    // which goes first rotates: the first slice after the l3fwd runs meets colder caches
                    for (int k = 0; k < 3; k++) {
                        int p = (k + round) % 3;
                        if (pipes[p] != null) r[p] = rate(pipes[p], slice);
                    }
                    StringBuilder line = new StringBuilder("round " + round);
                    for (int p = 0; p < 3; p++) {
                        rates[p] = append(rates[p], r[p]);
                        line.append(String.format(" %s %.2f", names[p], r[p]));
                    }
                    for (int p = 0; p < 3; p++) {
                        double created = pipes[p] == null ? Double.NaN
                                : share(pipes[p].counters().get(Counter.CT_NEW) - created0[p], pipes[p].counters().get(Counter.RX) - rx0[p]);
                        line.append(String.format(" new-flow-share-%s %.4f", names[p], created));
                    }
                    System.out.println(line);
                }
                for (int p = 0; p < 3; p++) System.out.printf("ocelot-%s-mpps %.2f%n", names[p], median(rates[p]));
                for (int p = 0; p < 3; p++) if (pipes[p] != null) System.out.println("counters " + names[p] + ": " + pipes[p].counters().describeNonZero());
            } finally {
                for (Fastpath fp : pipes) if (fp != null) fp.close();
                src.close();
                sink.close();
            }
        }
    }

    static double share(long part, long whole) { return whole == 0 ? 0 : (double) part / whole; }

    /** EAL on {@code memoryMb}: 2 MiB hugepages ({@code -Dbench.huge=true}, reserved by the script) or none. */
    static void initEal(int memoryMb) {
        if (!Boolean.getBoolean("bench.huge")) {
            Eal.initInMemory(memoryMb);
            return;
        }
        Eal.init("ocelot-bench", "--in-memory", "--no-pci", "-m", Integer.toString(memoryMb), "-l", "0",
                "--log-level", "lib.eal:error", "--no-telemetry");
    }

    /** One slice; fails if the pipeline did not forward what it received (a broken run, not a rate). */
    static double rate(AutoCloseable pipeline, double seconds) {
        Fastpath fp = (Fastpath) pipeline;
        long tx0 = fp.counters().get(Counter.TX);
        long[] x = PipelineThroughput.slice(pipeline, seconds);
        long tx = fp.counters().get(Counter.TX) - tx0;
        if (tx < x[0] * 0.99) throw new IllegalStateException("pipeline dropped packets: " + fp.counters().describeNonZero());
        return x[0] / (x[1] / 1e3);
    }

    static double[] append(double[] a, double v) {
        double[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }

    static double median(double[] a) {
        if (a.length == 0) return Double.NaN;
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
