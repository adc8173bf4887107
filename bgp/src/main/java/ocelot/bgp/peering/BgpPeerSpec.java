package ocelot.bgp.peering;

import ocelot.bgp.bfd.BfdConfig;

import java.net.InetAddress;

/**
 * A Calico v1 `bgpPeer`: metadata.scope is global (every node peers) or node (only
 * {@code node}); metadata.peerIP; spec.asNumber. {@code password} is this speaker's extension
 * for TCP MD5 (null: none); {@code ttlSecurityHops} for GTSM (RFC 5082, later Calico's
 * {@code ttlSecurity}; 0: off). {@code holdTimeSeconds} and {@code keepaliveSeconds} are this
 * peer's BGP timers (BIRD's {@code hold time} / {@code keepalive time}; 0: the cluster's).
 * {@code dynamic} (null: an ordinary peer) makes it a listen range of dynamic neighbours: peerIP
 * is then a CIDR ({@code peerIp}/{@code dynamic.prefixLength}), the AS may be a range
 * {@code asNumber..dynamic.asNumberLast}, at most {@code dynamic.limit} at a time (Ocelot's
 * extension; bgp/README.md "Dynamic neighbours"). {@code bfd} (null: off) runs BFD with the peer
 * (Ocelot's extension: a BFD Down resets the session).
 */
public record BgpPeerSpec(Scope scope, String node, InetAddress peerIp, long asNumber, String password, int ttlSecurityHops,
                          int holdTimeSeconds, int keepaliveSeconds, DynamicRange dynamic, BfdConfig bfd) {
    public enum Scope { GLOBAL, NODE }

    /** A listen range's prefix length, last AS of its AS range (= asNumber for one AS) and neighbour limit. */
    public record DynamicRange(int prefixLength, long asNumberLast, int limit) {
    }

    /** An ordinary peer. */
    public BgpPeerSpec(Scope scope, String node, InetAddress peerIp, long asNumber, String password, int ttlSecurityHops,
                       int holdTimeSeconds, int keepaliveSeconds) {
        this(scope, node, peerIp, asNumber, password, ttlSecurityHops, holdTimeSeconds, keepaliveSeconds, null, null);
    }

    /** Without BFD. */
    public BgpPeerSpec(Scope scope, String node, InetAddress peerIp, long asNumber, String password, int ttlSecurityHops,
                       int holdTimeSeconds, int keepaliveSeconds, DynamicRange dynamic) {
        this(scope, node, peerIp, asNumber, password, ttlSecurityHops, holdTimeSeconds, keepaliveSeconds, dynamic, null);
    }

    /** With the cluster's timers. */
    public BgpPeerSpec(Scope scope, String node, InetAddress peerIp, long asNumber, String password, int ttlSecurityHops) {
        this(scope, node, peerIp, asNumber, password, ttlSecurityHops, 0, 0);
    }

    /** Without TTL security. */
    public BgpPeerSpec(Scope scope, String node, InetAddress peerIp, long asNumber, String password) {
        this(scope, node, peerIp, asNumber, password, 0);
    }

    public BgpPeerSpec {
        if (scope == null) throw new IllegalArgumentException("bgpPeer " + peerIp + ": scope missing");
        if (peerIp == null) throw new IllegalArgumentException("bgpPeer: peerIP missing");
        if (scope == Scope.NODE && (node == null || node.isBlank())) {
            throw new IllegalArgumentException("bgpPeer " + peerIp.getHostAddress() + ": scope node needs metadata.node");
        }
        if (scope == Scope.GLOBAL && node != null) {
            throw new IllegalArgumentException("bgpPeer " + peerIp.getHostAddress() + ": scope global must not name a node (" + node + ")");
        }
        if (asNumber < 1 || asNumber > 0xffffffffL) {
            throw new IllegalArgumentException("bgpPeer " + peerIp.getHostAddress() + ": asNumber " + asNumber + " not in 1..4294967295");
        }
        if (ttlSecurityHops < 0 || ttlSecurityHops > 254) {
            throw new IllegalArgumentException("bgpPeer " + peerIp.getHostAddress() + ": ttlSecurity " + ttlSecurityHops + " not in 1..254 (0: off)");
        }
        if (holdTimeSeconds != 0 && (holdTimeSeconds < 3 || holdTimeSeconds > 65535)) {
            throw new IllegalArgumentException("bgpPeer " + peerIp.getHostAddress() + ": holdTime " + holdTimeSeconds + " not in 3..65535 (0: the cluster's)");
        }
        if (keepaliveSeconds < 0 || keepaliveSeconds > 65535) {
            throw new IllegalArgumentException("bgpPeer " + peerIp.getHostAddress() + ": keepaliveTime " + keepaliveSeconds + " not in 1..65535 (0: the cluster's)");
        }
        if (dynamic != null && (dynamic.asNumberLast() < asNumber || dynamic.asNumberLast() > 0xffffffffL)) {
            throw new IllegalArgumentException("bgpPeer " + peerIp.getHostAddress() + "/" + dynamic.prefixLength() + ": AS range "
                    + asNumber + "-" + dynamic.asNumberLast() + " is empty or beyond 4294967295");
        }
    }

    /** Never the key itself: records print every field, and specs reach log lines. */
    @Override
    public String toString() {
        return "BgpPeerSpec[scope=" + scope + ", node=" + node + ", peerIp=" + peerIp + ", asNumber=" + asNumber
                + ", password=" + (password == null ? "null" : "<redacted>") + ", ttlSecurityHops=" + ttlSecurityHops
                + ", holdTimeSeconds=" + holdTimeSeconds + ", keepaliveSeconds=" + keepaliveSeconds + ", dynamic=" + dynamic + ", bfd=" + bfd + "]";
    }
}
