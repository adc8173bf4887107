package ocelot.bench.pktgen;

import static ocelot.bench.pktgen.FrameWriter.BE16;
import static ocelot.bench.pktgen.FrameWriter.BE32;
import static ocelot.dpdk.NativeMemory.ALL;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Eal;
import ocelot.dpdk.MbufBurst;
import ocelot.dpdk.Mempool;

/**
 * A traffic generator on DPDK in its own process, EAL and lcore: sends a {@link StreamSpec}
 * stream out of one port, receives on another (or the same), and reports offered and delivered
 * Mpps, loss, and latency percentiles from the transmit time stamped into each payload
 * ({@code System.nanoTime}, CLOCK_MONOTONIC: one clock for every process on the host, so the
 * device under test may be another process). Optionally an RFC 2544 style binary search for
 * the highest rate whose loss stays within a tolerance.
 *
 * <p>Ports are DPDK devices named on the command line: {@code --vdev net_memif0,role=client,socket=S}
 * (into a fastpath or testpmd memif port), {@code --vdev net_ring0} or a NIC with {@code --pci BDF}.
 * One output line per trial starts with {@code pktgen } and holds key=value figures; the
 * search's result line starts with {@code pktgen-search }. Run with no arguments for usage.
 */
public final class Pktgen {
    static final String USAGE = """
            usage: pktgen --vdev DEVARGS [--vdev DEVARGS] | --pci BDF   (the ports; DPDK device arguments)
                          [--tx-port NAME] [--rx-port NAME]        (default: the first device for both)
                          [--mode loop|tx|rx]                      (loop: send and receive back; default loop)
                          [--size N[,N...]] [--flows N] [--ipv6] [--proto udp|tcp]
                          [--src RANGE] [--dst RANGE] [--sport LO-HI] [--dport LO-HI]  (RANGE: A/len, A-B or A)
                          [--src-mac MAC] [--dst-mac MAC] [--rate MPPS|line] [--duration S] [--warmup S]
                          [--search LOSS [--trial S] [--iterations N]]   (zero-loss search: LOSS a fraction, 0 = none)
                          [--cdf FILE] [--lcore N] [--file-prefix P] [--burst N]
            """;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    final StreamSpec base;
    final DpdkPort tx, rx;
    final Mempool pool;
    final int burst;
    final MbufBurst txBurst, rxBurst;
    final LatencyHistogram latency = new LatencyHistogram();
    int trial;

    Pktgen(StreamSpec base, DpdkPort tx, DpdkPort rx, Mempool pool, int burst) {
        this.base = base;
        this.tx = tx;
        this.rx = rx;
        this.pool = pool;
        this.burst = burst;
        this.txBurst = new MbufBurst(burst);
        this.rxBurst = new MbufBurst(burst);
    }

    /** What one trial measured. */
    record Result(StreamSpec spec, double seconds, long sent, long txRefused, long received, long foreign,
                  double cpuSeconds, long p50, long p90, long p99, long p999, long max, double mean) {
        double offeredMpps() { return sent / seconds / 1e6; }
        double deliveredMpps() { return received / seconds / 1e6; }
        double loss() { return sent == 0 ? 0 : Math.max(0, (double) (sent - received) / sent); }

        /** One report line; a figure the mode does not measure (loss and latency when only sending) is "na". */
        String line(String mode) {
            boolean receiving = !mode.equals("tx"), sending = !mode.equals("rx");
            return String.format(Locale.ROOT, "pktgen mode=%s size=%d flows=%d ip=%d proto=%s rate=%s seconds=%.3f offered_mpps=%s"
                            + " delivered_mpps=%s sent=%d received=%d tx_refused_bursts=%d other_rx=%d loss=%s lat_p50_us=%s lat_p90_us=%s"
                            + " lat_p99_us=%s lat_p999_us=%s lat_max_us=%s lat_mean_us=%s cpu_s=%.3f",
                    mode, spec.frameSize(), spec.flows(), spec.ipv6() ? 6 : 4, spec.protocol() == StreamSpec.UDP ? "udp" : "tcp",
                    spec.rateMpps() == StreamSpec.LINE_RATE ? "line" : String.format(Locale.ROOT, "%.4f", spec.rateMpps()),
                    seconds, sending ? fmt(offeredMpps(), 4) : "na", receiving ? fmt(deliveredMpps(), 4) : "na", sent, received,
                    txRefused, foreign, receiving && sending ? fmt(loss(), 6) : "na", us(p50, receiving), us(p90, receiving),
                    us(p99, receiving), us(p999, receiving), us(max, receiving), receiving && mean >= 0 ? fmt(mean / 1e3, 2) : "na", cpuSeconds);
        }

        private static String fmt(double v, int digits) { return String.format(Locale.ROOT, "%." + digits + "f", v); }

        private static String us(long nanos, boolean measured) { return measured && nanos >= 0 ? fmt(nanos / 1e3, 2) : "na"; }
    }

