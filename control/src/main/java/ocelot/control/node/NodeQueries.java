package ocelot.control.node;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import ocelot.bgp.speaker.PeerStatus;
import ocelot.bgp.wire.Prefix;
import ocelot.control.metrics.BgpMetrics;
import ocelot.control.metrics.FastpathMetrics;
import ocelot.control.metrics.PrometheusText;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.counter.CounterSet;
import ocelot.fastpath.port.Port;

/**
 * What a running node answers on its query socket: {@code dataplane} (the summary under
 * {@code node status}'s BGP table), {@code routes} (the FIB, one tab-separated line per route:
 * prefix, next hop, peer, installed-at epoch ms or "-"), {@code metrics} (the Prometheus text).
 */
final class NodeQueries implements Function<String, String> {
    private final NodeProcess node;

    NodeQueries(NodeProcess node) {
        this.node = node;
    }

    @Override
    public String apply(String question) {
        return switch (question) {
            case "dataplane" -> dataplane();
            case "routes" -> routes();
            case "metrics" -> metrics();
            default -> throw new IllegalArgumentException("unknown question '" + question + "' (dataplane, routes, metrics)");
        };
    }

    private String dataplane() {
        StringBuilder b = new StringBuilder(node.datastore().describe());
        NodeDataplane dp = node.dataplane();
        b.append("FIB: ").append(node.routes().size()).append(" routes learned over BGP; announcing ")
                .append(node.agent().localRoutes().stream().map(Prefix::toString).sorted().collect(Collectors.joining(", "))).append('\n');
        if (dp == null) return b.append("Dataplane: none (BGP only)\n").toString();
        CounterSet c = dp.fastpath().counters();
        var snapshot = dp.fastpath().control().current();
        b.append("Fastpath: ").append(dp.fastpath().workers().size()).append(" worker(s), snapshot generation ")
                .append(snapshot == null ? "none" : Long.toString(snapshot.generation)).append(", ")
                .append(dp.workloads().size()).append(" workload port(s)\n");
        b.append(String.format("%-18s %-10s %12s %12s %10s%n", "PORT", "ROLE", "RX", "TX", "TX-DROPS"));
        Map<String, long[]> counts = c.ports();
        for (Port p : dp.fastpath().ports()) {
            long[] v = counts.getOrDefault(p.name(), new long[3]);
            b.append(String.format("%-18s %-10s %12d %12d %10d%n", p.name(), p.role().name().toLowerCase(),
                    v[CounterRecord.PORT_RX], v[CounterRecord.PORT_TX], v[CounterRecord.PORT_DROP]));
        }
        if (node.driver() != null) {
            var m = node.driver().metrics();
            b.append("Dataplane driver: ").append(m.activeEndpoints()).append(" local endpoint(s), ").append(m.activePolicies())
                    .append(" active policies, ").append(m.fibRoutes()).append(" routes published, ").append(m.publishes())
                    .append(" publishes, ").append(m.refusals()).append(" refused\n");
            node.driver().problems().forEach((key, why) -> b.append("  left out ").append(key).append(": ").append(why).append('\n'));
        }
        b.append("Packets: rx ").append(c.get(Counter.RX)).append(", tx ").append(c.get(Counter.TX)).append(", punted to host ")
                .append(c.get(Counter.PUNTED)).append(", dropped ").append(c.get(Counter.DROPPED)).append('\n');
        for (var e : c.all().entrySet()) {
            if (e.getKey().kind() == Counter.Kind.DROP && e.getValue() > 0) {
                b.append("  ").append(e.getKey().metricName()).append(' ').append(e.getValue()).append('\n');
            }
        }
        long kernelDrops = dp.hostTap().uplinkDropCount();
        if (kernelDrops >= 0) b.append("Kernel ignored on uplink ").append(dp.uplinkName()).append(": ").append(kernelDrops).append(" packets (raw DROP)\n");
        return b.toString();
    }

    private String routes() {
        Set<String> peers = node.agent().status().stream().map(PeerStatus::peerAddress).collect(Collectors.toSet());
        StringBuilder b = new StringBuilder();
        for (Map.Entry<Prefix, java.util.List<InetAddress>> e : node.routes().multipathSnapshot().entrySet()) {
            // an equal-cost group (BGP multipath) as its next hops joined by commas
            java.util.List<String> hops = e.getValue().stream().map(InetAddress::getHostAddress).toList();
            java.util.List<String> fromPeers = hops.stream().filter(peers::contains).toList();
            String hop = String.join(",", hops);
            Instant since = node.routeAges().since(e.getKey());
            b.append(e.getKey()).append('\t').append(hop).append('\t').append(fromPeers.isEmpty() ? "-" : String.join(",", fromPeers)).append('\t')
                    .append(since == null ? "-" : Long.toString(since.toEpochMilli())).append('\n');
        }
        return b.toString();
    }

    private String metrics() {
        if (node.metrics() != null) return node.metrics().scrape();
        PrometheusText t = new PrometheusText();
        node.datastore().writeTo(t);
        new BgpMetrics(node.agent()::status, node.agent()::updateErrors, node.routes()::size).writeTo(t);
        if (node.dataplane() != null) new FastpathMetrics(node.dataplane().fastpath(), node.driver()::ruleLabels).writeTo(t);
        return t.toString();
    }
}
