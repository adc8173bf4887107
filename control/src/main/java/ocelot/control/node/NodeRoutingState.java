package ocelot.control.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;
import ocelot.bgp.bfd.BfdConfig;
import ocelot.bgp.peering.BgpPeerSpec;
import ocelot.bgp.peering.CalicoNode;
import ocelot.bgp.peering.PeeringInputs;
import ocelot.bgp.wire.Prefix;
import ocelot.control.ipam.BlockAffinityIpam;
import ocelot.control.resource.AsNumber;
import ocelot.control.resource.BgpPeer;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.ClusterSetting;
import ocelot.control.resource.IpAddress;
import ocelot.control.resource.IpPool;
import ocelot.control.resource.Kind;
import ocelot.control.resource.NodeResource;
import ocelot.control.resource.ResourceCodec;
import ocelot.control.resource.ResourceKey;
import ocelot.control.resource.WorkloadEndpoint;

/**
 * What one node's BGP speaker needs, read from the datastore's keys: the Calico peering inputs
 * (settings asNumber/nodeToNodeMesh, every node's BGP address and AS, every bgpPeer) and the
 * routes this node originates. Those are Calico's: its affine IPAM blocks, plus a host route for
 * each local endpoint address outside them (an address borrowed from another node's block),
 * and only inside an IP pool, as Calico's BIRD export filter ({@code calico_pools}) allows.
 *
 * <p>Built from a plain key-value map so the agent can keep one mirror of the store up to date
 * from its watch and rebuild this from it at any revision.
 */
