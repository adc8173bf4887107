package ocelot.control.metrics;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.counter.CounterSet;
import ocelot.fastpath.port.Port;
import ocelot.fastpath.worker.Fastpath;

/**
 * The fastpath's counters as Prometheus families (VPP's per-thread counters summed at read):
 * per port rx/tx/drops, drops by reason, the traffic counters, and rule hits labelled with the
 * policy and rule the dataplane driver compiled them from.
 */
public final class FastpathMetrics implements MetricsSource {
    private final Fastpath fastpath;
    private final Supplier<Map<Integer, RuleLabel>> rules;

    /** What a rule id counts: the policy (or profile) and the rule's index in it. */
    public record RuleLabel(String policy, String rule) {}

    /** @param rules the rule ids the driver has published and what each came from (empty when none) */
    public FastpathMetrics(Fastpath fastpath, Supplier<Map<Integer, RuleLabel>> rules) {
        this.fastpath = fastpath;
        this.rules = rules;
    }

    @Override
    public void writeTo(PrometheusText text) {
        CounterSet c = fastpath.counters();
        List<Port> ports = fastpath.ports();
        Map<String, long[]> byName = c.ports();
        portFamily(text, "ocelot_port_rx_packets_total", "Packets received on the port.", byName, ports, CounterRecord.PORT_RX);
        portFamily(text, "ocelot_port_tx_packets_total", "Packets the port transmitted.", byName, ports, CounterRecord.PORT_TX);
        portFamily(text, "ocelot_port_tx_drops_total", "Packets the port's transmit queue refused.", byName, ports, CounterRecord.PORT_DROP);
        text.family("ocelot_dataplane_drops_total", "counter", "Packets dropped by the fastpath, by reason.");
        for (Counter k : Counter.values()) {
            if (k.kind() == Counter.Kind.DROP) text.sample("ocelot_dataplane_drops_total", c.get(k), "reason", k.metricName());
        }
        text.family("ocelot_dataplane_packets_total", "counter", "Fastpath traffic counters (rx, tx, punted, NAT, conntrack, ARP...).");
        for (Counter k : Counter.values()) {
            if (k.kind() == Counter.Kind.TRAFFIC) text.sample("ocelot_dataplane_packets_total", c.get(k), "counter", k.metricName());
        }
        text.single("ocelot_dataplane_ports", "gauge", "Ports in the fastpath (uplink, host TAP, workloads).", ports.size());
        Map<Integer, RuleLabel> labels = rules.get();
        text.family("ocelot_rule_hits_total", "counter", "Packets that matched a policy or profile rule (new flows).");
        for (var e : labels.entrySet()) {
            text.sample("ocelot_rule_hits_total", c.ruleHits(e.getKey()), "policy", e.getValue().policy(), "rule", e.getValue().rule());
        }
    }

    private static void portFamily(PrometheusText text, String name, String help, Map<String, long[]> byName, List<Port> ports, int which) {
        text.family(name, "counter", help);
        for (Port p : ports) {
            long[] v = byName.get(p.name());
            if (v != null) text.sample(name, v[which], "port", p.name(), "role", p.role().name().toLowerCase());
        }
    }
}
