package ocelot.bench.acl;

import java.nio.file.Path;
import java.util.List;
import ocelot.acl.ClassBenchReader;
import ocelot.acl.ClassifierSnapshot;
import ocelot.acl.HeaderBatch;
import ocelot.acl.Rule;
import ocelot.acl.TupleMergeClassifier;

/**
 * Ocelot side of bench/acl/side-by-side.sh; prints the same line shape as rte_acl_bench.c:
 * {@code ocelot <set> TupleMerge <classifications/s> <build ms> <update ms> <memory bytes> <checksum>}.
 * Classification runs the trace in bursts of 64, as the C program does. The update time is the
 * mean of removing a rule and inserting it back (each is one update), at 100 positions across the
 * list, after 1000 warm-up updates.
 */
public final class AclSideBySide {
    private AclSideBySide() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: AclSideBySide SETNAME RULES TRACE [SECONDS]");
            System.exit(2);
        }
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 1.0;
        List<Rule> rules = ClassBenchReader.readRules(Path.of(args[1]));
        ClassBenchReader.Trace trace = ClassBenchReader.readTrace(Path.of(args[2]));
        int n = trace.count();

        // Build: best of 5 after two warm-up builds (the JIT compiles the builder first); of 2
        // after one at 100k rules, where one build is long enough to be compiled code.
        double buildMs = Double.MAX_VALUE;
        TupleMergeClassifier c = null;
        int builds = rules.size() > 50_000 ? 3 : 7, warmUp = builds == 7 ? 2 : 1;
        for (int i = 0; i < builds; i++) {
            long t0 = now();
            c = new TupleMergeClassifier(rules);
            double ms = (now() - t0) / 1e6;
            if (i >= warmUp) buildMs = Math.min(buildMs, ms);
        }

        HeaderBatch all = trace.headers();
        int bursts = (n + 63) / 64;
        HeaderBatch[] batch = new HeaderBatch[bursts];
        for (int b = 0; b < bursts; b++) {
            batch[b] = new HeaderBatch(64);
            for (int j = 0; j < 64 && b * 64 + j < n; j++) batch[b].copy(j, all, b * 64 + j);
        }
        int[] out = new int[n];
        int[] o = new int[64];
        classifyAll(c.snapshot(), batch, n, out, o); // warm-up passes: JIT the classify loop
        long warmEnd = now() + 500_000_000L; // C2 has the classify loop compiled well within this
        while (now() < warmEnd) classifyAll(c.snapshot(), batch, n, out, o);

        long done = 0;
        long t0 = now(), t1;
        do {
            classifyAll(c.snapshot(), batch, n, out, o);
            done += n;
            t1 = now();
        } while (t1 - t0 < seconds * 1e9);
        double perSecond = done / ((t1 - t0) / 1e9);

        long checksum = 0;
        for (int i = 0; i < n; i++) checksum = checksum * 31 + out[i];

        // Single-rule updates at full size: remove rule k and put it back, for k across the list.
        int updates = 0;
        long updateNs = 0;
        long[] times = new long[3 * 2 * (rules.size() / Math.max(1, rules.size() / 100) + 2)];
        for (int round = 0; round < 8; round++) {
            for (int k = 0; k < rules.size(); k += Math.max(1, rules.size() / 100)) {
                long u0 = now();
                Rule r = c.remove(k);
                long u1 = now();
                c.add(k, r);
                long u2 = now();
                if (round >= 5) { // rounds 0-4 (1000 updates) let C2 compile the update path, as in a long-running node
                    updateNs += u2 - u0;
                    times[updates++] = u1 - u0;
                    times[updates++] = u2 - u1;
                }
            }
        }
        ClassifierSnapshot s = c.snapshot();
        java.util.Arrays.sort(times, 0, updates);
        System.out.printf("ocelot %s TupleMerge %.0f %.3f %.4f %d %016x update_p50_ms=%.3f update_p99_ms=%.3f update_max_ms=%.3f rules=%d%n",
                args[0], perSecond, buildMs, updateNs / 1e6 / updates, s.memoryBytes(), checksum,
                times[updates / 2] / 1e6, times[(int) (updates * 0.99)] / 1e6, times[updates - 1] / 1e6, rules.size());
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU time of this thread: the machine is shared, and descheduled time is not the classifier's. */
    private static long now() {
        return THREADS.getCurrentThreadCpuTime();
    }

    private static void classifyAll(ClassifierSnapshot s, HeaderBatch[] batch, int n, int[] out, int[] o) {
        for (int b = 0; b < batch.length; b++) {
            int m = Math.min(64, n - b * 64);
            s.classify(batch[b], m, o);
            System.arraycopy(o, 0, out, b * 64, m);
        }
    }

}
