package ocelot.bench.lpm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import ocelot.lpm.Ipv4Dir24RouteTable;
import ocelot.lpm.Ipv4RouteTable;
import ocelot.lpm.Ipv4Routes;
import ocelot.lpm.workload.Ipv4RouteSet;
import ocelot.lpm.workload.Ipv4RouteSetGenerator;
import ocelot.lpm.workload.TraceFiles;

/**
 * Ocelot's half of bench/lpm/side-by-side.sh: writes the Calico-like route and trace files the
 * C harness (bench/lpm/lpm_side_by_side.c) reads, and measures {@link Ipv4RouteTable} exactly
 * as that harness measures rte_lpm and rte_fib: adds/s of the whole file into an empty table
 * (here with a second thread looking up the trace the whole time), lookups/s of the trace in
 * bursts of 32 (best of 5 rounds of PASSES passes), bytes, and the checksum of the answers.
 *
 * <p>Usage: {@code Ipv4SideBySide DIR ROUTES[,ROUTES...] [PASSES] [SHAPE]}, SHAPE = calico
 * (default) or internet. Prints "ocelot routes lookups_per_s adds_per_s bytes checksum
 * concurrent_lookups_per_s" for Ocelot's table and the same for "ocelot_dir24", the DIR-24-8
 * variant it was chosen over.
 */
public final class Ipv4SideBySide {
    static final int BURST = 32;
    static final int ROUNDS = 5;
    static final int TRACE_ADDRESSES = 1 << 22;
    static final long SEED = 20261126L;

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Ipv4SideBySide DIR ROUTES[,ROUTES...] [PASSES] [calico|internet]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        String shape = args.length > 3 ? args[3] : "calico";
        for (String s : args[1].split(",")) {
            int target = Integer.parseInt(s.trim());
            Ipv4RouteSet routes = generate(shape, target);
            int[] trace = Ipv4RouteSetGenerator.trace(routes, TRACE_ADDRESSES, SEED + 1);
            routes.write(dir.resolve(shape + "-" + target + ".routes"));
            TraceFiles.writeIpv4(dir.resolve(shape + "-" + target + ".trace"), trace);
            measure("ocelot", () -> new Ipv4RouteTable(routes.maxNextHops()), routes, trace, passes);
            measure("ocelot_dir24", () -> new Ipv4Dir24RouteTable(routes.maxNextHops()), routes, trace, passes);
        }
    }

    static Ipv4RouteSet generate(String shape, int routes) {
        return switch (shape) {
            // 64 endpoints + 1 block route per 65 routes, plus aggregates and a default
            case "calico" -> Ipv4RouteSetGenerator.calico((int) (routes * 64L / 65), SEED);
            case "internet" -> Ipv4RouteSetGenerator.internet(routes, SEED);
            default -> throw new IllegalArgumentException("shape " + shape + " is not calico or internet");
        };
    }

    static void measure(String name, java.util.function.Supplier<Ipv4Routes> factory, Ipv4RouteSet routes,
                        int[] trace, int passes) throws InterruptedException {
        // Warm the JIT on a throwaway table first: the timed build must not pay for compilation.
        Ipv4Routes warm = factory.get();
        routes.insertInto(warm);
        lookupRate(warm, trace, 1);
        warm = null;

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
        long t0 = System.nanoTime();
        routes.insertInto(table);
        long buildNs = System.nanoTime() - t0;
        stop.set(true);
        reader.join();
        double adds = routes.size() / (buildNs / 1e9);
        double concurrent = concurrentLookups.get() / (buildNs / 1e9);

        double best = 0;
        long checksum = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            checksum = lookupRate(table, trace, passes);
            double rate = (double) passes * (trace.length / BURST * BURST) / ((System.nanoTime() - start) / 1e9);
            best = Math.max(best, rate);
        }
        long bytes = table instanceof Ipv4RouteTable t ? t.memoryBytes() : ((Ipv4Dir24RouteTable) table).memoryBytes();
        System.out.printf("%s %d %.0f %.0f %d %d %.0f%n", name, routes.size(), best, adds, bytes, checksum / passes, concurrent);
    }

    /** Looks the trace up in bursts of 32; returns the sum of the answers (NO_ROUTE = -1). */
    static long lookupRate(Ipv4Routes table, int[] trace, int passes) {
        int[] burst = new int[BURST];
        int[] hops = new int[BURST];
        long sum = 0;
        for (int p = 0; p < passes; p++) {
            for (int i = 0; i + BURST <= trace.length; i += BURST) {
                System.arraycopy(trace, i, burst, 0, BURST);
                table.lookupBatch(burst, hops, BURST);
                for (int j = 0; j < BURST; j++) sum += hops[j];
            }
        }
        return sum;
    }

    private Ipv4SideBySide() {}

}
