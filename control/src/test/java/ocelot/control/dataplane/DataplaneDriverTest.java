package ocelot.control.dataplane;

import static ocelot.control.dataplane.TestNode.CALI1_MAC;
import static ocelot.control.dataplane.TestNode.CALI2_MAC;
import static ocelot.control.dataplane.TestNode.EP1_MAC;
import static ocelot.control.dataplane.TestNode.EP2_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.control.ipam.BlockAffinityIpam;
import ocelot.fastpath.Frames;
import ocelot.fastpath.counter.Counter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver from a real embedded datastore into a real fastpath: two workload endpoints on
 * cali1/cali2, a profile, then policies created and deleted, checked by the packets that pass.
 */
class DataplaneDriverTest {
    static final String BASE = """
            - apiVersion: v1
              kind: ipPool
              metadata: {cidr: 10.65.0.0/16}
              spec: {nat-outgoing: true}
            - apiVersion: v1
              kind: profile
              metadata: {name: open}
              spec:
                ingress: [{action: allow}]
                egress: [{action: allow}]
            """ + endpoint("ep1", "cali1", "0a:58:0a:41:00:02", "10.65.0.2", "role: client", "open")
            + endpoint("ep2", "cali2", "0a:58:0a:41:00:03", "10.65.0.3", "role: server", "open");

    @TempDir
    Path dir;
    TestNode node;
    int sourcePort = 40000;

    static String endpoint(String name, String iface, String mac, String address, String labels, String profile) {
        return """
                - apiVersion: v1
                  kind: workloadEndpoint
                  metadata: {name: eth0, workload: %s, orchestrator: cni, node: node1, labels: {%s}}
                  spec:
                    interfaceName: %s
                    mac: "%s"
                    ipNetworks: [%s]
                    profiles: [%s]
                """.formatted(name, labels, iface, mac, address.contains("/") ? address : address + "/32", profile);
    }

