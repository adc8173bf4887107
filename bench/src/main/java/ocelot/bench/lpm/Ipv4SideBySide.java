package ocelot.bench.lpm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import ocelot.lpm.Ipv4Dir24RouteTable;
import ocelot.lpm.Ipv4RouteTable;
import ocelot.lpm.Ipv4Routes;
import ocelot.lpm.workload.Ipv4RouteSet;
import ocelot.lpm.workload.Ipv4RouteSetGenerator;
import ocelot.lpm.workload.TraceFiles;

/**
 * bench/lpm/side-by-side.sh's IPv4 run: Ocelot's tables and DPDK's rte_lpm / rte_fib in ONE
 * process on the same route and trace arrays, lookups measured in alternating rounds (Ocelot
 * pass, rte_lpm pass, DIR-24-8 pass, rte_lpm_x4 pass, rte_fib pass, then again), so every
 * round's ratio compares passes a few hundred milliseconds apart under the same machine load.
 *
 * <ul>
 *   <li>adds/s: every route into an empty table, in the generator's (shuffled) order, per
 *       CPU-second of the writing thread; Ocelot's with a second thread looking up bursts the
 *       whole time, DPDK's alone;
 *   <li>lookups/s: PASSES passes over a 4M-address trace (half endpoint hits, half uniform) in
 *       bursts of 32 per round, ROUNDS rounds; median and best per table, and the median of
 *       the per-round Ocelot/rte_lpm ratios. Rates are per CPU-second of the measuring thread
 *       (both sides run on it: DPDK's passes are downcalls), so time the thread spends
 *       descheduled on a shared machine counts for neither; the wall-clock ratio is printed too;
 *   <li>bytes: the table's arrays (Java) or DPDK heap growth; checksum: the sum of one pass's
 *       answers (-1 for no route), which must be equal on every row.
 * </ul>
 *
 * <p>Usage: {@code Ipv4SideBySide DIR ROUTES[,ROUTES...] [ROUNDS] [PASSES] [calico|internet]}.
 * Also writes the route/trace files to DIR, for the standalone C harness lpm_side_by_side.c.
 */
