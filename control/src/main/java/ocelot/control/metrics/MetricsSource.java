package ocelot.control.metrics;

/** Something the node's {@code /metrics} endpoint reports: writes its families on each scrape. */
@FunctionalInterface
public interface MetricsSource {
    void writeTo(PrometheusText text);
}
