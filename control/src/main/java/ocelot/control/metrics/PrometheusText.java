package ocelot.control.metrics;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Prometheus text exposition format 0.0.4: a {@code # HELP} and {@code # TYPE} line once per
 * family, then its samples with escaped label values. Families must be written whole, one
 * after another, as the format requires.
 */
public final class PrometheusText {
    private final StringBuilder out = new StringBuilder(4096);
    private final Set<String> families = new HashSet<>();

    /** Starts family {@code name} of {@code type} (counter, gauge, histogram). */
    public PrometheusText family(String name, String type, String help) {
        if (!families.add(name)) throw new IllegalStateException("metric family " + name + " written twice");
        out.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** A sample; {@code labels} alternate name, value. */
    public PrometheusText sample(String name, double value, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i + 1 < labels.length; i += 2) {
                if (i > 0) out.append(',');
                out.append(labels[i]).append("=\"")
                        .append(labels[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(format(value)).append('\n');
        return this;
    }

    /** A one-sample family. */
    public PrometheusText single(String name, String type, String help, double value) {
        return family(name, type, help).sample(name, value);
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        if (Double.isNaN(v)) return "NaN";
        if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
        return String.format(Locale.ROOT, "%.9g", v);
    }

    /** Families another writer formatted whole (the dataplane driver's {@code DriverMetrics.render}). */
    public PrometheusText raw(CharSequence families) {
        out.append(families);
        return this;
    }

    @Override
    public String toString() { return out.toString(); }
}