    @BeforeEach
    void start() {
        node = new TestNode(dir, BASE);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    /** A new UDP flow from ep1 to {@code dst}: true when a frame left cali2 for ep2. */
    boolean ep1ToEp2() {
        node.send(node.cali1, Frames.udp(CALI1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", sourcePort++, 5000, 64, 16));
        List<byte[]> out = node.cali2.drainTransmitted();
        if (out.isEmpty()) return false;
        assertEquals(1, out.size());
        assertEquals(EP2_MAC, Frames.dmac(out.get(0)));
        assertEquals(CALI2_MAC, Frames.smac(out.get(0)));
        assertEquals(63, Frames.ttl(out.get(0), 14));
        return true;
    }

    @Test
    void endpointsForwardUnderTheirProfile() {
        assertTrue(ep1ToEp2());
        var state = node.driver.published();
        assertEquals(2, state.endpoints().size());
        assertEquals(2, node.driver.metrics().activeEndpoints());
        assertTrue(state.routes().stream().anyMatch(r -> r.length() == 32 && r.nextHop() instanceof ocelot.fastpath.state.NextHop.ToEndpoint t
                && t.endpoint().equals("cni/ep2/eth0")), state.routes().toString());
        StringBuilder metrics = new StringBuilder();
        node.driver.metrics().render(metrics);
        assertTrue(metrics.toString().contains("ocelot_active_local_endpoints 2"), metrics.toString());
        assertTrue(node.driver.problems().isEmpty(), node.driver.problems().toString());
    }

    @Test
    void denyPolicyStopsNewFlowsAndItsDeletionRestoresThem() throws Exception {
        String deny = """
                apiVersion: v1
                kind: policy
                metadata: {name: deny-clients}
                spec:
                  order: 10
                  selector: role == 'server'
                  ingress:
                  - action: deny
                    source: {selector: role == 'client'}
                  - action: allow
                """;
        assertTrue(ep1ToEp2());
        long publishes = node.driver.metrics().publishes();
        node.apply(deny);
        assertEquals(publishes + 1, node.driver.metrics().publishes(), "one change, one publish");
        long deniedBefore = node.fastpath.counters().get(Counter.DROP_POLICY_INGRESS);
        assertTrue(!ep1ToEp2(), "a new flow from a client is denied");
        assertEquals(deniedBefore + 1, node.fastpath.counters().get(Counter.DROP_POLICY_INGRESS));
        assertEquals(1, node.driver.metrics().activePolicies());
        node.delete(deny);
        assertTrue(ep1ToEp2(), "deleting the policy lets new flows through again");
        assertEquals(0, node.driver.metrics().activePolicies());
    }

    @Test
    void profileRulesApplyAndAPolicyPassesToThem() throws Exception {
        node.apply("""
                - apiVersion: v1
                  kind: profile
                  metadata: {name: open}
                  spec:
                    ingress:
                    - action: allow
                      protocol: udp
                      destination: {ports: [5001]}
                    egress: [{action: allow}]
                """);
        assertTrue(!ep1ToEp2(), "the profile allows only UDP 5001 in");
        node.send(node.cali1, Frames.udp(CALI1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", sourcePort++, 5001, 64, 16));
        assertEquals(1, node.cali2.drainTransmitted().size(), "UDP 5001 is allowed by the profile");
        // a policy whose rule passes goes on to the profile; one that allows decides before it
        node.apply("""
                apiVersion: v1
                kind: policy
                metadata: {name: pass-then-profile}
                spec:
                  selector: role == 'server'
                  ingress: [{action: pass, protocol: udp}]
                  egress: [{action: allow}]
                """);
        assertTrue(!ep1ToEp2(), "pass: the profile still decides");
        node.send(node.cali1, Frames.udp(CALI1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", sourcePort++, 5001, 64, 16));
        assertEquals(1, node.cali2.drainTransmitted().size());
        node.apply("""
                apiVersion: v1
                kind: policy
                metadata: {name: pass-then-profile}
                spec:
                  selector: role == 'server'
                  ingress: [{action: allow, protocol: udp}]
                  egress: [{action: allow}]
                """);
        assertTrue(ep1ToEp2(), "the policy allows before the profile is reached");
    }

    @Test
    void anEndpointWaitsForItsPort() throws Exception {
        node.apply(endpoint("ep3", "cali3", "0a:58:0a:41:00:04", "10.65.0.4", "role: server", "open"));
        assertEquals(2, node.driver.published().endpoints().size(), "cali3 does not exist yet");
        node.driver.portsChanged(Set.of("cali1", "cali2", "cali3"));
        node.driver.sync();
        assertEquals(3, node.driver.published().endpoints().size());
        node.send(node.cali1, Frames.udp(CALI1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.4", sourcePort++, 5000, 64, 16));
        assertEquals(1, node.cali3.drainTransmitted().size());
    }

    @Test
    void unassignedAddressesOfTheNodesBlockAreBlackholed() throws Exception {
        var ipam = new BlockAffinityIpam(node.store);
        var a = ipam.assign(new BlockAffinityIpam.AssignRequest(TestNode.NODE, "h1", 4, Map.of()));
        node.await(a.revision());
        String block = a.address().toString().replaceAll("\\.\\d+$", ".0") + "/26";
        assertTrue(node.driver.published().routes().stream().anyMatch(r -> r.nextHop() instanceof ocelot.fastpath.state.NextHop.Blackhole
                && (ocelot.fastpath.packet.Ipv4.format(r.prefix()) + "/" + r.length()).equals(block)), node.driver.published().routes().toString());
        long blackholed = node.fastpath.counters().get(Counter.DROP_BLACKHOLE);
        String unassigned = a.address().toString().replaceAll("\\.\\d+$", ".40");
        node.send(node.cali1, Frames.udp(CALI1_MAC, EP1_MAC, "10.65.0.2", unassigned, sourcePort++, 5000, 64, 16));
        assertEquals(blackholed + 1, node.fastpath.counters().get(Counter.DROP_BLACKHOLE));
        assertTrue(node.uplink.drainTransmitted().isEmpty(), "nothing leaves for the fabric");
    }

    /**
     * A policy deleted with the IP set only it used: the set keeps its members until the state
     * without the policy is published, so up to the swap the state in force still denies (the
     * soak test saw packets pass that both states deny while the set was emptied first).
     */
    @Test
    void aRetiredIpSetKeepsItsMembersUntilTheStateWithoutItIsInForce() throws Exception {
        String policy = """
                - apiVersion: v1
                  kind: policy
                  metadata: {name: deny-batch}
                  spec:
                    order: 10
                    selector: role == 'server'
                    ingress:
                    - action: deny
                      source: {selector: role == 'batch'}
                    - action: allow
                    egress: [{action: allow}]
                """;
        node.apply(endpoint("ep1", "cali1", "0a:58:0a:41:00:02", "10.65.0.2", "role: batch", "open") + policy);
        assertTrue(!ep1ToEp2(), "the policy denies batch -> server");
        List<Boolean> passedBeforeTheSwap = new java.util.concurrent.CopyOnWriteArrayList<>();
        node.beforePublish = () -> passedBeforeTheSwap.add(ep1ToEp2());
        node.delete(policy);
        node.beforePublish = null;
        assertTrue(!passedBeforeTheSwap.isEmpty() && !passedBeforeTheSwap.contains(true),
                "until the swap the state in force still denies batch -> server: " + passedBeforeTheSwap);
        assertTrue(ep1ToEp2(), "after it the profile allows");
    }

    /**
     * A relabel that changes both an endpoint's own policies and its peers' IP sets: ep1 goes
     * from client to batch. Before, ep2's ingress denies it (ep1 is not in the batch set); after,
     * ep1's own egress denies it (batch may not send). The old policies with the new membership
     * would allow it: the IP set change must not reach the snapshot in force before the one with
     * the new policies replaces it. Packets are sent in that window (membership changed in the
     * driver, new state not yet published); the in-place order forwarded them.
     */
    @Test
    void aRelabelsIpSetChangeIsNotSeenByTheStateBeforeIt() throws Exception {
        node.apply("""
                - apiVersion: v1
                  kind: policy
                  metadata: {name: batch-may-not-send}
                  spec:
                    order: 10
                    selector: role == 'batch'
                    types: [egress]
                    egress: [{action: deny}]
                - apiVersion: v1
                  kind: policy
                  metadata: {name: server-hears-batch-only}
                  spec:
                    order: 20
                    selector: role == 'server'
                    types: [ingress]
                    ingress:
                    - action: allow
                      source: {selector: role == 'batch'}
                    - action: deny
                """);
        assertTrue(!ep1ToEp2(), "before: a client is not heard by the server");
        List<Boolean> passedInTheWindow = new java.util.concurrent.CopyOnWriteArrayList<>();
        node.beforePublish = () -> {
            for (int i = 0; i < 4; i++) passedInTheWindow.add(ep1ToEp2());
        };
        node.apply(endpoint("ep1", "cali1", "0a:58:0a:41:00:02", "10.65.0.2", "role: batch", "open"));
        node.beforePublish = null;
        assertTrue(!passedInTheWindow.isEmpty() && !passedInTheWindow.contains(true),
                "between the membership change and the publish the state in force (ep1 a client) denies: " + passedInTheWindow);
        assertTrue(!ep1ToEp2(), "after: batch may not send");
        // and back: the reverse relabel must not mix either (batch's egress deny gone, client not in the set)
        passedInTheWindow.clear();
        node.beforePublish = () -> passedInTheWindow.add(ep1ToEp2());
        node.apply(endpoint("ep1", "cali1", "0a:58:0a:41:00:02", "10.65.0.2", "role: client", "open"));
        node.beforePublish = null;
        assertTrue(!passedInTheWindow.isEmpty() && !passedInTheWindow.contains(true), "reverse window: " + passedInTheWindow);
        assertTrue(!ep1ToEp2(), "a client is not heard by the server again");
    }
}