    /**
     * Sends {@code spec} for {@code seconds} (when {@code send}) while receiving (when {@code receive}),
     * then keeps receiving for {@code drainMillis} so frames still in flight count as delivered.
     */
    Result run(StreamSpec spec, double seconds, boolean send, boolean receive, long drainMillis) {
        trial++;
        latency.clear();
        FrameWriter writer = new FrameWriter(spec);
        int length = writer.length();
        int flows = spec.flows();
        double nsPerPacket = spec.rateMpps() == StreamSpec.LINE_RATE ? 0 : 1e3 / effectiveRate(spec);
        long sent = 0, refused = 0, received = 0, foreign = 0;
        int flow = 0, sequence = 0, pending = burst; // pending: slots of txBurst already sent
        long cpu0 = CPU.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now = start;
        while (now < end) {
            if (pending < burst) {
                // the port took only part of the last burst: offer the rest again (as a NIC's
                // generator would wait for descriptors) instead of writing new frames
                int n = tx.txBurst(0, txBurst, pending, burst - pending);
                sent += n;
                pending += n;
                if (pending < burst) refused++;
            } else if (send && (nsPerPacket == 0 || (sent + burst) * nsPerPacket <= now - start)) {
                if (pool.allocate(txBurst, burst)) {
                    txBurst.refresh();
                    long stamp = System.nanoTime();
                    for (int i = 0; i < burst; i++) {
                        writer.write(txBurst.dataAddress(i), flow, trial, stamp, sequence++);
                        if (++flow == flows) flow = 0;
                        txBurst.setDataLength(i, length);
                    }
                    txBurst.applyLengths();
                    pending = tx.txBurst(0, txBurst, 0, burst);
                    sent += pending;
                    if (pending < burst) refused++;
                }
            }
            if (receive) {
                long[] r = receiveOnce();
                received += r[0];
                foreign += r[1];
            }
            now = System.nanoTime();
        }
        double wall = (now - start) / 1e9;
        if (pending < burst) txBurst.free(pending); // frames the port never took: not offered
        if (receive) {
            long drainEnd = System.nanoTime() + drainMillis * 1_000_000L;
            while (System.nanoTime() < drainEnd) {
                long[] r = receiveOnce();
                received += r[0];
                foreign += r[1];
            }
        }
        double cpu = (CPU.getCurrentThreadCpuTime() - cpu0) / 1e9;
        if (!send) { // a receive-only run counts every frame (testpmd's txonly frames carry no stamp)
            sent = 0;
            received += foreign;
            foreign = 0;
        }
        return new Result(spec, wall, sent, refused, received, foreign, cpu, latency.quantile(0.50), latency.quantile(0.90),
                latency.quantile(0.99), latency.quantile(0.999), latency.max(), latency.mean());
    }

    /** The rate to pace at: the spec's, capped at the NIC's line rate for the frame size when it reports a speed. */
    double effectiveRate(StreamSpec spec) {
        int mbps = tx.link().speedMbps();
        if (mbps <= 0 || tx.name().startsWith("net_")) return spec.rateMpps(); // a virtual device: no wire
        double line = mbps * 1e6 / ((spec.frameSize() + 20) * 8.0) / 1e6; // + preamble, SFD and gap
        return Math.min(spec.rateMpps(), line);
    }

    /** One rx burst: {this trial's stamped frames, other frames}; records their latency. */
    private long[] receiveOnce() {
        int n = rx.rxBurst(0, rxBurst);
        if (n == 0) return new long[] {0, 0};
        rxBurst.refresh();
        long now = System.nanoTime();
        long mine = 0;
        int expected = StreamSpec.MAGIC | (trial & 0xFF);
        for (int i = 0; i < n; i++) {
            long a = rxBurst.dataAddress(i);
            int len = rxBurst.dataLength(i);
            int off = payloadOffset(a, len);
            if (off < 0 || off + StreamSpec.PAYLOAD_STAMP > len || ALL.get(BE32, a + off) != expected) continue;
            long stamp = ((long) ALL.get(BE32, a + off + 4) << 32) | (ALL.get(BE32, a + off + 8) & 0xFFFF_FFFFL);
            latency.record(now - stamp);
            mine++;
        }
        rxBurst.freeAll();
        return new long[] {mine, n - mine};
    }

