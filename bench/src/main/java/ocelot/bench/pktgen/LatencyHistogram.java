package ocelot.bench.pktgen;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Latencies in nanoseconds, log-linear buckets (exact below 128 ns, then 64 buckets per power
 * of two: within 1.6% of the value), so recording is one array increment on the receive path.
 */
final class LatencyHistogram {
    private static final int SUB = 64;
    private final long[] counts = new long[128 + 58 * SUB];
    private long total, max, min = Long.MAX_VALUE;
    private double sum;

    void record(long nanos) {
        if (nanos < 0) nanos = 0; // the sender's clock read after ours: same host, so at most a few ns
        counts[index(nanos)]++;
        total++;
        sum += nanos;
        if (nanos > max) max = nanos;
        if (nanos < min) min = nanos;
    }

    long count() { return total; }

    void clear() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        max = 0;
        min = Long.MAX_VALUE;
        sum = 0;
    }

    static int index(long v) {
        if (v < 128) return (int) v;
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int shift = msb - 6;
        return 128 + (shift - 1) * SUB + (int) ((v >>> shift) - SUB);
    }

    /** The upper bound of bucket i's values. */
    static long upperBound(int i) {
        if (i < 128) return i;
        int shift = (i - 128) / SUB + 1;
        long sub = (i - 128) % SUB + SUB;
        return ((sub + 1) << shift) - 1;
    }

    /** The latency at quantile q (0..1), as the upper bound of its bucket; -1 when empty. */
    long quantile(double q) {
        if (total == 0) return -1;
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) return Math.min(upperBound(i), max);
        }
        return max;
    }

    long max() { return total == 0 ? -1 : max; }

    long min() { return total == 0 ? -1 : min; }

    double mean() { return total == 0 ? -1 : sum / total; }

    /** "microseconds cumulative-fraction" per non-empty bucket: the CDF bench/run plots. */
    void writeCdf(Path file) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            out.println("# latency_us cumulative_fraction (" + total + " samples)");
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) continue;
                seen += counts[i];
                out.printf("%.3f %.6f%n", Math.min(upperBound(i), max) / 1000.0, (double) seen / total);
            }
        }
    }
}
