package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import ocelot.bgp.peering.PeeringPlan;
import ocelot.bgp.speaker.PeerSettings;
import ocelot.bgp.wire.Prefix;
import ocelot.control.resource.AsNumber;
import ocelot.control.resource.BgpPeer;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.ClusterSetting;
import ocelot.control.resource.IpAddress;
import ocelot.control.resource.IpPool;
import ocelot.control.resource.NodeResource;
import ocelot.control.resource.Resource;
import ocelot.control.resource.ResourceCodec;
import ocelot.control.resource.WorkloadEndpoint;
import org.junit.jupiter.api.Test;

/** Datastore keys -> Calico peering inputs and local routes, without sockets. */
class NodeRoutingStateTest {
    private final SortedMap<String, String> keys = new TreeMap<>();

    private void put(Resource... resources) {
        for (Resource r : resources) keys.put(r.key().datastoreKey(), ResourceCodec.toStored(r));
    }

    private void block(String cidr, String node) {
        keys.put(NodeRoutingState.BLOCKS + cidr.replace('/', '-'), "{\"cidr\":\"" + cidr + "\",\"affinity\":\"host:" + node + "\",\"allocations\":[]}");
    }

    private static NodeResource node(String name, String ip, Long as) {
        return new NodeResource(name, new NodeResource.Bgp(as == null ? null : AsNumber.of(as), Cidr.parseInterface(ip), null));
    }

    @Test
    void asPerRackNodeScopedPeersAndNodesWithoutBgp() {
        keys.put(ClusterSetting.AS_NUMBER.datastoreKey(), "64512");
        put(node("a", "10.0.0.1/24", 65001L), node("b", "10.0.0.2/24", null), new NodeResource("c", null),
                new BgpPeer(BgpPeer.Scope.NODE, "a", IpAddress.parse("10.0.0.254"), AsNumber.of(65001)),
                new BgpPeer(BgpPeer.Scope.NODE, "b", IpAddress.parse("10.0.0.253"), AsNumber.of(64512)),
                new BgpPeer(BgpPeer.Scope.GLOBAL, null, IpAddress.parse("10.0.9.9"), AsNumber.of(64999)));
        PeeringPlan plan = PeeringPlan.of(NodeRoutingState.read(keys, "a", 179).peering());
        assertEquals(65001, plan.speaker().localAs());
        Map<String, PeerSettings> byPeer = new TreeMap<>();
        for (PeerSettings p : plan.peers()) byPeer.put(p.session().peerAddress().getHostAddress(), p);
        assertEquals(List.of("10.0.0.2", "10.0.0.254", "10.0.9.9"), List.copyOf(byPeer.keySet()), "c has no BGP address; b's own peer is b's");
        assertEquals("node-to-node mesh", byPeer.get("10.0.0.2").peerType());
        assertEquals(64512, byPeer.get("10.0.0.2").session().peerAs(), "b has no AS of its own: the global one");
        assertTrue(byPeer.get("10.0.0.2").session().external());
        assertEquals("node specific", byPeer.get("10.0.0.254").peerType());
        assertFalse(byPeer.get("10.0.0.254").session().external());

        keys.put(ClusterSetting.NODE_TO_NODE_MESH.datastoreKey(), "off");
        assertEquals(2, PeeringPlan.of(NodeRoutingState.read(keys, "a", 179).peering()).peers().size());
    }

