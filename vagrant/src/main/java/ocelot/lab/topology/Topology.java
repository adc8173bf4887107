package ocelot.lab.topology;

import java.util.List;
import java.util.Optional;

/**
 * One lab topology, as read from {@code vagrant/topologies/NAME.yaml} by {@link TopologyReader}:
 * L2 segments, the hosts on them (Ocelot nodes, BIRD routers, plain kernel routers, outside
 * hosts), the cluster's BGP settings and IP pools. The namespace lab and the Vagrantfile build
 * the same thing from it. {@code bgpHoldTime} is every BGP session's hold time, the nodes'
 * (cluster setting {@code bgpHoldTime}) and BIRD's alike.
 */
public record Topology(String name, long asNumber, boolean nodeToNodeMesh, int bgpHoldTime, List<Segment> segments,
                       List<Pool> pools, List<Peer> globalPeers, List<Host> hosts) {
    /** The lab's hold time unless a topology sets one: short, so a killed node's routes go within seconds. */
    public static final int LAB_HOLD_SECONDS = 9;

    /** An L2 segment: a Linux bridge in its own namespace in the lab, a private network on VMs. */
    public record Segment(String name, Cidr cidr) { }

    /** An IP pool as `ocelotctl create` takes it; {@code ipip} is off, always or cross-subnet. */
    public record Pool(Cidr cidr, String ipip, boolean natOutgoing) { }

    /** A BGP neighbour: of a BIRD host, a node-scoped bgpPeer of a node, or a global bgpPeer. */
    public record Peer(String address, long as, boolean rrClient) { }

    /** A host's interface on a segment: its address (with prefix length) and optional gateway. */
    public record Link(String segment, Cidr address, Optional<String> gateway) {
        public String ip() {
            return address.address();
        }
    }

    public enum Role {
        /** An Ocelot node process ({@code ocelotctl node run}) with its workloads. */
        NODE,
        /** BIRD 2: a route reflector or a top-of-rack router. */
        BIRD,
        /** A plain Linux router (kernel forwarding, static routes only). */
        ROUTER,
        /** A plain host standing for the world outside the cluster. */
        OUTSIDE
    }

    /**
     * A host. {@code as} is empty for nodes using the cluster AS; {@code routeReflectorClusterId}
     * makes a BIRD host (or a node, as node {@code spec.bgp.routeReflectorClusterID}) reflect.
     */
    public record Host(String name, Role role, Optional<Long> as, Optional<String> routeReflectorClusterId,
                       List<Link> links, List<Peer> peers, List<String> workloads) {
        /** The address the host speaks BGP from and a node registers: its first link's. */
        public String primaryAddress() {
            return links.getFirst().ip();
        }

        public Optional<String> gateway() {
            return links.stream().flatMap(l -> l.gateway().stream()).findFirst();
        }
    }

    public List<Host> hosts(Role role) {
        return hosts.stream().filter(h -> h.role() == role).toList();
    }

    public Host host(String hostName) {
        return hosts.stream().filter(h -> h.name().equals(hostName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + ": no host " + hostName));
    }

    /** The node host a workload is attached to. */
    public Host nodeOf(String workload) {
        return hosts.stream().filter(h -> h.workloads().contains(workload)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name + ": no workload " + workload));
    }

    public List<String> workloads() {
        return hosts.stream().flatMap(h -> h.workloads().stream()).toList();
    }
}