    /** Where the stamp sits in a received frame (the device under test may add IPv4 options), or -1. */
    static int payloadOffset(long a, int len) {
        if (len < 14 + 40) return -1;
        int type = ALL.get(BE16, a + 12) & 0xFFFF;
        int l4, proto;
        if (type == 0x0800) {
            l4 = 14 + (ALL.get(java.lang.foreign.ValueLayout.JAVA_BYTE, a + 14) & 0xF) * 4;
            proto = ALL.get(java.lang.foreign.ValueLayout.JAVA_BYTE, a + 23) & 0xFF;
        } else if (type == 0x86DD) {
            l4 = 14 + 40;
            proto = ALL.get(java.lang.foreign.ValueLayout.JAVA_BYTE, a + 20) & 0xFF;
        } else {
            return -1;
        }
        if (proto == StreamSpec.UDP) return l4 + 8;
        if (proto == StreamSpec.TCP && l4 + 13 < len) return l4 + ((ALL.get(java.lang.foreign.ValueLayout.JAVA_BYTE, a + l4 + 12) & 0xF0) >>> 2);
        return -1;
    }

    /**
     * RFC 2544 26.1 style: a trial at line rate; if its loss exceeds {@code tolerance}, binary
     * search between 0 and the rate that trial offered, {@code iterations} trials.
     */
    Result search(StreamSpec spec, double tolerance, double trialSeconds, int iterations, List<Result> trials) {
        Result first = run(spec.withRate(StreamSpec.LINE_RATE), trialSeconds, true, true, 200);
        trials.add(first);
        if (first.loss() <= tolerance) return first;
        double lo = 0, hi = first.offeredMpps();
        Result best = null;
        for (int i = 0; i < iterations; i++) {
            double mid = (lo + hi) / 2;
            Result r = run(spec.withRate(mid), trialSeconds, true, true, 200);
            trials.add(r);
            if (r.loss() <= tolerance) {
                lo = mid;
                best = r;
            } else {
                hi = mid;
            }
        }
        return best;
    }

    public static void main(String[] args) throws IOException {
        Map<String, List<String>> o = parse(args);
        if (o.containsKey("help") || (!o.containsKey("vdev") && !o.containsKey("pci"))) {
            System.err.print(USAGE);
            System.exit(o.containsKey("help") ? 0 : 2);
        }
        String prefix = one(o, "file-prefix", "ocelot-pktgen" + ProcessHandle.current().pid());
        List<String> eal = new ArrayList<>(List.of("pktgen", "--no-huge", "-m", one(o, "memory", "512"), "--file-prefix=" + prefix,
                "-l", one(o, "lcore", "0"), "--log-level", "lib.eal:error", "--no-telemetry"));
        List<String> devices = new ArrayList<>();
        for (String v : o.getOrDefault("vdev", List.of())) {
            eal.add("--vdev");
            eal.add(v);
            devices.add(v.split(",")[0]);
        }
        if (o.containsKey("pci")) {
            for (String bdf : o.get("pci")) {
                eal.add("-a");
                eal.add(bdf);
                devices.add(bdf);
            }
        } else {
            eal.add("--no-pci");
        }
        Path runtimeDir = Path.of("/var/run/dpdk", prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(runtimeDir), "pktgen-runtime-cleanup"));
        Eal.init(eal.toArray(String[]::new));