    @Test
    void bgpTimersFromTheClusterSettingsAndTheBgpPeer() {
        put(node("a", "10.0.0.1/24", null), node("b", "10.0.0.2/24", null),
                new BgpPeer(BgpPeer.Scope.GLOBAL, null, IpAddress.parse("10.0.9.9"), AsNumber.of(64512), null, 0, 30, 10));
        Map<String, PeerSettings> defaults = byPeer(PeeringPlan.of(NodeRoutingState.read(keys, "a", 179).peering()));
        assertEquals(90, defaults.get("10.0.0.2").session().holdTimeSeconds(), "Calico's 90 s when nothing is set");
        assertEquals(0, defaults.get("10.0.0.2").session().keepaliveSeconds());

        keys.put(ClusterSetting.BGP_HOLD_TIME.datastoreKey(), "9");
        keys.put(ClusterSetting.BGP_KEEPALIVE_TIME.datastoreKey(), "3");
        assertTrue(NodeRoutingState.relevant(ClusterSetting.BGP_HOLD_TIME.datastoreKey()));
        Map<String, PeerSettings> set = byPeer(PeeringPlan.of(NodeRoutingState.read(keys, "a", 179).peering()));
        assertEquals(9, set.get("10.0.0.2").session().holdTimeSeconds());
        assertEquals(3, set.get("10.0.0.2").session().keepaliveSeconds());
        assertEquals(30, set.get("10.0.9.9").session().holdTimeSeconds(), "the bgpPeer's own timers win");
        assertEquals(10, set.get("10.0.9.9").session().keepaliveSeconds());

        keys.put(ClusterSetting.BGP_KEEPALIVE_TIME.datastoreKey(), "9");
        assertEquals("/ocelot/v1/config/bgpKeepaliveTime: 9 s must be shorter than bgpHoldTime 9 s",
                assertThrows(IllegalArgumentException.class, () -> NodeRoutingState.read(keys, "a", 179)).getMessage());
        assertEquals("bgpHoldTime must be whole seconds in 3..65535, got '2'",
                assertThrows(IllegalArgumentException.class, () -> ClusterSetting.BGP_HOLD_TIME.canonical("2")).getMessage());
        assertEquals("auto", ClusterSetting.BGP_KEEPALIVE_TIME.canonical("AUTO"));
    }

