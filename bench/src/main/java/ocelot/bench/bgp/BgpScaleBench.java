package ocelot.bench.bgp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The BGP scale benchmark, Ocelot and BIRD 2 side by side in one run on loopback addresses:
 * <ol type="a">
 * <li>transit: one peer sends N IPv4 /32s (default 1M) through the device to a second peer;
 *     time from the first UPDATE byte until the receiver holds all N;</li>
 * <li>reflector: C clients (default 200) x R /32s (default 100); time from the clients'
 *     first UPDATE until every client holds the other (C-1) x R routes.</li>
 * </ol>
 * Each round starts a fresh device process; memory is its peak RSS (VmHWM). The same Java test
 * peers drive both devices. Output: per-round times, medians and the Ocelot/BIRD ratio.
 * Usage: {@code BgpScaleBench [rounds] [transitPrefixes] [rrClients] [rrRoutesPerClient] [transit|reflector|both]}.
 */
public final class BgpScaleBench {
    static final String DUT = "127.9.0.1";
    static final String FEEDER = "127.9.0.2";
    static final String RECEIVER = "127.9.0.3";
    static final String CLIENT_PREFIX = "127.9.1.";
    static final String RR_NEXT_HOP_PREFIX = "192.0.2.";
    static final int TRANSIT_BASE = 0x0b000000; // 11.0.0.0
    static final int RR_BASE = 0x0c000000;      // 12.0.0.0
    static final int RR_STRIDE = 128;

    /** Wall time, the device's CPU time (all its threads, user + system) over the same span, its peak RSS. */
    record Result(double seconds, double cpuSeconds, long peakRssKiB) {
    }

    interface Device extends AutoCloseable {
        long pid();

