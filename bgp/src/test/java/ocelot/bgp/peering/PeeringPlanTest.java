package ocelot.bgp.peering;

import ocelot.bgp.speaker.PeerSettings;
import ocelot.bgp.wire.IpAddresses;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Calico's peering rules from plain inputs: mesh, global and node-scoped peers, AS per rack, route reflectors. */
class PeeringPlanTest {
    static CalicoNode node(String name, String ip, Long as, String cluster) {
        return new CalicoNode(name, IpAddresses.inet(ip), null, as, cluster == null ? null : IpAddresses.inet(cluster));
    }

    static Map<String, PeerSettings> byPeer(PeeringPlan plan) {
        return plan.peers().stream().collect(Collectors.toMap(p -> p.session().peerAddress().getHostAddress(), p -> p));
    }

    final List<CalicoNode> nodes = List.of(node("a", "10.0.0.1", null, null), node("b", "10.0.0.2", null, null),
            node("c", "10.0.0.3", 65003L, null));

    @Test
    void nodeToNodeMeshPeersWithEveryOtherNodeAndOnlyTheLowerAddressDials() {
        PeeringPlan plan = PeeringPlan.of(PeeringInputs.of("b", nodes, List.of(), 64512, true));
        Map<String, PeerSettings> p = byPeer(plan);
        assertEquals(2, p.size());
        assertEquals(PeeringPlan.MESH, p.get("10.0.0.1").peerType());
        assertFalse(p.get("10.0.0.1").session().passive());
        assertTrue(p.get("10.0.0.3").session().passive(), "the higher address dials us");
        assertEquals(64512, p.get("10.0.0.1").session().peerAs());
        assertEquals(65003, p.get("10.0.0.3").session().peerAs(), "per-node AS: an eBGP mesh session");
        assertTrue(p.get("10.0.0.3").session().external());
        assertEquals(IpAddresses.inet("10.0.0.2"), p.get("10.0.0.1").session().localAddress());
        assertEquals(IpAddresses.toInt(IpAddresses.inet("10.0.0.2")), plan.speaker().routerId());
        assertTrue(p.get("10.0.0.1").nextHopSelf());
    }

