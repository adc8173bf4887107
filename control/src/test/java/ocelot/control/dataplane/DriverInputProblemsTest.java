package ocelot.control.dataplane;

import static ocelot.control.dataplane.TestNode.CALI1_MAC;
import static ocelot.control.dataplane.TestNode.EP1_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.Mutation;
import ocelot.control.resource.Kind;
import ocelot.control.resource.ResourceKey;
import ocelot.fastpath.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input stays local: contradictory, damaged or refused resources are named and left out
 * while everything else is published; a state the fastpath refuses leaves the previous one
 * forwarding; a watch resync applies the difference.
 */
class DriverInputProblemsTest {
    static final String EP3_KEY = "/ocelot/v1/workloadendpoint/node1/cni/ep3/eth0";

    @TempDir
    Path dir;
    TestNode node;
    int sourcePort = 20000;

    @AfterEach
    void stop() {
        if (node != null) node.close();
    }

    boolean ep1To(String dst, ocelot.fastpath.port.SoftwarePort out) {
        node.send(node.cali1, Frames.udp(CALI1_MAC, EP1_MAC, "10.65.0.2", dst, sourcePort++, 5000, 64, 16));
        return out.drainTransmitted().size() == 1;
    }

    @Test
    void twoEndpointsWithOneAddress() throws Exception {
        node = new TestNode(dir, DataplaneDriverTest.BASE);
        node.driver.portsChanged(Set.of("cali1", "cali2", "cali3"));
        node.apply(DataplaneDriverTest.endpoint("ep3", "cali3", "0a:58:0a:41:00:04", "10.65.0.3", "role: server", "open"));
        assertTrue(node.driver.problems().get(EP3_KEY).contains("address 10.65.0.3 already belongs to /ocelot/v1/workloadendpoint/node1/cni/ep2/eth0"),
                node.driver.problems().toString());
        assertEquals(1, node.driver.metrics().render().contains("ocelot_resources_excluded 1") ? 1 : 0);
        assertTrue(ep1To("10.65.0.3", node.cali2), "the endpoint that had the address keeps it");
        assertEquals(2, node.driver.published().endpoints().size());
        node.delete(DataplaneDriverTest.endpoint("ep2", "cali2", "0a:58:0a:41:00:03", "10.65.0.3", "role: server", "open"));
        assertTrue(ep1To("10.65.0.3", node.cali3), "its owner gone, the other endpoint gets it");
        assertTrue(node.driver.problems().isEmpty(), node.driver.problems().toString());
    }

    @Test
    void aDamagedRecordAndARefusedPolicyAreNamedAndTheRestIsPublished() throws Exception {
        node = new TestNode(dir, DataplaneDriverTest.BASE);
        String broken = ResourceKey.folder(Kind.POLICY) + "broken";
        String untracked = """
                apiVersion: v1
                kind: policy
                metadata: {name: untracked}
                spec:
                  selector: all()
                  doNotTrack: true
                  ingress: [{action: deny}]
                  egress: [{action: deny}]
                """;
        node.commit(untracked);
        long revision = node.store.commit(List.of(new Mutation.Put(broken, "{\"kind\": \"policy\", \"metadata\": ")));
        node.await(revision);
        node.driver.portsChanged(Set.of("cali1", "cali2", "cali3"));
        node.apply(DataplaneDriverTest.endpoint("ep3", "cali3", "0a:58:0a:41:00:04", "10.65.0.4", "role: server", "open"));
        var problems = node.driver.problems();
        assertTrue(problems.get(broken).contains("not JSON"), problems.toString());
        assertTrue(problems.get(ResourceKey.folder(Kind.POLICY) + "untracked").contains("doNotTrack"), problems.toString());
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(ep1To("10.65.0.4", node.cali3), "the endpoint added after them is forwarded to; the refused deny-all is not in force");
        assertTrue(ep1To("10.65.0.3", node.cali2));
    }

    @Test
    void aStateTheFastpathRefusesLeavesThePreviousForwardingAndTheCulpritOut() throws Exception {
        node = new TestNode(dir, DataplaneDriverTest.BASE);
        // the node claims a workload port the fastpath does not have
        node.driver.portsChanged(Set.of("cali1", "cali2", "cali9"));
        node.driver.sync();
        node.apply(DataplaneDriverTest.endpoint("ep9", "cali9", "0a:58:0a:41:00:09", "10.65.0.9", "role: server", "open"));
        assertTrue(node.driver.metrics().refusals() >= 1);
        String key = "/ocelot/v1/workloadendpoint/node1/cni/ep9/eth0";
        assertTrue(node.driver.problems().get(key).contains("no port named 'cali9'"), node.driver.problems().toString());
        assertEquals(2, node.driver.published().endpoints().size(), "published without it");
        assertTrue(ep1To("10.65.0.3", node.cali2), "everything else forwards");
        node.apply(DataplaneDriverTest.endpoint("ep4", "cali3", "0a:58:0a:41:00:04", "10.65.0.4", "role: server", "open"));
        node.driver.portsChanged(Set.of("cali1", "cali2", "cali3"));
        node.driver.sync();
        assertTrue(ep1To("10.65.0.4", node.cali3), "later changes are still published");
        assertFalse(node.driver.problems().containsKey(key), "the quarantine ends when the ports change");
    }

    @Test
    void aResyncAppliesOnlyTheDifference() throws Exception {
        // history of 3 events: one commit of more changes than that makes the watcher resync
        node = new TestNode(dir, new EmbeddedDatastore.Options(3, 5), DataplaneDriverTest.BASE, null);
        long publishes = node.driver.metrics().publishes();
        node.driver.portsChanged(Set.of("cali1", "cali2", "cali3"));
        node.driver.sync();
        node.apply("""
                - apiVersion: v1
                  kind: policy
                  metadata: {name: deny-to-servers}
                  spec:
                    selector: role == 'server'
                    ingress: [{action: deny}]
                    egress: [{action: allow}]
                """ + DataplaneDriverTest.endpoint("ep3", "cali3", "0a:58:0a:41:00:04", "10.65.0.4", "role: client", "open")
                + DataplaneDriverTest.endpoint("ep4", "cali4", "0a:58:0a:41:00:05", "10.65.0.5", "role: client", "open")
                + DataplaneDriverTest.endpoint("ep5", "cali5", "0a:58:0a:41:00:06", "10.65.0.6", "role: client", "open"));
        assertTrue(node.driver.metrics().resyncs() >= 1, "the watch fell behind and resynced");
        assertFalse(ep1To("10.65.0.3", node.cali2), "the deny policy from the resync is in force");
        assertTrue(ep1To("10.65.0.4", node.cali3), "the new endpoint from the resync is forwarded to");
        assertEquals(publishes + 1, node.driver.metrics().publishes(), "one publish for the resync (the ports change changed no state)");
    }
}