        @Override
        void close();
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int prefixes = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        int perClient = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        String only = args.length > 4 ? args[4] : "both";
        if (clients > 250 || perClient > RR_STRIDE) throw new IllegalArgumentException("at most 250 clients and 128 routes each");
        System.out.printf("BGP scale benchmark: %d rounds, transit %,d prefixes, reflector %d clients x %d routes%n",
                rounds, prefixes, clients, perClient);
        // OCELOT_DUT_VARIANTS="flags;flags": several speaker JVM settings, alternated in the same rounds;
        // {flags} stands for DUT_JVM_FLAGS, {aot} for the AOT cache run.sh built (OCELOT_DUT_AOT_CACHE).
        String aotCache = System.getenv("OCELOT_DUT_AOT_CACHE");
        String aot = aotCache == null || aotCache.isBlank() ? "" : "-XX:AOTCache=" + aotCache;
        String v = System.getenv("OCELOT_DUT_VARIANTS");
        boolean aotForAll = "on".equals(System.getenv("OCELOT_AOT"));
        List<String> variants = v == null || v.isBlank() ? List.of(DUT_JVM_FLAGS + (aotForAll ? " " + aot : ""))
                : Arrays.stream(v.split(";")).map(f -> f.replace("{flags}", DUT_JVM_FLAGS).replace("{aot}", aot)).toList();
        System.out.printf("Ocelot speaker JVM flags: %s%n", String.join(" | ", variants));
        List<List<Result>> oT = new ArrayList<>(), oW = new ArrayList<>(), oR = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            oT.add(new ArrayList<>());
            oW.add(new ArrayList<>());
            oR.add(new ArrayList<>());
        }
        List<Result> bT = new ArrayList<>(), bW = new ArrayList<>(), bR = new ArrayList<>(), fR = new ArrayList<>();
        // OCELOT_BENCH_FRR=off leaves FRR's reflector out (it is there for the reflector CPU comparison).
        boolean frr = !"off".equals(System.getenv("OCELOT_BENCH_FRR")) && Files.isExecutable(Path.of(FRR_BGPD));
        for (int r = 1; r <= rounds; r++) {
            // Interleaved so drift on the shared machine hits both alike.
            if (!only.equals("reflector")) {
                for (int i = 0; i < variants.size(); i++) {
                    Result[] t = transit(variants.get(i), prefixes);
                    oT.get(i).add(report("ocelot" + (variants.size() > 1 ? "#" + i : ""), "transit", r, t[0]));
                    oW.get(i).add(report("ocelot" + (variants.size() > 1 ? "#" + i : ""), "withdraw", r, t[1]));
                }
                Result[] t = transit(null, prefixes);
                bT.add(report("bird2 ", "transit", r, t[0]));
                bW.add(report("bird2 ", "withdraw", r, t[1]));
            }
            if (!only.equals("transit")) {
                for (int i = 0; i < variants.size(); i++) {
                    oR.get(i).add(report("ocelot" + (variants.size() > 1 ? "#" + i : ""), "reflector", r, reflector(variants.get(i), clients, perClient)));
                }
                bR.add(report("bird2 ", "reflector", r, reflector(null, clients, perClient)));
                if (frr) fR.add(report("frr   ", "reflector", r, reflector(FRR, clients, perClient)));
            }
        }
        for (int i = 0; i < variants.size(); i++) {
            String tag = variants.size() > 1 ? " [#" + i + ": " + variants.get(i).strip() + "]" : "";
            if (!bT.isEmpty()) summary("transit " + prefixes + tag, oT.get(i), bT, "bird2");
            if (!bW.isEmpty()) summary("withdraw " + prefixes + tag, oW.get(i), bW, "bird2");
            if (!bR.isEmpty()) summary("reflector " + clients + "x" + perClient + tag, oR.get(i), bR, "bird2");
            if (!fR.isEmpty()) summary("reflector " + clients + "x" + perClient + tag, oR.get(i), fR, "frr");
        }
    }

    /**
     * The speaker JVM's settings: the node's own, read from bin/node-jvm-flags (what
     * {@code ocelotctl node run} starts with), so the benchmark measures what runs in production.
     * Chosen by measurement (bgp/docs/memory.md,
     * OCELOT_DUT_VARIANTS runs): ParallelGC with a young generation (320 MiB) that holds a
     * full-table load's allocation, so the routes are not copied by young GC while they load;
     * compact object headers (JEP 519); C2, which the node's fastpath needs. Measured
     * alternatives not adopted (SerialGC -Xmn16m: ~35 MiB less peak RSS, 10-35% more withdraw
     * CPU; later C2 thresholds: less reflector CPU, slower fastpath) in bench/results/2026-12-08-bgp.md.
     */
    static final String DUT_JVM_FLAGS = nodeJvmFlags();

    static String nodeJvmFlags() {
        Path file = Path.of(System.getProperty("ocelot.home", "."), "bin", "node-jvm-flags");
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalStateException("bench/bgp: cannot read the node's JVM flags from " + file.toAbsolutePath()
                    + " (run from the repository root, or set -Docelot.home): " + e.getMessage(), e);
        }
    }

    static Result report(String dut, String what, int round, Result r) {
        System.out.printf(Locale.ROOT, "  round %d %s %-9s %8.3f s  CPU %6.3f s  peak RSS %,8d KiB%n", round, dut, what, r.seconds,
                r.cpuSeconds, r.peakRssKiB);
        return r;
    }

    /** The peak RSS of a withdraw round is the process's VmHWM at its end: the peak over announce and withdraw. */
    static void summary(String what, List<Result> ocelot, List<Result> bird, String other) {
        double o = median(ocelot.stream().mapToDouble(Result::seconds).toArray());
        double b = median(bird.stream().mapToDouble(Result::seconds).toArray());
        double oc = median(ocelot.stream().mapToDouble(Result::cpuSeconds).toArray());
        double bc = median(bird.stream().mapToDouble(Result::cpuSeconds).toArray());
        long om = ocelot.stream().mapToLong(Result::peakRssKiB).max().orElse(0);
        long bm = bird.stream().mapToLong(Result::peakRssKiB).max().orElse(0);
        System.out.printf(Locale.ROOT, "%-22s median ocelot %.3f s, %s %.3f s, ratio ocelot/%s = %.2fx (target <= 1.0x); "
                + "peak RSS ocelot %,d KiB, %s %,d KiB, ratio %.2fx%n", what, o, other, b, other, o / b, om, other, bm, om / (double) bm);
        // CPU time is what a saturated machine hands out; it drifts far less with the load than wall time.
        System.out.printf(Locale.ROOT, "%-22s median device CPU ocelot %.3f s, %s %.3f s, ratio %.2fx%n", what, oc, other, bc, oc / bc);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * {@code ocelotFlags} null: BIRD 2 is the device. Two phases: the announce (until the receiver
     * holds all N), then the feeder withdraws all N (until the receiver saw every one withdrawn);
     * each with its wall and device CPU time and the device's peak RSS so far.
     */
    static Result[] transit(String ocelotFlags, int prefixes) throws Exception {
        boolean ocelot = ocelotFlags != null;
        int port = freePort();
        byte[] updates = UpdateBuilder.announce(TRANSIT_BASE, prefixes, new long[]{65001}, InetAddress.getByName(FEEDER), false);
        byte[] withdrawals = UpdateBuilder.withdraw(TRANSIT_BASE, prefixes);
        try (Device d = ocelot ? ocelot(ocelotFlags, port, "transit", FEEDER, RECEIVER) : bird(port, birdTransit(port))) {
            try (TestPeer receiver = new TestPeer(RECEIVER, DUT, port, 65002, TRANSIT_BASE, prefixes, 0, 0);
                 TestPeer feeder = new TestPeer(FEEDER, DUT, port, 65001, 0, 1, 0, 0)) {
                receiver.establish();
                feeder.establish();
                java.util.Map<String, Double> threads0 = threadCpuByName(d.pid());
                long c0 = cpuTicks(d.pid());
                long t0 = System.nanoTime();
                feeder.send(updates);
                waitUntil(() -> receiver.distinct.get() >= prefixes, 600, () -> "receiver has " + receiver.distinct.get());
                long t1 = System.nanoTime();
                long c1 = cpuTicks(d.pid());
                Result announce = new Result((t1 - t0) / 1e9, (c1 - c0) / TICKS_PER_SECOND, peakRss(d.pid()));
                feeder.send(withdrawals);
                waitUntil(() -> receiver.withdrawn.get() >= prefixes, 600, () -> "receiver saw " + receiver.withdrawn.get() + " withdrawn");
                long t2 = System.nanoTime();
                if (System.getenv("OCELOT_BENCH_THREADS") != null) {
                    System.out.println("    device threads (CPU s since start): " + threadCpu(d.pid()) + "; announce + withdraw: " + threadCpuSince(d.pid(), threads0));
                }
                if (ocelot) jvmMemory(d.pid());
                return new Result[]{announce, new Result((t2 - t1) / 1e9, (cpuTicks(d.pid()) - c1) / TICKS_PER_SECOND, peakRss(d.pid()))};
            }
        }
    }

    /** OCELOT_BENCH_THREADS=1: the device's CPU per thread name inside the measured span (JIT, GC, event loop). */
    static String threadCpuSince(long pid, java.util.Map<String, Double> before) throws IOException {
        java.util.Map<String, Double> now = threadCpuByName(pid);
        java.util.Map<String, Double> delta = new java.util.TreeMap<>();
        now.forEach((k, v) -> delta.put(k, Math.round((v - before.getOrDefault(k, 0.0)) * 100) / 100.0));
        delta.values().removeIf(v -> v < 0.01);
        return delta.toString();
    }

    static java.util.Map<String, Double> threadCpuByName(long pid) throws IOException {
        java.util.Map<String, Double> byName = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : tasks.toList()) {
                String stat = Files.readString(t.resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+$", "#");
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                byName.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND, Double::sum);
            }
        }
        return byName;
    }

    /** OCELOT_BENCH_THREADS=1: where the device's CPU went since it started, per thread name (JIT, GC, event loop). */
    static String threadCpu(long pid) throws IOException {
        java.util.Map<String, Double> byName = threadCpuByName(pid);
        byName.values().removeIf(v -> v < 0.05);
        return byName.toString();
    }

    /**
     * OCELOT_BENCH_JCMD="VM.native_memory summary;GC.heap_info": where the device JVM's memory is
     * at the end of a round (the NMT command needs -XX:NativeMemoryTracking=summary in
     * OCELOT_DUT_JVM_ARGS), and its RSS by kind (anonymous, file, shared) from /proc.
     */
    static void jvmMemory(long pid) throws IOException, InterruptedException {
        String commands = System.getenv("OCELOT_BENCH_JCMD");
        if (commands == null || commands.isBlank()) return;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Vm") || line.startsWith("Rss")) System.out.println("    " + line);
        }
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        for (String c : commands.split(";")) {
            List<String> cmd = new ArrayList<>(List.of(jcmd, Long.toString(pid)));
            cmd.addAll(List.of(c.trim().split("\\s+")));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            System.out.println("    jcmd " + c.trim() + ":\n" + out.indent(6));
        }
    }

    /** {@code device}: Ocelot's JVM flags, null for BIRD 2, {@link #FRR} for FRR's bgpd. */
    static Result reflector(String device, int clients, int perClient) throws Exception {
        int port = freePort();
        int expected = (clients - 1) * perClient;
        try (Device d = device == null ? bird(port, birdReflector(port, clients))
                : device == FRR ? frr(port, frrReflector(clients))
                : ocelot(device, port, "rr", CLIENT_PREFIX, String.valueOf(clients))) {
            List<TestPeer> peers = new ArrayList<>();
            try {
                for (int c = 0; c < clients; c++) {
                    peers.add(new TestPeer(CLIENT_PREFIX + (c + 1), DUT, port, 64512, RR_BASE, clients * RR_STRIDE,
                            c * RR_STRIDE, c * RR_STRIDE + perClient));
                }
                for (TestPeer p : peers) p.establish();
                byte[][] updates = new byte[clients][];
                for (int c = 0; c < clients; c++) {
                    // Next hops in TEST-NET-1, not the clients' 127/8 addresses: FRR resets a session
                    // whose NEXT_HOP is in 127/8 ("martian", no knob); BIRD resolves 192.0.2/24 via lo.
                    updates[c] = UpdateBuilder.announce(RR_BASE + c * RR_STRIDE, perClient, new long[0],
                            InetAddress.getByName(RR_NEXT_HOP_PREFIX + (c + 1)), true);
                }
                java.util.Map<String, Double> threads0 = threadCpuByName(d.pid());
                long c0 = cpuTicks(d.pid());
                long t0 = System.nanoTime();
                for (int c = 0; c < clients; c++) peers.get(c).send(updates[c]);
                waitUntil(() -> peers.stream().allMatch(p -> p.distinct.get() >= expected), 600,
                        () -> "slowest client has " + peers.stream().mapToInt(p -> p.distinct.get()).min().orElse(0) + " of " + expected);
                long t1 = System.nanoTime();
                if (System.getenv("OCELOT_BENCH_THREADS") != null) {
                    System.out.println("    device threads (CPU s since start): " + threadCpu(d.pid()) + "; in the span: " + threadCpuSince(d.pid(), threads0));
                }
                if (device != null && device != FRR) jvmMemory(d.pid());
                return new Result((t1 - t0) / 1e9, (cpuTicks(d.pid()) - c0) / TICKS_PER_SECOND, peakRss(d.pid()));
            } finally {
                for (TestPeer p : peers) p.close();
            }
        }
    }

    interface Check {
        boolean ok();
    }

    static void waitUntil(Check c, int timeoutSeconds, java.util.function.Supplier<String> state) throws InterruptedException {
        long end = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (!c.ok()) {
            if (System.nanoTime() > end) throw new IllegalStateException("timed out: " + state.get());
            Thread.sleep(1);
        }
    }

    static Device ocelot(String flags, int port, String mode, String a, String b) throws IOException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(List.of(flags.strip().split("\\s+")));
        String extra = System.getenv("OCELOT_DUT_JVM_ARGS"); // e.g. a JFR recording while tuning
        if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.trim().split("\\s+")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), OcelotDut.class.getName(), mode, DUT, String.valueOf(port), a, b));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()));
        String line;
        while ((line = r.readLine()) != null && !line.equals("READY")) {
            // skip
        }
        if (line == null) throw new IllegalStateException("Ocelot DUT exited before READY");
        return new Device() {
            public long pid() { return p.pid(); }

            public void close() {
                try {
                    p.getOutputStream().close();
                    // 60 s: a training run writes its AOT cache at exit (a child JVM assembles it).
                    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
                } catch (IOException | InterruptedException e) {
                    p.destroyForcibly();
                }
            }
        };
    }

    static Device bird(int port, String config) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("ocelot-bench-bird-");
        Path cfg = dir.resolve("bird.conf");
        Files.writeString(cfg, config);
        Path sock = dir.resolve("bird.ctl");
        Process p = new ProcessBuilder("/usr/sbin/bird", "-c", cfg.toString(), "-s", sock.toString(), "-P",
                dir.resolve("bird.pid").toString(), "-f").redirectErrorStream(true).redirectOutput(dir.resolve("bird.log").toFile()).start();
        long end = System.nanoTime() + 20_000_000_000L;
        while (!Files.exists(sock)) {
            if (!p.isAlive() || System.nanoTime() > end) throw new IllegalStateException("BIRD did not start: " + Files.readString(dir.resolve("bird.log")));
            Thread.sleep(10);
        }
        return new Device() {
            public long pid() { return p.pid(); }

            public void close() {
                p.destroy();
                try {
                    if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
                    try (var s = Files.walk(dir)) {
                        s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    }
                } catch (IOException | InterruptedException e) {
                    p.destroyForcibly();
                }
            }
        };
    }

    /** Marks FRR as the reflector device. */
    static final String FRR = new String("frr");
    static final String FRR_BGPD = "/usr/lib/frr/bgpd";

    /**
     * FRR's bgpd standalone, as the interop tests run it (-Z -n -S: no zebra, no kernel, no
     * privilege switch; -P 0: vty on a unix socket in a temp dir only), listening on the DUT address.
     */
    static Device frr(int port, String config) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("ocelot-bench-frr-");
        Path cfg = dir.resolve("bgpd.conf");
        Files.writeString(cfg, config);
        Process p = new ProcessBuilder(FRR_BGPD, "-f", cfg.toString(), "-i", dir.resolve("bgpd.pid").toString(),
                "--vty_socket", dir.toString(), "-Z", "-n", "-S", "-l", DUT, "-p", Integer.toString(port), "-P", "0")
                .redirectErrorStream(true).redirectOutput(dir.resolve("bgpd.log").toFile()).start();
        long end = System.nanoTime() + 20_000_000_000L;
        while (!Files.exists(dir.resolve("bgpd.vty"))) {
            if (!p.isAlive() || System.nanoTime() > end) throw new IllegalStateException("bgpd did not start: " + Files.readString(dir.resolve("bgpd.log")));
            Thread.sleep(10);
        }
        return new Device() {
            public long pid() { return p.pid(); }

            public void close() {
                p.destroyForcibly();
                try {
                    p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
                    try (var s = Files.walk(dir)) {
                        s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    }
                } catch (IOException | InterruptedException e) {
                    p.destroyForcibly();
                }
            }
        };
    }

    /** FRR reflecting between {@code clients} passive iBGP clients in one peer group (one update group). */
    static String frrReflector(int clients) {
        StringBuilder sb = new StringBuilder("""
                router bgp 64512
                 bgp router-id %s
                 bgp cluster-id 10.255.255.1
                 no bgp ebgp-requires-policy
                 no bgp default ipv4-unicast
                 neighbor rr peer-group
                 neighbor rr remote-as 64512
                 neighbor rr passive
                 neighbor rr timers 0 0
                 address-family ipv4 unicast
                  neighbor rr activate
                  neighbor rr route-reflector-client
                 exit-address-family
                """.formatted(DUT));
        // Members after the group's address family: bgpd listens while it still reads its config, and
        // a client that connected between its neighbor line and a later "activate" was refused
        // ("No AFI/SAFI activated for peer") and never came back (the benchmark's peers do not redial).
        for (int c = 1; c <= clients; c++) sb.append(" neighbor ").append(CLIENT_PREFIX).append(c).append(" peer-group rr\n");
        return sb.toString();
    }

    /** Next hops of the test peers resolve through a device route on lo, so BIRD treats the routes as reachable. */
    static final String BIRD_COMMON = """
            router id %s;
            protocol device { }
            protocol static lo4 { ipv4; route 127.9.0.0/16 via "lo"; route 192.0.2.0/24 via "lo"; }
            """;

    static String birdTransit(int port) {
        return BIRD_COMMON.formatted(DUT) + """
                protocol bgp feeder {
                  local %1$s port %2$d as 65000; neighbor %3$s as 65001; passive; multihop;
                  ipv4 { import all; export none; };
                }
                protocol bgp receiver {
                  local %1$s port %2$d as 65000; neighbor %4$s as 65002; passive; multihop;
                  ipv4 { import none; export filter { if source = RTS_BGP then accept; reject; }; next hop self; };
                }
                """.formatted(DUT, port, FEEDER, RECEIVER);
    }

    static String birdReflector(int port, int clients) {
        StringBuilder sb = new StringBuilder(BIRD_COMMON.formatted(DUT));
        for (int c = 1; c <= clients; c++) {
            sb.append("""
                    protocol bgp c%d {
                      local %s port %d as 64512; neighbor %s%d as 64512; passive; rr client; rr cluster id 10.255.255.1;
                      ipv4 { import all; export filter { if source = RTS_BGP then accept; reject; }; };
                    }
                    """.formatted(c, DUT, port, CLIENT_PREFIX, c));
        }
        return sb.toString();
    }

    /** USER_HZ: Linux reports /proc times in 1/100 s on every architecture the JDK runs on here. */
    static final double TICKS_PER_SECOND = 100.0;

    /** utime + stime of the whole process (every thread), proc(5) fields 14 and 15. */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14, 15 counted from 3
    }

    static long peakRss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }

    static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket()) {
            s.bind(new java.net.InetSocketAddress(InetAddress.getByName(DUT), 0));
            return s.getLocalPort();
        }
    }
}
