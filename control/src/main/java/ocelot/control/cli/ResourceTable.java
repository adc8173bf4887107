package ocelot.control.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import ocelot.control.resource.BgpPeer;
import ocelot.control.resource.HostEndpoint;
import ocelot.control.resource.IpPool;
import ocelot.control.resource.Kind;
import ocelot.control.resource.NodeResource;
import ocelot.control.resource.Policy;
import ocelot.control.resource.Profile;
import ocelot.control.resource.Resource;
import ocelot.control.resource.WorkloadEndpoint;

/**
 * calicoctl's {@code -o ps} and {@code -o wide} tables: the columns of calicoctl v1 per kind,
 * aligned like Go's tabwriter with 3 spaces of padding (so {@code get ippool -o wide} prints
 * {@code CIDR   NAT   IPIP} exactly as calicoctl does).
 */
final class ResourceTable {
    private ResourceTable() {
    }

    static List<String> headers(Kind kind, boolean wide) {
        return switch (kind) {
            case NODE -> wide ? List.of("NAME", "ASN", "IPV4", "IPV6") : List.of("NAME");
            case BGP_PEER -> List.of("SCOPE", "PEERIP", "NODE", "ASN");
            case HOST_ENDPOINT -> wide ? List.of("NODE", "NAME", "INTERFACE", "IPS", "PROFILES") : List.of("NODE", "NAME");
            case WORKLOAD_ENDPOINT -> wide
                    ? List.of("NODE", "ORCHESTRATOR", "WORKLOAD", "NAME", "NETWORKS", "NATS", "INTERFACE", "PROFILES")
                    : List.of("NODE", "ORCHESTRATOR", "WORKLOAD", "NAME");
            case IP_POOL -> wide ? List.of("CIDR", "NAT", "IPIP") : List.of("CIDR");
            case POLICY -> wide ? List.of("NAME", "ORDER", "SELECTOR") : List.of("NAME");
            case PROFILE -> wide ? List.of("NAME", "TAGS") : List.of("NAME");
        };
    }

    /** {@code globalAs}: shown in parentheses for nodes without their own AS, as calicoctl does. */
    static List<String> row(Resource r, boolean wide, String globalAs) {
        return switch (r) {
            case NodeResource n -> wide ? List.of(n.name(),
                    n.bgp() == null || n.bgp().asNumber() == null ? "(" + globalAs + ")" : n.bgp().asNumber().toString(),
                    n.bgp() == null || n.bgp().ipv4Address() == null ? "" : n.bgp().ipv4Address().toString(),
                    n.bgp() == null || n.bgp().ipv6Address() == null ? "" : n.bgp().ipv6Address().toString())
                    : List.of(n.name());
            case BgpPeer b -> List.of(b.scope().yaml(), b.peerIpText(), b.node() == null ? "" : b.node(),
                    b.asNumberText());
            case HostEndpoint h -> wide ? List.of(h.node(), h.name(), nz(h.interfaceName()), join(h.expectedIps()),
                    join(h.profiles())) : List.of(h.node(), h.name());
            case WorkloadEndpoint w -> wide ? List.of(w.node(), w.orchestrator(), w.workload(), w.name(),
                    join(w.ipNetworks()), w.ipNats() == null ? "" : w.ipNats().stream()
                            .map(n -> n.internalIp() + "->" + n.externalIp()).collect(Collectors.joining(",")),
                    nz(w.interfaceName()), join(w.profiles()))
                    : List.of(w.node(), w.orchestrator(), w.workload(), w.name());
            case IpPool p -> wide ? List.of(p.cidr().toString(), Boolean.toString(p.natOutgoingEnabled()),
                    Boolean.toString(p.ipipEnabled())) : List.of(p.cidr().toString());
            case Policy p -> wide ? List.of(p.name(), p.order() == null ? "" : p.order().toPlainString(), nz(p.selector()))
                    : List.of(p.name());
            case Profile p -> wide ? List.of(p.name(), join(p.tags())) : List.of(p.name());
        };
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String join(List<?> values) {
        return values == null ? "" : values.stream().map(Object::toString).collect(Collectors.joining(","));
    }

    static String render(Kind kind, List<Resource> resources, boolean wide, String globalAs) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(headers(kind, wide));
        for (Resource r : resources) rows.add(row(r, wide, globalAs));
        int cols = rows.getFirst().size();
        int[] width = new int[cols];
        for (List<String> row : rows) for (int c = 0; c < cols; c++) width[c] = Math.max(width[c], row.get(c).length());
        StringBuilder b = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                line.append(row.get(c));
                if (c < cols - 1) line.append(" ".repeat(width[c] - row.get(c).length() + 3));
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }
}
