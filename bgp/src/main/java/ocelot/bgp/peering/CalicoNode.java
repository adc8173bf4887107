package ocelot.bgp.peering;

import java.net.InetAddress;

/**
 * A Calico node as BGP sees it: {@code asNumber} null means the cluster default (Calico's
 * `node.spec.bgp.asNumber`, AS per rack); {@code routeReflectorClusterId} non-null makes the
 * node a route reflector (`routeReflectorClusterID`, dotted quad).
 */
public record CalicoNode(String name, InetAddress ipv4Address, InetAddress ipv6Address, Long asNumber,
                         InetAddress routeReflectorClusterId) {
    public CalicoNode {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("node without a name");
        if (ipv4Address != null && ipv4Address.getAddress().length != 4) {
            throw new IllegalArgumentException("node " + name + ": ipv4Address " + ipv4Address.getHostAddress() + " is not IPv4");
        }
        if (ipv6Address != null && ipv6Address.getAddress().length != 16) {
            throw new IllegalArgumentException("node " + name + ": ipv6Address " + ipv6Address.getHostAddress() + " is not IPv6");
        }
        if (asNumber != null && (asNumber < 1 || asNumber > 0xffffffffL)) {
            throw new IllegalArgumentException("node " + name + ": asNumber " + asNumber + " not in 1..4294967295");
        }
        if (routeReflectorClusterId != null && routeReflectorClusterId.getAddress().length != 4) {
            throw new IllegalArgumentException("node " + name + ": routeReflectorClusterID must be a dotted quad");
        }
    }
}
