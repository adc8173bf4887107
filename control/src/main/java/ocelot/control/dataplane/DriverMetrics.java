package ocelot.control.dataplane;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the dataplane driver counts, for the node's {@code /metrics} endpoint
 * ({@link #render}) and for tests: Felix's names with an {@code ocelot_} prefix where Felix has
 * one. Written by the driver thread, read from any thread.
 */
public final class DriverMetrics {
    final LatencyHistogram calcGraph = new LatencyHistogram("ocelot_calc_graph_update_time_seconds",
            "Time to apply a batch of datastore changes to the calculation graph and classifiers.");
    final LatencyHistogram publish = new LatencyHistogram("ocelot_int_dataplane_apply_time_seconds",
            "Time to lower the desired state and publish it to the fastpath (validate, compile, swap).");
    final LongAdder publishes = new LongAdder();
    final LongAdder refusals = new LongAdder();
    final LongAdder resyncs = new LongAdder();
    final LongAdder batches = new LongAdder();
    /** Driver thread CPU by phase: applying changes to the graph and classifiers, lowering, the fastpath's publish. */
    final LongAdder calcCpuNanos = new LongAdder();
    final LongAdder lowerCpuNanos = new LongAdder();
    final LongAdder publishCpuNanos = new LongAdder();
    volatile int activeEndpoints;
    volatile int activePolicies;
    volatile int fibRoutes;
    volatile int learnedRoutes;
    volatile int excludedResources;

    public long publishes() { return publishes.sum(); }

    /** Publishes the fastpath refused (the previous state kept forwarding). */
    public long refusals() { return refusals.sum(); }

    public long resyncs() { return resyncs.sum(); }

    public int activeEndpoints() { return activeEndpoints; }

    public int activePolicies() { return activePolicies; }

    /** Routes in the published state, IPv4 and IPv6. */
    public int fibRoutes() { return fibRoutes; }

    public LatencyHistogram calcGraphTime() { return calcGraph; }

    /** Driver thread CPU, nanoseconds: applying changes (graph, classifiers), lowering, publishing. */
    public long[] cpuNanosByPhase() { return new long[] {calcCpuNanos.sum(), lowerCpuNanos.sum(), publishCpuNanos.sum()}; }

    public LatencyHistogram publishTime() { return publish; }

    /** Every metric in the Prometheus text format. */
    public String render() {
        StringBuilder out = new StringBuilder();
        render(out);
        return out.toString();
    }

    /** Appends every metric in the Prometheus text format. */
    public void render(StringBuilder out) {
        calcGraph.render(out);
        publish.render(out);
        counter(out, "ocelot_int_dataplane_publishes_total", "States published to the fastpath.", publishes.sum());
        counter(out, "ocelot_int_dataplane_failures_total", "Publishes the fastpath refused; the previous state kept forwarding.", refusals.sum());
        counter(out, "ocelot_resyncs_started_total", "Datastore watch resyncs (lost watch or compaction).", resyncs.sum());
        counter(out, "ocelot_int_dataplane_batches_total", "Batches of datastore changes applied (a burst of changes is one).", batches.sum());
        for (String[] phase : new String[][] {{"calc", ""}, {"lower", ""}, {"publish", ""}}) {
            long nanos = switch (phase[0]) {
                case "calc" -> calcCpuNanos.sum();
                case "lower" -> lowerCpuNanos.sum();
                default -> publishCpuNanos.sum();
            };
            if (phase[0].equals("calc")) {
                out.append("# HELP ocelot_dataplane_driver_cpu_seconds_total Driver thread CPU time by phase.\n");
                out.append("# TYPE ocelot_dataplane_driver_cpu_seconds_total counter\n");
            }
            out.append("ocelot_dataplane_driver_cpu_seconds_total{phase=\"").append(phase[0]).append("\"} ").append(nanos / 1e9).append('\n');
        }
        gauge(out, "ocelot_active_local_endpoints", "Local workload endpoints in the published state.", activeEndpoints);
        gauge(out, "ocelot_active_local_policies", "Policies some local endpoint uses.", activePolicies);
        gauge(out, "ocelot_fib_routes", "Routes in the published state (IPv4 and IPv6).", fibRoutes);
        gauge(out, "ocelot_bgp_learned_routes", "Routes learned over BGP in the published state's input.", learnedRoutes);
        gauge(out, "ocelot_resources_excluded", "Datastore resources the dataplane leaves out (damaged, contradictory or refused).", excludedResources);
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(value).append('\n');
    }
}
