package ocelot.bgp.peering;

import java.util.List;

/**
 * Everything the Calico peering model needs, as plain values the control plane fills from its
 * datastore: this node, all nodes, all bgpPeers, and the cluster settings `asNumber` and
 * `nodeToNodeMesh`. {@code port} is the BGP port every node listens on (179).
 */
public record PeeringInputs(String thisNode, List<CalicoNode> nodes, List<BgpPeerSpec> peers, long defaultAsNumber,
                            boolean nodeToNodeMesh, int port, int gracefulRestartSeconds) {
    public PeeringInputs {
        nodes = List.copyOf(nodes);
        peers = List.copyOf(peers);
        if (defaultAsNumber < 1 || defaultAsNumber > 0xffffffffL) {
            throw new IllegalArgumentException("cluster asNumber " + defaultAsNumber + " not in 1..4294967295");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("BGP port " + port + " not in 1..65535");
    }

    public static PeeringInputs of(String thisNode, List<CalicoNode> nodes, List<BgpPeerSpec> peers, long defaultAs, boolean mesh) {
        return new PeeringInputs(thisNode, nodes, peers, defaultAs, mesh, 179, 120);
    }
}
