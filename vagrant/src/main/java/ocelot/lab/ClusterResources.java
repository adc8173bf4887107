package ocelot.lab;

import java.util.ArrayList;
import java.util.List;

import ocelot.lab.topology.Topology;
import ocelot.lab.topology.Topology.Host;
import ocelot.lab.topology.Topology.Peer;
import ocelot.lab.topology.Topology.Pool;
import ocelot.lab.topology.Topology.Role;

/**
 * A topology's cluster-wide resources as a Calico user writes them: the IP pools, the global and
 * node-scoped bgpPeers, a node resource with {@code routeReflectorClusterID} for each node that
 * reflects (v1 YAML, one {@code ocelotctl apply -f}; the node's own startup keeps the cluster ID
 * and fills in its address), and the settings {@code asNumber}, {@code nodeToNodeMesh} and
 * {@code bgpHoldTime} ({@code ocelotctl config set}).
 */
final class ClusterResources {
    private ClusterResources() {
    }

    static String yaml(Topology t) {
        List<String> docs = new ArrayList<>();
        for (Pool p : t.pools()) {
            StringBuilder b = new StringBuilder("apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: " + p.cidr() + "\nspec:\n");
            if (!p.ipip().equals("off")) b.append("  ipip:\n    enabled: true\n    mode: ").append(p.ipip()).append("\n");
            b.append("  nat-outgoing: ").append(p.natOutgoing()).append("\n");
            docs.add(b.toString());
        }
        for (Peer p : t.globalPeers()) {
            docs.add("apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: global\n  peerIP: " + p.address()
                    + "\nspec:\n  asNumber: " + p.as() + "\n");
        }
        for (Host h : t.hosts(Role.NODE)) {
            h.routeReflectorClusterId().ifPresent(id -> docs.add("apiVersion: v1\nkind: node\nmetadata:\n  name: " + h.name()
                    + "\nspec:\n  bgp:\n    ipv4Address: " + h.links().getFirst().address() + "\n    routeReflectorClusterID: " + id + "\n"));
            for (Peer p : h.peers()) {
                docs.add("apiVersion: v1\nkind: bgpPeer\nmetadata:\n  scope: node\n  node: " + h.name() + "\n  peerIP: "
                        + p.address() + "\nspec:\n  asNumber: " + p.as() + "\n");
            }
        }
        docs.add(Workloads.profileYaml());
        return String.join("---\n", docs);
    }

    /** Creates everything; returns a summary for the progress line. */
    static String apply(Ocelotctl ctl, Topology t) {
        // Only what differs from the defaults (64512, mesh on, hold 90 s), all at once: each
        // ocelotctl call is a JVM start, and they write different keys.
        List<List<String>> calls = new ArrayList<>();
        if (t.asNumber() != 64512) calls.add(List.of("config", "set", "asNumber", Long.toString(t.asNumber())));
        if (!t.nodeToNodeMesh()) calls.add(List.of("config", "set", "nodeToNodeMesh", "off"));
        if (t.bgpHoldTime() != 90) calls.add(List.of("config", "set", "bgpHoldTime", Integer.toString(t.bgpHoldTime())));
        calls.add(List.of());
        Lab.inParallel(calls, args -> args.isEmpty() ? ctl.apply("cluster", yaml(t)) : ctl.run(args.toArray(String[]::new)));
        long nodePeers = t.hosts(Role.NODE).stream().mapToLong(h -> h.peers().size()).sum();
        List<String> reflectors = t.hosts(Role.NODE).stream().filter(h -> h.routeReflectorClusterId().isPresent())
                .map(h -> h.name() + " route reflector (cluster " + h.routeReflectorClusterId().get() + ")").toList();
        return t.pools().size() + " pool(s), " + t.globalPeers().size() + " global and " + nodePeers + " node bgpPeers, AS "
                + t.asNumber() + ", mesh " + (t.nodeToNodeMesh() ? "on" : "off") + ", hold time " + t.bgpHoldTime() + " s"
                + (reflectors.isEmpty() ? "" : ", " + String.join(", ", reflectors));
    }
}
