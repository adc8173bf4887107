package ocelot.lab;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node's {@code /metrics} (Prometheus text) read once: samples by their full name with labels
 * as printed ({@code ocelot_port_rx_packets_total{port="uplink"}}); {@link #sum} adds every
 * sample of a metric whose labels contain the given fragments.
 */
record Metrics(Map<String, Double> samples) {

    static Metrics parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int space = line.lastIndexOf(' ');
            if (space <= 0) continue;
            try {
                samples.put(line.substring(0, space).strip(), Double.parseDouble(line.substring(space + 1)));
            } catch (NumberFormatException ignored) {
                // a timestamped sample or something we do not read
            }
        }
        return new Metrics(samples);
    }

    /** Sum of the samples of {@code metric} whose label set contains every fragment. */
    double sum(String metric, String... labelFragments) {
        double total = 0;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String key = e.getKey();
            if (!key.equals(metric) && !key.startsWith(metric + "{")) continue;
            boolean all = true;
            for (String f : labelFragments) all &= key.contains(f);
            if (all) total += e.getValue();
        }
        return total;
    }

    /** {@code this - before} for one metric (counters). */
    double delta(Metrics before, String metric, String... labelFragments) {
        return sum(metric, labelFragments) - before.sum(metric, labelFragments);
    }
}
