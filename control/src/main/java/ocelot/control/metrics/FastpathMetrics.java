package ocelot.control.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import ocelot.control.calc.RuleSlots;
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
    private final Supplier<Map<Integer, RuleSlots.Label>> rules;

    /** @param rules the rule ids the driver has published and what each counts ({@code DataplaneDriver::ruleLabels}) */
    public FastpathMetrics(Fastpath fastpath, Supplier<Map<Integer, RuleSlots.Label>> rules) {
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
        text.single("ocelot_worker_errors_total", "counter",
                "Exceptions in fastpath workers (each a bug, logged): bursts abandoned and freed by a worker that went on, plus any thrown out of a worker thread.",
                fastpath.workerErrors());
        text.single("ocelot_dataplane_ports", "gauge", "Ports in the fastpath (uplink, host TAP, workloads).", ports.size());
        text.family("ocelot_rule_hits_total", "counter",
                "New flows that matched a policy or profile rule (rule: its index in that direction), or that no policy allowed.");
        for (var e : new TreeMap<>(rules.get()).entrySet()) {
            RuleSlots.Label l = e.getValue();
            String direction = l.direction().name().toLowerCase(Locale.ROOT);
            long hits = c.ruleHits(e.getKey());
            switch (l.kind()) {
                case POLICY -> text.sample("ocelot_rule_hits_total", hits, "type", "policy", "name", l.name(), "direction", direction,
                        "rule", Integer.toString(l.rule()));
                case PROFILE -> text.sample("ocelot_rule_hits_total", hits, "type", "profile", "name", l.name(), "direction", direction,
                        "rule", Integer.toString(l.rule()));
                case NO_POLICY_ALLOWED -> text.sample("ocelot_rule_hits_total", hits, "type", "no-policy-allowed", "name", "",
                        "direction", direction, "rule", "default-deny");
            }
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
