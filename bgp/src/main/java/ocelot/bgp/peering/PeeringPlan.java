package ocelot.bgp.peering;

import ocelot.bgp.session.SessionConfig;
import ocelot.bgp.speaker.ListenRange;
import ocelot.bgp.speaker.PeerSettings;
import ocelot.bgp.speaker.SpeakerConfig;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.IpAddresses;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calico's peering model, as its BIRD template (confd bird.cfg.template) computes it, turned
 * into speaker settings:
 * <ul>
 * <li>node-to-node mesh: every other node with an IPv4 address, at that node's AS; the higher
 *     address is passive so exactly one side dials (Calico: "Mesh is unidirectional");</li>
 * <li>global bgpPeers for every node, node-scoped ones for their node; a peer that is this
 *     node's own address is skipped;</li>
 * <li>a node with a cluster id is a route reflector: same-AS peers that are not reflectors of
 *     the same cluster are its clients, and their next hop is kept; otherwise next-hop-self;</li>
 * <li>per-node AS (AS per rack): sessions are eBGP exactly where the ASes differ;</li>
 * <li>timers: a bgpPeer's own hold/keepalive time, else the cluster's (the mesh: the cluster's).</li>
 * </ul>
 * A peer address listed twice keeps the most specific entry: node specific, then global, then mesh.
 * A bgpPeer whose peerIP is a CIDR is a listen range of dynamic neighbours (passive, its timers,
 * next-hop-self, never route-reflector clients); a node's own range hides a global one of the
 * same network and length.
 */
public record PeeringPlan(SpeakerConfig speaker, List<PeerSettings> peers, List<ListenRange> listenRanges) {
    public static final String MESH = "node-to-node mesh";
    public static final String GLOBAL = "global";
    public static final String NODE_SPECIFIC = "node specific";

    public static PeeringPlan of(PeeringInputs in) {
        CalicoNode self = null;
        Map<InetAddress, CalicoNode> nodesByIp = new HashMap<>();
        for (CalicoNode n : in.nodes()) {
            if (n.name().equals(in.thisNode())) self = n;
            if (n.ipv4Address() != null) {
                CalicoNode dup = nodesByIp.put(n.ipv4Address(), n);
                if (dup != null) {
                    throw new IllegalArgumentException("nodes " + dup.name() + " and " + n.name() + " share ipv4Address "
                            + n.ipv4Address().getHostAddress());
                }
            }
        }
        if (self == null) throw new IllegalArgumentException("this node '" + in.thisNode() + "' is not among the nodes");
        if (self.ipv4Address() == null) throw new IllegalArgumentException("node " + self.name() + " has no ipv4Address: BGP needs one for its router id");
        long localAs = asOf(self, in);
        int routerId = IpAddresses.toInt(self.ipv4Address());
        int clusterId = self.routeReflectorClusterId() == null ? 0 : IpAddresses.toInt(self.routeReflectorClusterId());
        SpeakerConfig speaker = new SpeakerConfig(self.ipv4Address(), in.port(), localAs, routerId, clusterId,
                self.ipv4Address(), self.ipv6Address());

        Map<InetAddress, PeerSettings> out = new LinkedHashMap<>();
        Map<String, ListenRange> ranges = new LinkedHashMap<>();
        for (BgpPeerSpec p : in.peers()) {
            boolean mine = p.scope() == BgpPeerSpec.Scope.NODE && p.node().equals(self.name());
            if (p.dynamic() == null || !(mine || p.scope() == BgpPeerSpec.Scope.GLOBAL)) continue;
            ListenRange r = listenRange(in, self, localAs, p, mine ? NODE_SPECIFIC : GLOBAL);
            if (r == null) continue;
            if (mine) ranges.put(r.toString(), r);
            else ranges.putIfAbsent(r.toString(), r);
        }
        for (BgpPeerSpec p : in.peers()) {
            if (p.dynamic() != null) continue;
            if (p.scope() == BgpPeerSpec.Scope.NODE && p.node().equals(self.name())) {
                add(out, in, self, localAs, clusterId, p.peerIp(), p.asNumber(), p.password(), p.ttlSecurityHops(), NODE_SPECIFIC, nodesByIp, false,
                        p.holdTimeSeconds(), p.keepaliveSeconds(), p.bfd());
            }
        }
        for (BgpPeerSpec p : in.peers()) {
            if (p.scope() == BgpPeerSpec.Scope.GLOBAL && p.dynamic() == null) {
                add(out, in, self, localAs, clusterId, p.peerIp(), p.asNumber(), p.password(), p.ttlSecurityHops(), GLOBAL, nodesByIp, false,
                        p.holdTimeSeconds(), p.keepaliveSeconds(), p.bfd());
            }
        }
        if (in.nodeToNodeMesh()) {
            for (CalicoNode n : in.nodes()) {
                if (n == self || n.ipv4Address() == null) continue;
                boolean passive = Integer.compareUnsigned(IpAddresses.toInt(n.ipv4Address()), routerId) > 0;
                add(out, in, self, localAs, clusterId, n.ipv4Address(), asOf(n, in), null, 0, MESH, nodesByIp, passive, 0, 0, null);
            }
        }
        return new PeeringPlan(speaker, new ArrayList<>(out.values()), new ArrayList<>(ranges.values()));
    }

    /** A CIDR bgpPeer as a listen range; null for an IPv6 range on a node without IPv6. */
    private static ListenRange listenRange(PeeringInputs in, CalicoNode self, long localAs, BgpPeerSpec p, String scope) {
        InetAddress local = p.peerIp().getAddress().length == 4 ? self.ipv4Address() : self.ipv6Address();
        if (local == null) return null;
        BgpPeerSpec.DynamicRange d = p.dynamic();
        int hold = p.holdTimeSeconds() != 0 ? p.holdTimeSeconds() : in.holdTimeSeconds();
        int keepalive = p.keepaliveSeconds() != 0 ? p.keepaliveSeconds() : p.holdTimeSeconds() != 0 ? 0 : in.keepaliveSeconds();
        SessionConfig session = new SessionConfig(p.peerIp(), in.port(), local, localAs, p.asNumber(),
                IpAddresses.toInt(self.ipv4Address()), hold, 5, true, p.password(),
                EnumSet.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST), in.gracefulRestartSeconds(), p.ttlSecurityHops(),
                keepalive, d.asNumberLast()).withGracefulRestartNotification(in.gracefulRestartNotification());
        String name = p.peerIp().getHostAddress() + "/" + d.prefixLength();
        return new ListenRange(p.peerIp(), d.prefixLength(), d.limit(),
                new PeerSettings(session, false, true, "dynamic " + name + " (" + scope + ")", p.bfd()));
    }

    private static void add(Map<InetAddress, PeerSettings> out, PeeringInputs in, CalicoNode self, long localAs, int clusterId,
                            InetAddress peerIp, long peerAs, String password, int ttlSecurityHops, String type,
                            Map<InetAddress, CalicoNode> nodesByIp, boolean passive, int peerHold, int peerKeepalive,
                            ocelot.bgp.bfd.BfdConfig bfd) {
        if (peerIp.equals(self.ipv4Address()) || peerIp.equals(self.ipv6Address())) return; // "Skipping ourselves"
        if (out.containsKey(peerIp)) return;
        CalicoNode peerNode = nodesByIp.get(peerIp);
        InetAddress peerCluster = peerNode == null ? null : peerNode.routeReflectorClusterId();
        boolean client = clusterId != 0 && peerAs == localAs
                && (peerCluster == null || IpAddresses.toInt(peerCluster) != clusterId);
        InetAddress local = peerIp.getAddress().length == 4 ? self.ipv4Address() : self.ipv6Address();
        if (local == null) return; // an IPv6 peer for a node without IPv6
        int hold = peerHold != 0 ? peerHold : in.holdTimeSeconds();
        // A peer's own hold time without its own keepalive keeps a third of it, not the cluster's keepalive.
        int keepalive = peerKeepalive != 0 ? peerKeepalive : peerHold != 0 ? 0 : in.keepaliveSeconds();
        SessionConfig session = new SessionConfig(peerIp, in.port(), local, localAs, peerAs,
                IpAddresses.toInt(self.ipv4Address()), hold, 5, passive, password,
                EnumSet.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST), in.gracefulRestartSeconds(), ttlSecurityHops,
                keepalive).withGracefulRestartNotification(in.gracefulRestartNotification());
        out.put(peerIp, new PeerSettings(session, client, !client, type, bfd));
    }

    private static long asOf(CalicoNode n, PeeringInputs in) {
        return n.asNumber() != null ? n.asNumber() : in.defaultAsNumber();
    }
}
