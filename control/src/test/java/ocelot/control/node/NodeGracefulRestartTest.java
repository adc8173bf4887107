package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import ocelot.bgp.wire.Prefix;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.ipam.BlockAffinityIpam;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.IpPool;
import ocelot.control.resource.NodeResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node process restarts gracefully (RFC 4724) while its mesh peer helps: node1 stops without a
 * NOTIFICATION and saves its FIB; node2 keeps node1's block; node1's next process forwards from
 * the restored FIB before its session is up, restarts as the restarting speaker and finishes
 * once node2's End-of-RIB arrives, with both FIBs intact throughout.
 */
class NodeGracefulRestartTest {
    @TempDir
    Path dir;

    @Test
    void nodeProcessRestartKeepsForwardingStateOnBothSides() throws Exception {
        InetAddress a1 = InetAddress.getByName("127.0.0.1");
        InetAddress a2 = InetAddress.getByName("127.0.0.2");
        int port = NodeTesting.freePort(a1, a2);
        try (EmbeddedDatastore store = EmbeddedDatastore.open(dir.resolve("data"))) {
            new ResourceStore(store).apply(List.of(
                    new IpPool(Cidr.parse("10.66.0.0/16"), null, true, null, null),
                    new NodeResource("node1", new NodeResource.Bgp(null, Cidr.parseInterface("127.0.0.1/8"), null)),
                    new NodeResource("node2", new NodeResource.Bgp(null, Cidr.parseInterface("127.0.0.2/8"), null))));
            BlockAffinityIpam ipam = new BlockAffinityIpam(store);
            Prefix block1 = NodeTesting.assignBlock(ipam, "node1", "w1");
            Prefix block2 = NodeTesting.assignBlock(ipam, "node2", "w2");
            Path run1 = dir.resolve("run1");

            try (NodeProcess node2 = NodeProcess.start(store, "node2", port, dir.resolve("run2"), Clock.systemUTC())) {
                NodeProcess first = NodeProcess.start(store, "node1", port, run1, Clock.systemUTC());
                Path saved;
                try {
                    assertEquals(-1, first.restoredRoutes(), "a cold start");
                    NodeTesting.await("node1 learns node2's block", () -> a2.equals(first.routes().nextHop(block2)));
                    NodeTesting.await("node2 learns node1's block", () -> a1.equals(node2.routes().nextHop(block1)));
                } finally {
                    saved = first.closeForRestart();
                }
                assertTrue(Files.readString(saved).contains(block2 + " via 127.0.0.2"), Files.readString(saved));
                NodeTesting.await("node2 sees the session drop", () -> !node2.agent().status().getFirst().established());
                assertEquals(a1, node2.routes().nextHop(block1), "the helper keeps node1's route while node1 restarts");

                try (NodeProcess second = NodeProcess.start(store, "node1", port, run1, Clock.systemUTC())) {
                    assertEquals(1, second.restoredRoutes());
                    assertFalse(Files.exists(saved), "the saved state is consumed");
                    assertEquals(a2, second.routes().nextHop(block2), "forwarding resumes from the restored FIB at once");
                    NodeTesting.await("node1 re-established", () -> !second.agent().status().isEmpty()
                            && second.agent().status().getFirst().established());
                    NodeTesting.await("node1's restart finished (End-of-RIB from node2)", () -> !second.agent().restartInProgress());
                    assertEquals(a2, second.routes().nextHop(block2));
                    assertEquals(2, node2.agent().status().getFirst().timesEstablished());
                    NodeTesting.await("node2 still routes node1's block", () -> a1.equals(node2.routes().nextHop(block1)));
                }
            }
        }
    }
}
