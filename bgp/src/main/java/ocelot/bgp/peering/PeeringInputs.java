package ocelot.bgp.peering;

import java.util.List;

/**
 * Everything the Calico peering model needs, as plain values the control plane fills from its
 * datastore: this node, all nodes, all bgpPeers, and the cluster settings `asNumber` and
 * `nodeToNodeMesh`. {@code port} is the BGP port every node listens on (179).
 * {@code holdTimeSeconds} and {@code keepaliveSeconds} are the cluster's BGP timers (settings
 * {@code bgpHoldTime}, {@code bgpKeepaliveTime}; keepalive 0: a third of the hold time), used
 * for every session whose bgpPeer sets none (the mesh's always). {@code gracefulRestartSeconds} is
 * the restart time every session advertises (RFC 4724; setting {@code gracefulRestartTime}); 0
 * leaves the graceful restart capability out, so peers withdraw this node's routes as soon as
 * they see its sessions drop. {@code gracefulRestartNotification} adds RFC 8538's N bit (setting
 * {@code gracefulRestartNotification}), so a hold timer expiry keeps the routes too.
 */
public record PeeringInputs(String thisNode, List<CalicoNode> nodes, List<BgpPeerSpec> peers, long defaultAsNumber,
                            boolean nodeToNodeMesh, int port, int gracefulRestartSeconds, int holdTimeSeconds, int keepaliveSeconds,
                            boolean gracefulRestartNotification) {
    /** RFC 4271's suggested hold time, 90 s (keepalives every 30 s). */
    public static final int DEFAULT_HOLD_SECONDS = 90;

    /** Without RFC 8538's N bit (setting {@code gracefulRestartNotification} off, as BIRD). */
    public PeeringInputs(String thisNode, List<CalicoNode> nodes, List<BgpPeerSpec> peers, long defaultAsNumber,
                         boolean nodeToNodeMesh, int port, int gracefulRestartSeconds, int holdTimeSeconds, int keepaliveSeconds) {
        this(thisNode, nodes, peers, defaultAsNumber, nodeToNodeMesh, port, gracefulRestartSeconds, holdTimeSeconds, keepaliveSeconds, false);
    }

    /** With the default timers. */
    public PeeringInputs(String thisNode, List<CalicoNode> nodes, List<BgpPeerSpec> peers, long defaultAsNumber,
                         boolean nodeToNodeMesh, int port, int gracefulRestartSeconds) {
        this(thisNode, nodes, peers, defaultAsNumber, nodeToNodeMesh, port, gracefulRestartSeconds, DEFAULT_HOLD_SECONDS, 0);
    }

    public PeeringInputs {
        nodes = List.copyOf(nodes);
        peers = List.copyOf(peers);
        if (defaultAsNumber < 1 || defaultAsNumber > 0xffffffffL) {
            throw new IllegalArgumentException("cluster asNumber " + defaultAsNumber + " not in 1..4294967295");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("BGP port " + port + " not in 1..65535");
        if (gracefulRestartSeconds < 0 || gracefulRestartSeconds > 4095) {
            throw new IllegalArgumentException("cluster gracefulRestartTime " + gracefulRestartSeconds + " not in 0..4095 (RFC 4724's 12-bit restart time)");
        }
        if (holdTimeSeconds != 0 && (holdTimeSeconds < 3 || holdTimeSeconds > 65535)) {
            throw new IllegalArgumentException("cluster bgpHoldTime " + holdTimeSeconds + " not in 3..65535 (RFC 4271 §4.2)");
        }
        if (keepaliveSeconds < 0 || keepaliveSeconds > 65535) {
            throw new IllegalArgumentException("cluster bgpKeepaliveTime " + keepaliveSeconds + " not in 1..65535 (0: a third of the hold time)");
        }
    }

    public static PeeringInputs of(String thisNode, List<CalicoNode> nodes, List<BgpPeerSpec> peers, long defaultAs, boolean mesh) {
        return new PeeringInputs(thisNode, nodes, peers, defaultAs, mesh, 179, 120);
    }
}
