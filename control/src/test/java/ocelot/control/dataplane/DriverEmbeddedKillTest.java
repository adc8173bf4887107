package ocelot.control.dataplane;

import static ocelot.control.dataplane.TestNode.CALI1_MAC;
import static ocelot.control.dataplane.TestNode.EP1_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import ocelot.control.cli.OcelotCtl;
import ocelot.control.datastore.ChildJvm;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.KeyValue;
import ocelot.control.datastore.Snapshot;
import ocelot.fastpath.Frames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of an ocelotctl mid-write on the embedded store while a node runs on the same
 * directory (issue 22; EmbeddedCrashTest does it with no node). The node here is TestNode: the
 * dataplane driver watching the store (polling the log other processes append) and publishing
 * into a real fastpath. A child JVM runs ocelotctl apply in a loop, one policy per commit, and
 * is SIGKILLed in the middle of the burst, twice, at different points. After each kill: every
 * acknowledged policy is in the store, what survived is a gap-free prefix, a fresh open of the
 * directory reads it whole, the running driver reaches the store's revision (across the torn
 * tail, which the next writer cuts) with every policy active on its endpoints, and a deny policy
 * written after the crash is enforced on packets.
 */
class DriverEmbeddedKillTest {
    @TempDir
    Path dir;

    @Test
    void killNineOfOcelotctlMidBurstWithTheNodeRunning() throws Exception {
        Path data = dir.resolve("data");
        Path cfg = dir.resolve("ocelotctl.cfg");
        Files.writeString(cfg, "apiVersion: v1\nkind: calicoApiConfig\nmetadata:\nspec:\n  datastoreType: embedded\n  dataDir: " + data + "\n");
        try (TestNode node = new TestNode(data, DataplaneDriverTest.BASE)) {
            int sourcePort = 40000;
            assertTrue(udpFlowsToEp2(node, sourcePort++), "ep1 reaches ep2 before the crash");
            int totalAcked = 0, totalStored = 0;
            for (int round = 0; round < 2; round++) {
                Path work = Files.createDirectories(dir.resolve("writer" + round));
                Path err = dir.resolve("writer" + round + ".err");
                long revisionBefore = node.driver.appliedRevision();
                Process writer = ChildJvm.start(OcelotCtlApplyLoop.class, err, cfg.toString(), work.toString(), "100000", "burst" + round + "-");
                Set<Integer> acked = new HashSet<>();
                int killAfter = 60 + round * 45;
                try (BufferedReader r = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        acked.add(Integer.parseInt(line.substring("ACK ".length())));
                        // SIGKILL through the handle keeps our end of the pipe: lines printed before the death are still read
                        if (acked.size() == killAfter) writer.toHandle().destroyForcibly();
                    }
                } finally {
                    writer.destroyForcibly();
                    assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
                }
                assertTrue(acked.size() >= killAfter, "writer died early: " + Files.readString(err));
                assertTrue(node.driver.appliedRevision() > revisionBefore, "the node followed the burst while it ran");

                // a fresh open of the directory: whole, every acknowledged write there, no hole
                int stored;
                long storeRevision;
                try (EmbeddedDatastore fresh = EmbeddedDatastore.open(data)) {
                    String prefix = "burst" + round + "-";
                    Snapshot policies = fresh.list("/ocelot/v1/policy/" + prefix);
                    Set<String> names = new HashSet<>();
                    for (KeyValue kv : policies.items()) names.add(kv.key().substring(kv.key().lastIndexOf('/') + 1));
                    for (int i : acked) assertTrue(names.contains(prefix + i), "acknowledged policy " + prefix + i + " lost");
                    // one writer, one commit after another: what survived is a prefix 0..n-1
                    stored = names.size();
                    for (int i = 0; i < stored; i++) assertTrue(names.contains(prefix + i), "hole at " + prefix + i);
                    assertTrue(stored <= acked.size() + 1, "at most the one unacknowledged write is durable: " + stored + " vs " + acked.size());
                    storeRevision = policies.revision();
                }
                assertTrue(node.driver.awaitRevision(storeRevision, Duration.ofSeconds(30)),
                        "the node reaches the store's revision " + storeRevision + " (at " + node.driver.appliedRevision() + ")");
                totalStored += stored;
                assertEquals(totalStored, node.driver.metrics().activePolicies(), "every stored policy active on the node's endpoints");
                assertTrue(node.driver.problems().isEmpty(), node.driver.problems().toString());
                totalAcked += acked.size();
                System.out.printf("round %d: ocelotctl SIGKILLed after %d acknowledged applies; %d policies stored, node at revision %d%n",
                        round, acked.size(), stored, node.driver.appliedRevision());
            }

            // a write after the crashes (it cuts any torn tail) reaches the node and is enforced
            Path deny = dir.resolve("deny.yaml");
            Files.writeString(deny, """
                    apiVersion: v1
                    kind: policy
                    metadata: {name: after-crash}
                    spec:
                      order: 1
                      selector: role == 'server'
                      ingress: [{action: deny, protocol: udp}]
                      egress: [{action: allow}]
                    """);
            StringWriter err = new StringWriter();
            assertEquals(0, new OcelotCtl(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err, true),
                    new ByteArrayInputStream(new byte[0])).execute("apply", "-f", deny.toString(), "--config=" + cfg), err.toString());
            long revision;
            try (EmbeddedDatastore fresh = EmbeddedDatastore.open(data)) {
                revision = fresh.list("/ocelot/v1/policy/").revision();
            }
            node.await(revision);
            assertFalse(udpFlowsToEp2(node, sourcePort++), "the deny written after the crashes is enforced");
            System.out.printf("2 SIGKILLs of ocelotctl mid-burst, %d acknowledged writes, none lost; deny after the crash enforced%n", totalAcked);
        }
    }

    /** A new UDP flow from ep1 to ep2: true when a frame left cali2. */
    private static boolean udpFlowsToEp2(TestNode node, int sourcePort) {
        node.send(node.cali1, Frames.udp(CALI1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", sourcePort, 5000, 64, 16));
        return !node.cali2.drainTransmitted().isEmpty();
    }
}
