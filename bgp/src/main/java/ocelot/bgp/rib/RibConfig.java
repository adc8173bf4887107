package ocelot.bgp.rib;

import java.net.InetAddress;

/**
 * The RIB's identity: our AS and router id, the route-reflector cluster id (0 = not a reflector,
 * RFC 4456 §7), and the next hops for routes this node originates (Calico: the node's address).
 */
public record RibConfig(long localAs, int routerId, int clusterId, InetAddress localNextHopV4, InetAddress localNextHopV6) {
    public RibConfig {
        if (localAs < 1 || localAs > 0xffffffffL) throw new IllegalArgumentException("local AS " + localAs + " not in 1..4294967295");
        if (routerId == 0) throw new IllegalArgumentException("router id 0.0.0.0 is not allowed");
        if (localNextHopV4 != null && localNextHopV4.getAddress().length != 4) {
            throw new IllegalArgumentException("IPv4 next hop " + localNextHopV4.getHostAddress() + " is not IPv4");
        }
        if (localNextHopV6 != null && localNextHopV6.getAddress().length != 16) {
            throw new IllegalArgumentException("IPv6 next hop " + localNextHopV6.getHostAddress() + " is not IPv6");
        }
    }

    public boolean routeReflector() {
        return clusterId != 0;
    }
}