public final class Ipv4SideBySide {
    static final int BURST = 32;
    static final int TRACE_ADDRESSES = 1 << 22;
    static final long SEED = 20261126L;
    /** -Docelot.lpm.skipRteLpm=true: no rte_lpm (its 1M build takes 10-60 minutes); ratios against rte_fib. */
    static final boolean SKIP_RTE_LPM = Boolean.getBoolean("ocelot.lpm.skipRteLpm");

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Ipv4SideBySide DIR ROUTES[,ROUTES...] [ROUNDS] [PASSES] [calico|internet]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        int passes = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        String shape = args.length > 4 ? args[4] : "calico";
        List<String> summary = new ArrayList<>();
        System.out.printf("| %-9s | %-12s | %13s | %11s | %11s | %11s | %-12s |%n",
                "routes", "table", "lookups/CPU-s", "(best)", "adds/CPU-s", "bytes", "checksum");
        System.out.println("|-----------|--------------|---------------|-------------|-------------|-------------|--------------|");
        for (String s : args[1].split(",")) {
            int target = Integer.parseInt(s.trim());
            Ipv4RouteSet routes = generate(shape, target);
            int[] trace = Ipv4RouteSetGenerator.trace(routes, TRACE_ADDRESSES, SEED + 1);
            routes.write(dir.resolve(shape + "-" + target + ".routes"));
            TraceFiles.writeIpv4(dir.resolve(shape + "-" + target + ".trace"), trace);
            summary.add(run(routes, trace, rounds, passes));
        }
        System.out.println();
        summary.forEach(System.out::println);
    }

    static Ipv4RouteSet generate(String shape, int routes) {
        return switch (shape) {
            // 64 endpoints + 1 block route per 65 routes, plus aggregates and a default
            case "calico" -> Ipv4RouteSetGenerator.calico((int) (routes * 64L / 65), SEED);
            case "internet" -> Ipv4RouteSetGenerator.internet(routes, SEED);
            default -> throw new IllegalArgumentException("shape " + shape + " is not calico or internet");
        };
    }

    /** One table's lookup pass, returning the checksum; plus what its build measured. */
    record Contestant(String name, PassFunction pass, double addsPerSecond, long bytes) {}

    interface PassFunction {
        long run();
    }

    /** Builds everything for one route set, alternates the lookup rounds, prints rows; returns the ratio line. */
    static String run(Ipv4RouteSet routes, int[] trace, int rounds, int passes) throws InterruptedException {
        int n = routes.size();
        System.err.printf("%d routes: building Ocelot's tables ...%n", n);
        Ipv4RouteTable trie = (Ipv4RouteTable) build(() -> new Ipv4RouteTable(routes.maxNextHops()), routes, trace);
        double trieAdds = lastAdds;
        Ipv4Dir24RouteTable dir24 = (Ipv4Dir24RouteTable) build(() -> new Ipv4Dir24RouteTable(routes.maxNextHops()), routes, trace);
        double dir24Adds = lastAdds;

        Arena arena = Arena.ofShared();
        MemorySegment prefixes = arena.allocate(4L * n, 64), lengths = arena.allocate(4L * n, 64), hops = arena.allocate(4L * n, 64);
        for (int i = 0; i < n; i++) {
            prefixes.setAtIndex(ValueLayout.JAVA_INT, i, routes.prefix(i));
            lengths.setAtIndex(ValueLayout.JAVA_INT, i, routes.length(i));
            hops.setAtIndex(ValueLayout.JAVA_INT, i, routes.nextHop(i));
        }
        MemorySegment addresses = arena.allocate(4L * trace.length, 64);
        MemorySegment.copy(trace, 0, addresses, ValueLayout.JAVA_INT, 0, trace.length);
        int tbl8s = tbl8Groups(routes);
        System.err.printf("%d routes: rte_fib ...%n", n);
        DpdkLpmReference fib = DpdkLpmReference.build(DpdkLpmReference.Kind.FIB, "ocelot_fib_" + n, prefixes, lengths, hops, n, tbl8s);
        DpdkLpmReference lpm = null;
        if (!SKIP_RTE_LPM) {
            System.err.printf("%d routes: rte_lpm (slow: its rule_add scans every rule of the same depth) ...%n", n);
            lpm = DpdkLpmReference.build(DpdkLpmReference.Kind.LPM, "ocelot_lpm_" + n, prefixes, lengths, hops, n, tbl8s);
        }

        int[] burst = new int[BURST];
        int[] answers = new int[BURST];
        Contestant rteFib = new Contestant("rte_fib", () -> fib.lookupPass(addresses, trace.length), n / (fib.buildNanos / 1e9), fib.bytes);
        List<Contestant> contestants = new ArrayList<>();
        contestants.add(new Contestant("ocelot", () -> javaPass(trie, trace, burst, answers), trieAdds, trie.memoryBytes()));
        if (lpm != null) {
            DpdkLpmReference l = lpm;
            contestants.add(new Contestant("rte_lpm", () -> l.lookupPass(addresses, trace.length), n / (l.buildNanos / 1e9), l.bytes));
        } else {
            contestants.add(rteFib); // the reference of the ratio, right after Ocelot's pass
        }
        contestants.add(new Contestant("ocelot_dir24", () -> javaPass(dir24, trace, burst, answers), dir24Adds, dir24.memoryBytes()));
        if (lpm != null) {
            DpdkLpmReference l = lpm;
            contestants.add(new Contestant("rte_lpm_x4", () -> l.lookupx4Pass(addresses, trace.length), n / (l.buildNanos / 1e9), l.bytes));
            contestants.add(rteFib);
        }
        String reference = contestants.get(1).name;

        for (Contestant c : contestants) for (int w = 0; w < 3; w++) c.pass.run(); // JIT and caches warm
        double[][] rates = new double[contestants.size()][rounds];
        long[] checksums = new long[contestants.size()];
        double[] ratios = new double[rounds];
        double[] wallRatios = new double[rounds];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int r = 0; r < rounds; r++) {
            StringBuilder line = new StringBuilder(String.format("%d routes, round %d/%d:", n, r + 1, rounds));
            double[] wall = new double[2];
            for (int c = 0; c < contestants.size(); c++) {
                long cpu0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                long sum = 0;
                for (int p = 0; p < passes; p++) sum = contestants.get(c).pass.run();
                long wallNs = System.nanoTime() - t0;
                long lookups = (long) passes * (trace.length / BURST * BURST);
                rates[c][r] = lookups / ((threads.getCurrentThreadCpuTime() - cpu0) / 1e9);
                if (c < 2) wall[c] = lookups / (wallNs / 1e9);
                checksums[c] = sum;
                line.append(String.format(" %s %.1fM", contestants.get(c).name, rates[c][r] / 1e6));
            }
            ratios[r] = rates[0][r] / rates[1][r];
            wallRatios[r] = wall[0] / wall[1];
            System.err.println(line.append(String.format(" | ocelot/%s %.2f (wall clock %.2f)", reference, ratios[r], wallRatios[r])));
        }
        for (int c = 0; c < contestants.size(); c++) {
            Contestant k = contestants.get(c);
            String checksum = checksums[c] == checksums[0] ? Long.toString(checksums[c]) : checksums[c] + " DIFFERS";
            System.out.printf("| %-9d | %-12s | %13.0f | %11.0f | %11.0f | %11d | %-12s |%n",
                    n, k.name, median(rates[c]), max(rates[c]), k.addsPerSecond, k.bytes, checksum);
        }
        boolean equal = true;
        for (long c : checksums) equal &= c == checksums[0];
        if (lpm != null) lpm.free();
        fib.free();
        arena.close();
        StringBuilder perRound = new StringBuilder();
        for (double r : ratios) perRound.append(String.format(" %.2f", r));
        return String.format("%d routes: lookups Ocelot/%s %.2fx median of %d alternating rounds (per round:%s; wall clock %.2fx; target >= 1.0)"
                        + " | adds Ocelot/rte_fib %.2fx (target >= 1.5) | bytes Ocelot/%s %.3f (target <= 1.0) | checksums %s",
                n, reference, median(ratios), rounds, perRound, median(wallRatios), contestants.get(0).addsPerSecond / rteFib.addsPerSecond,
                reference, (double) contestants.get(0).bytes / contestants.get(1).bytes, equal ? "equal" : "DIFFERENT");
    }

    private static double lastAdds;

    /**
     * Builds a table from the route set with a reader thread looking up bursts the whole time
     * (after a throwaway build that warms the JIT); records adds/s in lastAdds.
     */
    static Ipv4Routes build(Supplier<Ipv4Routes> factory, Ipv4RouteSet routes, int[] trace) throws InterruptedException {
        Ipv4Routes warm = factory.get();
        routes.insertInto(warm);
        javaPass(warm, trace, new int[BURST], new int[BURST]);

        Ipv4Routes table = factory.get();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong concurrentLookups = new AtomicLong();
        Thread reader = Thread.ofPlatform().name("lpm-reader").start(() -> {
            int[] hops = new int[BURST];
            int[] burst = new int[BURST];
            long done = 0;
            while (!stop.get()) {
                for (int i = 0; i + BURST <= trace.length && !stop.get(); i += BURST) {
                    System.arraycopy(trace, i, burst, 0, BURST);
                    table.lookupBatch(burst, hops, BURST);
                    done += BURST;
                }
            }
            concurrentLookups.set(done);
        });
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        routes.insertInto(table);
        long buildCpuNs = threads.getCurrentThreadCpuTime() - cpu0;
        long buildNs = System.nanoTime() - t0;
        stop.set(true);
        reader.join();
        lastAdds = routes.size() / (buildCpuNs / 1e9);
        System.err.printf("  %s: %.0f adds/CPU-s (%.0f/s wall clock) with %.0f concurrent lookups/s%n",
                table.getClass().getSimpleName(), lastAdds, routes.size() / (buildNs / 1e9), concurrentLookups.get() / (buildNs / 1e9));
        return table;
    }

    /** One pass of the trace in bursts of 32; the sum of the answers (NO_ROUTE = -1). */
    static long javaPass(Ipv4Routes table, int[] trace, int[] burst, int[] hops) {
        long sum = 0;
        for (int i = 0; i + BURST <= trace.length; i += BURST) {
            System.arraycopy(trace, i, burst, 0, BURST);
            table.lookupBatch(burst, hops, BURST);
            for (int j = 0; j < BURST; j++) sum += hops[j];
        }
        return sum;
    }

    /** rte_lpm / rte_fib need one tbl8 group per /24 that holds a longer route. */
    static int tbl8Groups(Ipv4RouteSet routes) {
        java.util.BitSet seen = new java.util.BitSet(1 << 24);
        for (int i = 0; i < routes.size(); i++) if (routes.length(i) > 24) seen.set(routes.prefix(i) >>> 8);
        return seen.cardinality();
    }

    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double max(double[] values) {
        double m = 0;
        for (double v : values) m = Math.max(m, v);
        return m;
    }

    private Ipv4SideBySide() {}
}
