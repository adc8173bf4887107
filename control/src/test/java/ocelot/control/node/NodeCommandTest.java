package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import ocelot.control.cli.OcelotCtl;
import ocelot.control.datastore.ChildJvm;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.IpPool;
import ocelot.control.resource.Kind;
import ocelot.control.resource.IpAddress;
import ocelot.control.resource.NodeResource;
import ocelot.control.resource.ResourceKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ocelotctl node run` as a separate process (the real main, stopped with SIGTERM) meshing with a
 * node agent in this JVM over one embedded datastore directory, and `ocelotctl node status`
 * reading the running node's socket: calicoctl's table when it runs, "not running" and exit 1
 * when it does not.
 */
class NodeCommandTest {
    @TempDir
    Path tmp;

    /** Killed after the test whatever happened, also when the timeout abandoned the test thread. */
    private Process child;

    @AfterEach
    void killChild() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private record Result(int code, String out, String err) {}

    private Result ocelotctl(Path cfg, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--config=" + cfg);
        int code = new OcelotCtl(Map.of(), new PrintWriter(out), new PrintWriter(err),
                new ByteArrayInputStream(new byte[0])).execute(all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hung child never blocks the suite
    void nodeRunRegistersTheNodeAndNodeStatusPrintsItsPeers() throws Exception {
        Path data = tmp.resolve("data");
        Path cfg = tmp.resolve("ocelotctl.cfg");
        Files.writeString(cfg, "apiVersion: v1\nkind: calicoApiConfig\nmetadata:\nspec:\n  datastoreType: embedded\n  dataDir: " + data + "\n");
        Path runDir = tmp.resolve("run1");
        Result idle = ocelotctl(cfg, "node", "status", "--run-dir", runDir.toString());
        assertEquals(new Result(1, "Ocelot process is not running.\n", ""), idle);

        int port = NodeTesting.freePort(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"));
        Path childErr = tmp.resolve("node1.stderr");
        child = ChildJvm.start(OcelotCtl.class, childErr, "node", "run", "--name", "node1", "--ip", "127.0.0.1/8",
                "--bgp-port", String.valueOf(port), "--run-dir", runDir.toString(), "--dataplane", "none", "--metrics-address", "none",
                "--config=" + cfg);
        BufferedReader stdout = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        try (EmbeddedDatastore store = EmbeddedDatastore.open(data)) {
            List<String> log = new ArrayList<>();
            for (String line; (line = stdout.readLine()) != null; ) {
                log.add(line);
                if (line.equals("Ocelot node started successfully")) break;
            }
            assertTrue(log.size() >= 11 && log.getLast().equals("Ocelot node started successfully"),
                    "node run stopped early: " + log + "; stderr: " + Files.readString(childErr));
            assertEquals(List.of(
                    "Skipping kernel IPv4 forwarding (net.ipv4.ip_forward): the Ocelot dataplane forwards in userspace",
                    "Skipping kernel IPv6 forwarding (net.ipv6.conf.all.forwarding): the Ocelot dataplane forwards in userspace",
                    "Checking datastore connection",
                    "Datastore connection verified",
                    "Using node name: node1",
                    "Using IPv4 address from environment: IP=127.0.0.1",
                    "No AS number configured on node resource, using global value",
                    "Created default IPv4 pool (192.168.0.0/16) with NAT outgoing true. IPIP mode: off"),
                    log.subList(0, 8), "stderr: " + Files.readString(childErr));
            assertTrue(Pattern.matches("Created default IPv6 pool \\(fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::/64\\) with NAT outgoing true\\. IPIP mode: off", log.get(8)), log.get(8));
            assertEquals("Using IPAM block 192.168.0.0/26 (affinity host:node1)", log.get(9));
            assertEquals("Ocelot node started successfully", log.get(10));

            ResourceStore resources = new ResourceStore(store);
            assertEquals(new NodeResource("node1", new NodeResource.Bgp(null, Cidr.parseInterface("127.0.0.1/8"), null)),
                    resources.get(new ResourceKey(Kind.NODE, List.of("name"), List.of("node1"))).orElseThrow());
            assertEquals(2, resources.list(Kind.IP_POOL, r -> ((IpPool) r).natOutgoingEnabled() && !((IpPool) r).ipipEnabled()).size());

            // A route reflector cluster ID set on the node resource beforehand (calicoctl apply) survives the startup.
            resources.apply(List.of(new NodeResource("node2", new NodeResource.Bgp(null, null, null, IpAddress.parse("244.0.0.2")))));
            List<String> second = new ArrayList<>();
            NodeResource registered2 = new NodeStartup(resources, second::add).prepare("node2", Cidr.parseInterface("127.0.0.2/8"), null);
            assertEquals(IpAddress.parse("244.0.0.2"), registered2.bgp().routeReflectorClusterID());
            assertTrue(second.contains("Route reflector for cluster 244.0.0.2 (node resource)"), second.toString());
            assertTrue(second.stream().noneMatch(l -> l.startsWith("Created default")), "pools exist: no defaults: " + second);
            try (NodeProcess node2 = NodeProcess.start(store, "node2", port, tmp.resolve("run2"), Clock.systemUTC())) {
                NodeTesting.await("node1 reports its mesh peer up", () -> ocelotctl(cfg, "node", "status", "--run-dir", runDir.toString())
                        .out().contains("| 127.0.0.2    | node-to-node mesh | up    |"));
                Result status = ocelotctl(cfg, "node", "status", "--run-dir", runDir.toString());
                assertEquals(0, status.code(), status.err());
                String expected = """
                        Ocelot process is running.

                        IPv4 BGP status
                        +--------------+-------------------+-------+----------+-------------+
                        | PEER ADDRESS |     PEER TYPE     | STATE |  SINCE   |    INFO     |
                        +--------------+-------------------+-------+----------+-------------+
                        | 127.0.0.2    | node-to-node mesh | up    | HH:MM:SS | Established |
                        +--------------+-------------------+-------+----------+-------------+

                        IPv6 BGP status
                        No IPv6 peers found.

                        Dataplane status
                        Datastore: connected to embedded datastore DATA
                        FIB: 0 routes learned over BGP; announcing 192.168.0.0/26
                        Dataplane: none (BGP only)
                        """;
                assertEquals(expected.replace("DATA", data.toString()), status.out().replaceAll("\\| \\d\\d:\\d\\d:\\d\\d \\|", "| HH:MM:SS |"));
                NodeTesting.await("node2 sees node1 up", () -> node2.agent().status().size() == 1 && node2.agent().status().getFirst().established());
            } finally {
                child.toHandle().destroy(); // SIGTERM; Process.destroy would also close our end of its stdout
            }
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "node run did not stop on SIGTERM");
            String rest = String.join("\n", stdout.lines().toList());
            assertTrue(rest.contains("Stopping Ocelot node node1"), rest);
            assertEquals(new Result(1, "Ocelot process is not running.\n", ""), ocelotctl(cfg, "node", "status", "--run-dir", runDir.toString()));
        }
    }
}