    @Test
    void meshOffLeavesOnlyBgpPeersAndScopesApply() {
        List<BgpPeerSpec> peers = List.of(
                new BgpPeerSpec(BgpPeerSpec.Scope.GLOBAL, null, IpAddresses.inet("192.0.2.1"), 64600, null),
                new BgpPeerSpec(BgpPeerSpec.Scope.NODE, "a", IpAddresses.inet("192.0.2.2"), 64601, "s3cret"),
                new BgpPeerSpec(BgpPeerSpec.Scope.NODE, "b", IpAddresses.inet("192.0.2.3"), 64602, null));
        Map<String, PeerSettings> p = byPeer(PeeringPlan.of(PeeringInputs.of("a", nodes, peers, 64512, false)));
        assertEquals(Map.of("192.0.2.1", PeeringPlan.GLOBAL, "192.0.2.2", PeeringPlan.NODE_SPECIFIC),
                p.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().peerType())));
        assertEquals("s3cret", p.get("192.0.2.2").session().md5Password());
    }

    @Test
    void routeReflectorTreatsSameAsPeersOutsideItsClusterAsClients() {
        List<CalicoNode> n = List.of(node("rr1", "10.0.0.10", null, "224.0.0.1"), node("rr2", "10.0.0.11", null, "224.0.0.1"),
                node("w1", "10.0.0.20", null, null), node("w2", "10.0.0.21", null, null));
        // Calico's RR setup: mesh off, a global peer to each reflector.
        List<BgpPeerSpec> peers = List.of(
                new BgpPeerSpec(BgpPeerSpec.Scope.GLOBAL, null, IpAddresses.inet("10.0.0.10"), 64512, null),
                new BgpPeerSpec(BgpPeerSpec.Scope.GLOBAL, null, IpAddresses.inet("10.0.0.11"), 64512, null),
                new BgpPeerSpec(BgpPeerSpec.Scope.NODE, "rr1", IpAddresses.inet("10.0.0.20"), 64512, null),
                new BgpPeerSpec(BgpPeerSpec.Scope.NODE, "rr1", IpAddresses.inet("10.0.0.21"), 64512, null));
        PeeringPlan rr = PeeringPlan.of(PeeringInputs.of("rr1", n, peers, 64512, false));
        assertEquals(IpAddresses.toInt(IpAddresses.inet("224.0.0.1")), rr.speaker().clusterId());
        Map<String, PeerSettings> p = byPeer(rr);
        assertFalse(p.containsKey("10.0.0.10"), "a reflector skips itself");
        assertFalse(p.get("10.0.0.11").routeReflectorClient(), "same cluster: non-client");
        assertTrue(p.get("10.0.0.20").routeReflectorClient());
        assertFalse(p.get("10.0.0.20").nextHopSelf(), "reflected routes keep their next hop");
        Map<String, PeerSettings> w = byPeer(PeeringPlan.of(PeeringInputs.of("w1", n, peers, 64512, false)));
        assertEquals(2, w.size());
        assertFalse(w.get("10.0.0.10").routeReflectorClient());
        assertEquals(0, PeeringPlan.of(PeeringInputs.of("w1", n, peers, 64512, false)).speaker().clusterId());
    }

    @Test
    void timersComeFromTheBgpPeerElseTheCluster() {
        List<BgpPeerSpec> peers = List.of(
                new BgpPeerSpec(BgpPeerSpec.Scope.GLOBAL, null, IpAddresses.inet("192.0.2.1"), 64512, null, 0, 30, 0),
                new BgpPeerSpec(BgpPeerSpec.Scope.NODE, "a", IpAddresses.inet("192.0.2.2"), 64512, null, 0, 20, 5),
                new BgpPeerSpec(BgpPeerSpec.Scope.GLOBAL, null, IpAddresses.inet("192.0.2.3"), 64512, null));
        Map<String, PeerSettings> p = byPeer(PeeringPlan.of(new PeeringInputs("a", nodes, peers, 64512, true, 179, 0, 9, 2)));
        assertEquals(9, p.get("10.0.0.2").session().holdTimeSeconds(), "the mesh: the cluster's hold time");
        assertEquals(2, p.get("10.0.0.2").session().keepaliveSeconds());
        assertEquals(9, p.get("192.0.2.3").session().holdTimeSeconds(), "a bgpPeer without timers: the cluster's");
        assertEquals(30, p.get("192.0.2.1").session().holdTimeSeconds());
        assertEquals(0, p.get("192.0.2.1").session().keepaliveSeconds(), "its own hold time: a third of it, not the cluster's 2 s");
        assertEquals(20, p.get("192.0.2.2").session().holdTimeSeconds());
        assertEquals(5, p.get("192.0.2.2").session().keepaliveSeconds());
        assertEquals(PeeringInputs.DEFAULT_HOLD_SECONDS,
                byPeer(PeeringPlan.of(PeeringInputs.of("a", nodes, List.of(), 64512, true))).get("10.0.0.2").session().holdTimeSeconds());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new BgpPeerSpec(BgpPeerSpec.Scope.GLOBAL, null, IpAddresses.inet("192.0.2.1"), 64512, null, 0, 2, 0))
                .getMessage().contains("holdTime 2 not in 3..65535"));
    }

    @Test
    void mostSpecificEntryWinsForADuplicatedAddress() {
        List<BgpPeerSpec> peers = List.of(new BgpPeerSpec(BgpPeerSpec.Scope.NODE, "a", IpAddresses.inet("10.0.0.2"), 64512, null));
        assertEquals(PeeringPlan.NODE_SPECIFIC, byPeer(PeeringPlan.of(PeeringInputs.of("a", nodes, peers, 64512, true))).get("10.0.0.2").peerType());
    }

    /** A CIDR bgpPeer is a listen range, not a peer; the node's own range hides a global one of the same CIDR. */
    @Test
    void cidrBgpPeerBecomesAListenRange() {
        List<BgpPeerSpec> peers = List.of(
                new BgpPeerSpec(BgpPeerSpec.Scope.GLOBAL, null, IpAddresses.inet("10.1.0.0"), 64601, null, 0, 0, 0,
                        new BgpPeerSpec.DynamicRange(24, 64601, 10)),
                new BgpPeerSpec(BgpPeerSpec.Scope.NODE, "a", IpAddresses.inet("10.1.0.0"), 64601, null, 0, 0, 0,
                        new BgpPeerSpec.DynamicRange(24, 64699, 3)),
                new BgpPeerSpec(BgpPeerSpec.Scope.NODE, "b", IpAddresses.inet("10.2.0.0"), 64601, null, 0, 0, 0,
                        new BgpPeerSpec.DynamicRange(24, 64601, 3)));
        PeeringPlan plan = PeeringPlan.of(PeeringInputs.of("a", nodes, peers, 64512, false));
        assertTrue(plan.peers().isEmpty());
        assertEquals(1, plan.listenRanges().size());
        var r = plan.listenRanges().getFirst();
        assertEquals("10.1.0.0/24", r.toString());
        assertEquals(3, r.limit());
        assertTrue(r.contains(IpAddresses.inet("10.1.0.77")));
        assertFalse(r.contains(IpAddresses.inet("10.1.1.1")));
        var s = r.settingsFor(IpAddresses.inet("10.1.0.77")).session();
        assertEquals(IpAddresses.inet("10.1.0.77"), s.peerAddress());
        assertTrue(s.passive());
        assertTrue(s.acceptsPeerAs(64650) && !s.acceptsPeerAs(64700) && !s.acceptsPeerAs(64600));
        assertEquals(64650, s.withPeerAs(64650).peerAs());
        assertFalse(s.withPeerAs(64650).peerAsRange());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ocelot.bgp.speaker.ListenRange(IpAddresses.inet("10.1.0.1"), 24, 3,
                r.template())).getMessage().contains("host bits set (did you mean 10.1.0.0/24?)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BgpPeerSpec(BgpPeerSpec.Scope.GLOBAL, null,
                IpAddresses.inet("10.1.0.0"), 64601, null, 0, 0, 0, new BgpPeerSpec.DynamicRange(24, 64600, 3))).getMessage().contains("64601-64600"));
    }

    @Test
    void badInputsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PeeringPlan.of(PeeringInputs.of("zz", nodes, List.of(), 64512, true)))
                .getMessage().contains("'zz'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new BgpPeerSpec(BgpPeerSpec.Scope.NODE, null, IpAddresses.inet("10.1.1.1"), 1, null))
                .getMessage().contains("10.1.1.1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> node("x", "10.0.0.9", 0L, null)).getMessage().contains("asNumber 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PeeringPlan.of(PeeringInputs.of("a",
                List.of(node("a", "10.0.0.1", null, null), node("b", "10.0.0.1", null, null)), List.of(), 64512, true)))
                .getMessage().contains("share ipv4Address 10.0.0.1"));
    }
}
