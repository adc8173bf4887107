package ocelot.control.metrics;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A Prometheus histogram of durations in seconds with fixed buckets (Felix's
 * {@code felix_calc_graph_update_time_seconds} and {@code felix_int_dataplane_apply_time_seconds}
 * are summaries; a histogram aggregates across nodes). Thread-safe, allocation-free to record.
 */
public final class LatencyHistogram {
    /** Upper bounds in seconds: 100 us to 10 s. */
    static final double[] BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

    private final AtomicLongArray counts = new AtomicLongArray(BOUNDS.length + 1);
    private final DoubleAdder sumSeconds = new DoubleAdder();

    public void recordNanos(long nanos) {
        double s = nanos / 1e9;
        int i = 0;
        while (i < BOUNDS.length && s > BOUNDS[i]) i++;
        counts.incrementAndGet(i);
        sumSeconds.add(s);
    }

    public long count() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) n += counts.get(i);
        return n;
    }

    /** Writes the family {@code name} (cumulative buckets, +Inf, sum, count). */
    public void writeTo(PrometheusText text, String name, String help) {
        text.family(name, "histogram", help);
        long cumulative = 0;
        for (int i = 0; i < BOUNDS.length; i++) {
            cumulative += counts.get(i);
            text.sample(name + "_bucket", cumulative, "le", PrometheusText.format(BOUNDS[i]));
        }
        cumulative += counts.get(BOUNDS.length);
        text.sample(name + "_bucket", cumulative, "le", "+Inf");
        text.sample(name + "_sum", sumSeconds.sum());
        text.sample(name + "_count", cumulative);
    }
}
