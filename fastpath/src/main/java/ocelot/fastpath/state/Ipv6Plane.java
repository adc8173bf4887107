package ocelot.fastpath.state;

import java.util.List;
import java.util.Map;

/**
 * What the fastpath forwards for IPv6: the node's own address (the source of ICMPv6 errors,
 * answered for neighbour solicitations on fabric ports, traffic to it punted), each endpoint's
 * IPv6 addresses (by endpoint name: anti-spoofing and policy), routes and static neighbours.
 * Endpoints' policy is the same classifiers as for IPv4: acl matches either family.
 */
public record Ipv6Plane(Ip6 node, Map<String, List<Ip6>> endpointAddresses, List<Route6> routes, List<Neighbour6> neighbours) {
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
    }
}
