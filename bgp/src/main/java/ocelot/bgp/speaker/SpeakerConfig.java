package ocelot.bgp.speaker;

import java.net.InetAddress;

/**
 * The node's BGP identity and where it listens. {@code clusterId} != 0 makes it a route
 * reflector (RFC 4456). {@code listenPort} 0 picks a free port (tests); 179 in production.
 */
public record SpeakerConfig(InetAddress listenAddress, int listenPort, long localAs, int routerId, int clusterId,
                            InetAddress nextHopV4, InetAddress nextHopV6) {
    public SpeakerConfig {
        if (listenAddress == null) throw new IllegalArgumentException("listen address missing");
        if (listenPort < 0 || listenPort > 65535) throw new IllegalArgumentException("listen port " + listenPort + " not in 0..65535");
        if (localAs < 1 || localAs > 0xffffffffL) throw new IllegalArgumentException("local AS " + localAs + " not in 1..4294967295");
        if (routerId == 0) throw new IllegalArgumentException("router id 0.0.0.0 is not allowed (RFC 4271 §4.2)");
    }
}
