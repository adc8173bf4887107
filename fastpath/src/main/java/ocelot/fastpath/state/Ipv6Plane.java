package ocelot.fastpath.state;

import java.util.List;
import java.util.Map;

/**
 * What the fastpath forwards for IPv6: the node's own address (the source of ICMPv6 errors,
 * answered for neighbour solicitations on fabric ports, traffic to it punted), each endpoint's
 * IPv6 addresses (by endpoint name: anti-spoofing and policy), routes, static neighbours and
 * the IPv6 pools (nat-outgoing: traffic from such a pool to outside every pool is source-NATed
 * to {@code node}). Endpoints' policy is the same classifiers as for IPv4: acl matches either family.
 */
public record Ipv6Plane(Ip6 node, Map<String, List<Ip6>> endpointAddresses, List<Route6> routes, List<Neighbour6> neighbours,
                        List<Ip6Pool> pools) {
    /** A plane without IPv6 pools (nothing is NATed). */
    public Ipv6Plane(Ip6 node, Map<String, List<Ip6>> endpointAddresses, List<Route6> routes, List<Neighbour6> neighbours) {
        this(node, endpointAddresses, routes, neighbours, List.of());
    }

    public Ipv6Plane {
        if (node == null) throw new IllegalArgumentException("IPv6: node address missing");
        if (node.isLinkLocal() || node.isMulticast()) throw new IllegalArgumentException("IPv6 node address " + node + " must be a global or unique-local unicast address");
        endpointAddresses = endpointAddresses == null ? Map.of() : Map.copyOf(endpointAddresses);
        for (var e : endpointAddresses.entrySet()) {
            if (e.getValue() == null || e.getValue().isEmpty()) throw new IllegalArgumentException("IPv6 addresses of endpoint " + e.getKey() + ": empty list");
            for (Ip6 a : e.getValue()) {
                if (a == null || a.isMulticast()) throw new IllegalArgumentException("IPv6 address of endpoint " + e.getKey() + ": " + a + " is not unicast");
            }
        }
        routes = routes == null ? List.of() : List.copyOf(routes);
        neighbours = neighbours == null ? List.of() : List.copyOf(neighbours);
        if (pools == null) pools = List.of();
        for (int a = 0; a < pools.size(); a++) if (pools.get(a) == null) throw new IllegalArgumentException("IPv6 pool #" + a + ": missing");
        pools = List.copyOf(pools);
        for (int a = 0; a < pools.size(); a++) {
            for (int b = 0; b < a; b++) {
                // overlapping pools would make "outside every pool" and the NAT decision ambiguous
                if (pools.get(a).overlaps(pools.get(b))) throw new IllegalArgumentException("IPv6 pool " + pools.get(a) + " overlaps IPv6 pool " + pools.get(b));
            }
        }
    }

    /** This plane with its IPv6 pools set to {@code list}. */
    public Ipv6Plane withPools(List<Ip6Pool> list) { return new Ipv6Plane(node, endpointAddresses, routes, neighbours, list); }
}