public record NodeRoutingState(PeeringInputs peering, List<Prefix> localRoutes,
                               Map<Prefix, List<Long>> extendedCommunities, List<String> warnings, int maximumPaths) {
    static final String NODES = ResourceKey.folder(Kind.NODE);
    static final String PEERS = ResourceKey.folder(Kind.BGP_PEER);
    static final String POOLS = ResourceKey.folder(Kind.IP_POOL);
    static final String ENDPOINTS = ResourceKey.folder(Kind.WORKLOAD_ENDPOINT);
    static final String BLOCKS = BlockAffinityIpam.ROOT + "block/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether a change to {@code key} can change any node's routing state. */
    static boolean relevant(String key) {
        return key.startsWith(NODES) || key.startsWith(PEERS) || key.startsWith(POOLS) || key.startsWith(ENDPOINTS)
                || key.startsWith(BLOCKS) || key.equals(ClusterSetting.AS_NUMBER.datastoreKey())
                || key.equals(ClusterSetting.NODE_TO_NODE_MESH.datastoreKey()) || key.equals(ClusterSetting.BGP_HOLD_TIME.datastoreKey())
                || key.equals(ClusterSetting.BGP_KEEPALIVE_TIME.datastoreKey())
                || key.equals(ClusterSetting.GRACEFUL_RESTART_TIME.datastoreKey())
                || key.equals(ClusterSetting.GRACEFUL_RESTART_NOTIFICATION.datastoreKey())
                || key.equals(ClusterSetting.MAXIMUM_PATHS.datastoreKey());
    }

    /**
     * Reads the state of node {@code nodeName} from {@code keys} (datastore key -> stored value).
     * A damaged node or bgpPeer record is an exception naming its key: the agent
     * then keeps its current sessions rather than dropping peers it can no longer see.
     */
    public static NodeRoutingState read(SortedMap<String, String> keys, String nodeName, int bgpPort) {
        List<String> warnings = new ArrayList<>();
        int gracefulRestartSeconds = Integer.parseInt(value(keys, ClusterSetting.GRACEFUL_RESTART_TIME));
        boolean gracefulRestartNotification = value(keys, ClusterSetting.GRACEFUL_RESTART_NOTIFICATION).equals("true");
        long defaultAs = AsNumber.parse(value(keys, ClusterSetting.AS_NUMBER)).value();
        boolean mesh = value(keys, ClusterSetting.NODE_TO_NODE_MESH).equals("on");
        int holdTime = Integer.parseInt(value(keys, ClusterSetting.BGP_HOLD_TIME));
        String keepalive = value(keys, ClusterSetting.BGP_KEEPALIVE_TIME);
        int keepaliveTime = keepalive.equals("auto") ? 0 : Integer.parseInt(keepalive);
        if (keepaliveTime >= holdTime) {
            throw new IllegalArgumentException(ClusterSetting.BGP_KEEPALIVE_TIME.datastoreKey() + ": " + keepaliveTime
                    + " s must be shorter than bgpHoldTime " + holdTime + " s");
        }

        List<CalicoNode> nodes = new ArrayList<>();
        for (Map.Entry<String, String> e : keys.subMap(NODES, NODES + Character.MAX_VALUE).entrySet()) {
            NodeResource n = (NodeResource) ResourceCodec.fromStored(e.getKey(), e.getValue());
            NodeResource.Bgp bgp = n.bgp();
            if (bgp == null || (bgp.ipv4Address() == null && bgp.ipv6Address() == null)) {
                if (n.name().equals(nodeName)) nodes.add(new CalicoNode(n.name(), null, null, null, null));
                continue; // Calico: a node without BGP addresses takes no part in peering
            }
            nodes.add(new CalicoNode(n.name(), inet(bgp.ipv4Address()), inet(bgp.ipv6Address()),
                    bgp.asNumber() == null ? null : bgp.asNumber().value(),
                    bgp.routeReflectorClusterID() == null ? null : inet(bgp.routeReflectorClusterID())));
        }
        List<BgpPeerSpec> peers = new ArrayList<>();
        for (Map.Entry<String, String> e : keys.subMap(PEERS, PEERS + Character.MAX_VALUE).entrySet()) {
            BgpPeer p = (BgpPeer) ResourceCodec.fromStored(e.getKey(), e.getValue());
            BgpPeerSpec.DynamicRange dynamic = p.dynamic() == null ? null : new BgpPeerSpec.DynamicRange(p.dynamic().prefixLength(),
                    p.dynamic().asNumberLast().value(), p.dynamic().listenLimit());
            peers.add(new BgpPeerSpec(p.scope() == BgpPeer.Scope.GLOBAL ? BgpPeerSpec.Scope.GLOBAL : BgpPeerSpec.Scope.NODE,
                    p.scope() == BgpPeer.Scope.GLOBAL ? null : p.node(), inet(p.peerIp()), p.asNumber().value(), p.password(), p.ttlSecurity(),
                    p.holdTime(), p.keepaliveTime(), dynamic,
                    p.bfd() == null ? null : new BfdConfig(p.bfd().intervalMillis(), p.bfd().intervalMillis(), p.bfd().multiplier())));
        }
        PeeringInputs inputs = new PeeringInputs(nodeName, nodes, peers, defaultAs, mesh, bgpPort, gracefulRestartSeconds,
                holdTime, keepaliveTime, gracefulRestartNotification);
        List<IpPool> pools = new ArrayList<>();
        for (Map.Entry<String, String> e : keys.subMap(POOLS, POOLS + Character.MAX_VALUE).entrySet()) {
            pools.add((IpPool) ResourceCodec.fromStored(e.getKey(), e.getValue()));
        }
        List<Prefix> routes = localRoutes(keys, nodeName, pools.stream().map(IpPool::cidr).toList(), warnings);
        int maximumPaths = Integer.parseInt(value(keys, ClusterSetting.MAXIMUM_PATHS));
        return new NodeRoutingState(inputs, routes, extendedCommunities(routes, pools), warnings, maximumPaths);
    }

    /**
     * The extended communities of each route (Ocelot's {@code ipPool.spec.bgpExtendedCommunities}):
     * those of the most specific pool holding it; routes without any are left out. The reader has
     * checked every text, so parsing cannot fail here.
     */
    static Map<Prefix, List<Long>> extendedCommunities(List<Prefix> routes, List<IpPool> pools) {
        Map<Prefix, List<Long>> out = new java.util.LinkedHashMap<>();
        for (Prefix r : routes) {
            Cidr route = Cidr.parse(r.toString());
            IpPool best = null;
            for (IpPool p : pools) {
                if (p.cidr().contains(route) && (best == null || p.cidr().prefixLength() > best.cidr().prefixLength())) best = p;
            }
            if (best == null || best.bgpExtendedCommunities() == null || best.bgpExtendedCommunities().isEmpty()) continue;
            out.put(r, best.bgpExtendedCommunities().stream().map(ocelot.bgp.wire.ExtendedCommunity::parse).toList());
        }
        return Map.copyOf(out);
    }

    private static List<Prefix> localRoutes(SortedMap<String, String> keys, String nodeName, List<Cidr> pools, List<String> warnings) {
        List<Cidr> blocks = new ArrayList<>();
        String affinity = "host:" + nodeName;
        for (Map.Entry<String, String> e : keys.subMap(BLOCKS, BLOCKS + Character.MAX_VALUE).entrySet()) {
            JsonNode block;
            try {
                block = JSON.readTree(e.getValue());
            } catch (IOException ex) {
                throw new IllegalArgumentException(e.getKey() + ": IPAM block is not JSON: " + ex.getMessage());
            }
            if (!affinity.equals(block.path("affinity").asText(null))) continue;
            Cidr cidr;
            try {
                cidr = Cidr.parse(block.path("cidr").asText(""));
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException(e.getKey() + ": cidr: " + ex.getMessage());
            }
            blocks.add(cidr);
        }
        TreeSet<Prefix> routes = new TreeSet<>();
        for (Cidr b : blocks) {
            if (inPool(b, pools)) routes.add(Prefix.parse(b.toString()));
            else warnings.add("affine block " + b + " is outside every IP pool: not announced");
        }
        String mine = ENDPOINTS + nodeName + "/";
        for (Map.Entry<String, String> e : keys.subMap(mine, mine + Character.MAX_VALUE).entrySet()) {
            WorkloadEndpoint w = (WorkloadEndpoint) ResourceCodec.fromStored(e.getKey(), e.getValue());
            if (w.ipNetworks() == null) continue;
            for (Cidr net : w.ipNetworks()) {
                if (blocks.stream().anyMatch(b -> b.contains(net))) continue;
                if (!inPool(net, pools)) {
                    warnings.add("workload endpoint " + w.workload() + "/" + w.name() + " address " + net + " is outside every IP pool: not announced");
                    continue;
                }
                routes.add(Prefix.parse(net.masked().toString()));
            }
        }
        return List.copyOf(routes);
    }

    private static boolean inPool(Cidr c, List<Cidr> pools) {
        return pools.stream().anyMatch(p -> p.contains(c));
    }

    private static String value(SortedMap<String, String> keys, ClusterSetting s) {
        String v = keys.get(s.datastoreKey());
        if (v == null) return s.defaultValue();
        try {
            return s.canonical(v.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(s.datastoreKey() + ": " + e.getMessage());
        }
    }

    private static InetAddress inet(Cidr c) {
        return c == null ? null : inet(c.address());
    }

    private static InetAddress inet(IpAddress a) {
        try {
            return InetAddress.getByAddress(a.toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of " + a.toBytes().length + " bytes", e);
        }
    }
}
