package ocelot.bgp.speaker;

import ocelot.bgp.session.SessionConfig;

/**
 * A peer as the speaker runs it: the session settings plus the routing role. {@code peerType}
 * is the label `node status` prints ("node-to-node mesh", "global", "node specific").
 */
public record PeerSettings(SessionConfig session, boolean routeReflectorClient, boolean nextHopSelf, String peerType) {
    public PeerSettings {
        if (session == null) throw new IllegalArgumentException("peer settings without session settings");
        if (peerType == null || peerType.isBlank()) throw new IllegalArgumentException("peer " + session.peerAddress().getHostAddress() + ": peer type missing");
        if (routeReflectorClient && session.external()) {
            throw new IllegalArgumentException("peer " + session.peerAddress().getHostAddress()
                    + ": route-reflector client must be internal (RFC 4456), but AS " + session.peerAs() + " != " + session.localAs());
        }
    }
}
