package ocelot.control.dataplane;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram of durations (Felix's {@code felix_calc_graph_update_time_seconds} and
 * {@code felix_int_dataplane_apply_time_seconds} are summaries; a histogram aggregates across
 * nodes). One writer; the metrics endpoint reads from any thread.
 */
public final class LatencyHistogram {
    /** Upper bounds in seconds: 100 µs to 10 s, roughly x2.5 apart. */
    static final double[] BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final String name;
    private final String help;
    private final AtomicLongArray buckets = new AtomicLongArray(BOUNDS.length + 1);
    private final LongAdder sumNanos = new LongAdder();

    LatencyHistogram(String name, String help) {
        this.name = name;
        this.help = help;
    }

    public void record(long nanos) {
        double seconds = nanos / 1e9;
        int b = 0;
        while (b < BOUNDS.length && seconds > BOUNDS[b]) b++;
        buckets.incrementAndGet(b);
        sumNanos.add(nanos);
    }

    public long count() {
        long n = 0;
        for (int b = 0; b < buckets.length(); b++) n += buckets.get(b);
        return n;
    }

    /** Appends the histogram in the Prometheus text format. */
    void render(StringBuilder out) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" histogram\n");
        long cumulative = 0;
        for (int b = 0; b < BOUNDS.length; b++) {
            cumulative += buckets.get(b);
            out.append(name).append("_bucket{le=\"").append(BOUNDS[b]).append("\"} ").append(cumulative).append('\n');
        }
        cumulative += buckets.get(BOUNDS.length);
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
        out.append(name).append("_sum ").append(sumNanos.sum() / 1e9).append('\n');
        out.append(name).append("_count ").append(cumulative).append('\n');
    }
}