        String mode = one(o, "mode", "loop");
        if (!List.of("loop", "tx", "rx").contains(mode)) throw new IllegalArgumentException("--mode must be loop, tx or rx, got " + mode);
        boolean ipv6 = o.containsKey("ipv6");
        int proto = switch (one(o, "proto", "udp")) {
            case "udp" -> StreamSpec.UDP;
            case "tcp" -> StreamSpec.TCP;
            default -> throw new IllegalArgumentException("--proto must be udp or tcp, got " + one(o, "proto", ""));
        };
        String rate = one(o, "rate", "line");
        List<Integer> sizes = Stream.of(one(o, "size", "64").split(",")).map(s -> parseInt("--size", s)).toList();
        int burst = parseInt("--burst", one(o, "burst", "32"));
        double seconds = parseDouble("--duration", one(o, "duration", "5"));
        double warmup = parseDouble("--warmup", one(o, "warmup", "1"));
        int maxSize = sizes.stream().max(Comparator.naturalOrder()).orElse(64);
        try (Mempool pool = Mempool.create("pktgen", 16383, 256, Math.max(Mempool.DEFAULT_DATA_ROOM, maxSize + 128))) {
            DpdkPort.Config config = new DpdkPort.Config(1, 1, 1024, 1024, true);
            String txName = one(o, "tx-port", devices.getFirst());
            String rxName = one(o, "rx-port", txName);
            DpdkPort tx = openPort(txName, pool, config);
            DpdkPort rx = rxName.equals(txName) ? tx : openPort(rxName, pool, config);
            awaitLink(tx);
            if (rx != tx) awaitLink(rx);
            StreamSpec spec = new StreamSpec(sizes.getFirst(), parseInt("--flows", one(o, "flows", "1024")), ipv6, proto,
                    StreamSpec.parseMac(one(o, "src-mac", "02:00:00:00:00:01")), StreamSpec.parseMac(one(o, "dst-mac", "02:00:00:00:00:02")),
                    StreamSpec.Addresses.parse(one(o, "src", ipv6 ? "fd00:1::/112" : "10.1.0.0/16"), ipv6),
                    StreamSpec.Addresses.parse(one(o, "dst", ipv6 ? "fd00:2::1" : "10.2.0.1"), ipv6),
                    StreamSpec.parsePorts(one(o, "sport", "1024-65535")), StreamSpec.parsePorts(one(o, "dport", "7000")),
                    rate.equals("line") ? StreamSpec.LINE_RATE : parseDouble("--rate", rate));
            Pktgen gen = new Pktgen(spec, tx, rx, pool, burst);
            boolean send = !mode.equals("rx"), receive = !mode.equals("tx");
            System.out.println("pktgen-ports tx=" + tx.name() + " rx=" + rx.name() + " mode=" + mode + " eal-prefix=" + prefix);
            for (int size : sizes) {
                StreamSpec s = spec.withFrameSize(size);
                System.out.println("pktgen-stream " + s.describe());
                if (warmup > 0) gen.run(s, warmup, send, receive, 100); // JIT, the DUT's flow tables
                if (o.containsKey("search")) {
                    double tolerance = parseDouble("--search", one(o, "search", "0"));
                    List<Result> trials = new ArrayList<>();
                    Result best = gen.search(s, tolerance, parseDouble("--trial", one(o, "trial", "2")),
                            parseInt("--iterations", one(o, "iterations", "8")), trials);
                    for (Result t : trials) System.out.println(t.line("search-trial"));
                    System.out.printf(Locale.ROOT, "pktgen-search size=%d loss_tolerance=%s zero_loss_mpps=%.4f trials=%d%n", size,
                            one(o, "search", "0"), best == null ? 0.0 : best.offeredMpps(), trials.size());
                    if (best != null) System.out.println(best.line("zero-loss"));
                } else {
                    Result r = gen.run(s, seconds, send, receive, receive ? 200 : 0);
                    System.out.println(r.line(mode));
                }
                if (o.containsKey("cdf")) gen.latency.writeCdf(Path.of(one(o, "cdf", "")));
            }
            if (rx != tx) rx.close();
            tx.close();
        }
    }

    /**
     * Opens a port, trying its start again for a few seconds: a memif client whose server has
     * just seen another client leave can fail its first start while the server re-listens.
     */
    static DpdkPort openPort(String name, Mempool pool, DpdkPort.Config config) {
        ocelot.dpdk.DpdkException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                return DpdkPort.open(name, pool, config);
            } catch (ocelot.dpdk.DpdkException e) {
                last = e;
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IllegalStateException("port " + name + ": could not be started in 10 attempts (memif: is the server side up?)", last);
    }

    private static void awaitLink(DpdkPort port) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!port.link().up()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("port " + port.name() + ": link did not come up in 15 s (for memif: is the server side running on that socket?)");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + port.name());
            }
        }
    }

    static Map<String, List<String>> parse(String[] args) {
        Map<String, List<String>> o = new LinkedHashMap<>();
        List<String> flags = List.of("ipv6", "help");
        List<String> known = List.of("vdev", "pci", "tx-port", "rx-port", "mode", "size", "flows", "proto", "src", "dst", "sport",
                "dport", "src-mac", "dst-mac", "rate", "duration", "warmup", "search", "trial", "iterations", "cdf", "lcore",
                "file-prefix", "burst", "memory");
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("argument " + (i + 1) + " '" + args[i] + "': expected an --option\n" + USAGE);
            String key = args[i].substring(2);
            if (!flags.contains(key) && !known.contains(key)) throw new IllegalArgumentException("unknown option --" + key + "\n" + USAGE);
            if (flags.contains(key)) {
                o.put(key, List.of("true"));
                continue;
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException("--" + key + " needs a value\n" + USAGE);
            o.computeIfAbsent(key, k -> new ArrayList<>()).add(args[++i]);
        }
        return o;
    }

    private static String one(Map<String, List<String>> o, String key, String fallback) {
        List<String> v = o.get(key);
        return v == null ? fallback : v.getLast();
    }

    private static int parseInt(String what, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not an integer");
        }
    }

    private static double parseDouble(String what, String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a number");
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // best effort: the folder may never have been created
        }
    }
}
