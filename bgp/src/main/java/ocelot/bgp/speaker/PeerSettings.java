package ocelot.bgp.speaker;

import ocelot.bgp.bfd.BfdConfig;
import ocelot.bgp.session.SessionConfig;

/**
 * A peer as the speaker runs it: the session settings plus the routing role. {@code peerType}
 * is the label `node status` prints ("node-to-node mesh", "global", "node specific").
 * {@code bfd} (null: off) runs a single-hop BFD session to the peer (RFC 5880/5881) whose Down
 * tears the BGP session down (RFC 5882 §4.3), so its routes go within the detection time.
 */
public record PeerSettings(SessionConfig session, boolean routeReflectorClient, boolean nextHopSelf, String peerType, BfdConfig bfd) {
    /** Without BFD. */
    public PeerSettings(SessionConfig session, boolean routeReflectorClient, boolean nextHopSelf, String peerType) {
        this(session, routeReflectorClient, nextHopSelf, peerType, null);
    }

    public PeerSettings withBfd(BfdConfig config) {
        return new PeerSettings(session, routeReflectorClient, nextHopSelf, peerType, config);
    }

    public PeerSettings {
        if (session == null) throw new IllegalArgumentException("peer settings without session settings");
        if (peerType == null || peerType.isBlank()) throw new IllegalArgumentException("peer " + session.peerAddress().getHostAddress() + ": peer type missing");
        if (routeReflectorClient && session.external()) {
            throw new IllegalArgumentException("peer " + session.peerAddress().getHostAddress()
                    + ": route-reflector client must be internal (RFC 4456), but AS " + session.peerAs() + " != " + session.localAs());
        }
    }
}