    @Test
    void gracefulRestartTimeFromTheClusterSetting() {
        put(node("a", "10.0.0.1/24", null), node("b", "10.0.0.2/24", null));
        assertEquals(120, byPeer(PeeringPlan.of(NodeRoutingState.read(keys, "a", 179).peering())).get("10.0.0.2").session()
                .gracefulRestartSeconds(), "on at BIRD's 120 s, as Calico's template, when nothing is set");
        assertTrue(NodeRoutingState.relevant(ClusterSetting.GRACEFUL_RESTART_TIME.datastoreKey()));
        keys.put(ClusterSetting.GRACEFUL_RESTART_TIME.datastoreKey(), "30");
        assertEquals(30, byPeer(PeeringPlan.of(NodeRoutingState.read(keys, "a", 179).peering())).get("10.0.0.2").session().gracefulRestartSeconds());
        keys.put(ClusterSetting.GRACEFUL_RESTART_TIME.datastoreKey(), "0");
        assertEquals(0, byPeer(PeeringPlan.of(NodeRoutingState.read(keys, "a", 179).peering())).get("10.0.0.2").session().gracefulRestartSeconds(),
                "0: no graceful restart capability");
        assertEquals("gracefulRestartTime must be whole seconds in 0..4095 (0: no graceful restart; RFC 4724's restart time has 12 bits), got '4096'",
                assertThrows(IllegalArgumentException.class, () -> ClusterSetting.GRACEFUL_RESTART_TIME.canonical("4096")).getMessage());
        keys.put(ClusterSetting.GRACEFUL_RESTART_TIME.datastoreKey(), "soon");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NodeRoutingState.read(keys, "a", 179)).getMessage()
                .startsWith("/ocelot/v1/config/gracefulRestartTime: gracefulRestartTime must be"));
    }

    private static Map<String, PeerSettings> byPeer(PeeringPlan plan) {
        Map<String, PeerSettings> byPeer = new TreeMap<>();
        for (PeerSettings p : plan.peers()) byPeer.put(p.session().peerAddress().getHostAddress(), p);
        return byPeer;
    }

    @Test
    void routeReflectorClusterIdAndPeerPasswordReachTheSpeakerSettings() {
        put(new NodeResource("rr", new NodeResource.Bgp(null, Cidr.parseInterface("10.0.0.1/24"), null, IpAddress.parse("244.0.0.1"))),
                node("b", "10.0.0.2/24", null),
                new BgpPeer(BgpPeer.Scope.GLOBAL, null, IpAddress.parse("10.0.9.9"), AsNumber.of(64512), "s3cr3t"));
        keys.put(ClusterSetting.NODE_TO_NODE_MESH.datastoreKey(), "off");
        PeeringPlan rr = PeeringPlan.of(NodeRoutingState.read(keys, "rr", 179).peering());
        assertEquals(IpAddress.parse("244.0.0.1").value().intValue(), rr.speaker().clusterId());
        PeerSettings peer = rr.peers().getFirst();
        assertEquals("s3cr3t", peer.session().md5Password());
        assertTrue(peer.routeReflectorClient(), "a same-AS peer of a reflector that is not in its cluster is its client");
        PeeringPlan b = PeeringPlan.of(NodeRoutingState.read(keys, "b", 179).peering());
        assertEquals(0, b.speaker().clusterId());
        assertFalse(b.peers().getFirst().routeReflectorClient());
    }

    @Test
    void affineBlocksAndBorrowedAddressesInsidePoolsOnly() {
        put(node("a", "10.0.0.1/24", null), node("b", "10.0.0.2/24", null), new IpPool(Cidr.parse("10.70.0.0/16"), null, true, null, null));
        block("10.70.0.0/26", "a");
        block("10.70.0.64/26", "b");
        block("10.80.0.0/26", "a"); // left behind by a deleted pool
        put(new WorkloadEndpoint("eth0", "p1", "k8s", "a", Map.of(), "cali1", null, List.of(Cidr.parse("10.70.0.5/32")), null, null),
                new WorkloadEndpoint("eth0", "p2", "k8s", "a", Map.of(), "cali2", null, List.of(Cidr.parse("10.70.0.70/32")), null, null),
                new WorkloadEndpoint("eth0", "p3", "k8s", "b", Map.of(), "cali3", null, List.of(Cidr.parse("10.70.0.71/32")), null, null));
        NodeRoutingState a = NodeRoutingState.read(keys, "a", 179);
        assertEquals(List.of(Prefix.parse("10.70.0.0/26"), Prefix.parse("10.70.0.70/32")), a.localRoutes(),
                "own block, plus the address borrowed from b's block; not b's endpoint, not the block outside every pool");
        assertEquals(List.of("affine block 10.80.0.0/26 is outside every IP pool: not announced"), a.warnings());
    }

    @Test
    void damagedRecordsAreNamed() {
        put(node("a", "10.0.0.1/24", null));
        keys.put(ClusterSetting.AS_NUMBER.datastoreKey(), "sixty");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeRoutingState.read(keys, "a", 179));
        assertTrue(e.getMessage().startsWith("/ocelot/v1/config/asNumber: "), e.getMessage());
        keys.remove(ClusterSetting.AS_NUMBER.datastoreKey());
        block("10.70.0.0/26", "a");
        keys.put(NodeRoutingState.BLOCKS + "10.70.0.64-26", "{\"cidr\":\"10.70.0.64/99\",\"affinity\":\"host:a\"}");
        e = assertThrows(IllegalArgumentException.class, () -> NodeRoutingState.read(keys, "a", 179));
        assertTrue(e.getMessage().startsWith("/ocelot/v1/ipam/block/10.70.0.64-26: cidr: "), e.getMessage());
        keys.remove(NodeRoutingState.BLOCKS + "10.70.0.64-26");
        put(new NodeResource("a", null));
        e = assertThrows(IllegalArgumentException.class, () -> PeeringPlan.of(NodeRoutingState.read(keys, "a", 179).peering()));
        assertTrue(e.getMessage().contains("node a has no ipv4Address"), e.getMessage());
    }

    /** Ocelot's ipPool.spec.bgpExtendedCommunities: on the pool's blocks and borrowed addresses, by the most specific pool. */
    @Test
    void routesCarryTheirPoolsExtendedCommunities() {
        put(node("a", "10.0.0.1/24", null),
                new IpPool(Cidr.parse("10.70.0.0/16"), null, true, null, null, List.of("rt:65000:70")),
                new IpPool(Cidr.parse("10.70.128.0/17"), null, true, null, null, List.of("rt:65000:128", "ro:10.0.0.1:1")),
                new IpPool(Cidr.parse("10.71.0.0/16"), null, true, null, null));
        block("10.70.0.0/26", "a");
        block("10.70.128.0/26", "a");
        block("10.71.0.0/26", "a");
        put(new WorkloadEndpoint("eth0", "p1", "k8s", "a", Map.of(), "cali1", null, List.of(Cidr.parse("10.70.1.9/32")), null, null));
        NodeRoutingState a = NodeRoutingState.read(keys, "a", 179);
        long rt70 = ocelot.bgp.wire.ExtendedCommunity.parse("rt:65000:70");
        assertEquals(Map.of(
                Prefix.parse("10.70.0.0/26"), List.of(rt70),
                Prefix.parse("10.70.1.9/32"), List.of(rt70),
                Prefix.parse("10.70.128.0/26"), List.of(ocelot.bgp.wire.ExtendedCommunity.parse("rt:65000:128"),
                        ocelot.bgp.wire.ExtendedCommunity.parse("ro:10.0.0.1:1"))), a.extendedCommunities(),
                "the /17 pool's own; none for the pool without any");
        assertEquals(4, a.localRoutes().size());
    }
}
