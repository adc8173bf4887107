package ocelot.control.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import ocelot.control.cli.OcelotCtl;
import ocelot.control.datastore.ChildJvm;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.KeyValue;
import ocelot.control.datastore.Mutation;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.ipam.BlockAffinityIpam;
import ocelot.control.ipam.IpamHandle;
import ocelot.control.resource.Kind;
import ocelot.control.resource.NodeResource;
import ocelot.control.resource.Resource;
import ocelot.control.resource.ResourceCodec;
import ocelot.control.resource.ResourceKey;
import ocelot.testkit.GroupedProcess;
import ocelot.testkit.ListenPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of {@code ocelotctl node run} itself on the embedded store (issue 22; DriverEmbeddedKillTest
 * kills an ocelotctl writer instead). The node (a child JVM, {@code --dataplane none}: its writes,
 * not its ports, are what is tested) is SIGKILLed six times at different points: while it checks
 * the datastore and writes its node resource, while it claims its IPAM block, and once running,
 * each time with two other writers in flight on the same directory: an ocelotctl child JVM
 * applying one policy per commit, and a CNI-like writer assigning an address to the node
 * (claiming new blocks as they fill) and creating its workload endpoint. After each kill the node
 * is started again and must come up (the store opens, its resource and block are there). At the
 * end: every acknowledged write is in a fresh open of the directory (policies a gap-free prefix,
 * every endpoint with its allocation), {@code ipam check} is clean (no leaked address, no
 * inconsistent block, affinity or handle), and the last run answers {@code node status}.
 */
class NodeEmbeddedKillTest {
    static final String NODE = "kn1";
    /** Where in the node's life each round's SIGKILL lands: a log line of its startup, then a delay (ms). */
    static final String[] MARKS = {"Checking datastore connection", "Using node name", "Using IPAM block",
            "Checking datastore connection", "Using IPv4 address", "Ocelot node started successfully"};

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void killNineOfTheNodeMidWriteLosesNothingAndCorruptsNothing() throws Exception {
        Path data = dir.resolve("data");
        Path cfg = dir.resolve("ocelotctl.cfg");
        Files.writeString(cfg, "apiVersion: v1\nkind: calicoApiConfig\nmetadata:\nspec:\n  datastoreType: embedded\n  dataDir: " + data + "\n");
        assertEquals(0, ctl(cfg, "apply", "-f", writeFile("pool.yaml", """
                apiVersion: v1
                kind: ipPool
                metadata: {cidr: 10.98.0.0/16}
                """)).code());
        int bgpPort = ListenPorts.free(InetAddress.getByName("127.0.0.1"));
        Set<Integer> policiesAcked = ConcurrentHashMap.newKeySet();
        Map<String, String> endpointsAcked = new ConcurrentHashMap<>(); // workload -> address
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> cniFailure = new AtomicReference<>();
        Path work = Files.createDirectories(dir.resolve("writer"));
        Process writer = ChildJvm.start(OcelotCtlApplyLoop.class, dir.resolve("writer.err"), cfg.toString(), work.toString(), "100000", "nk-");
        Thread acks = Thread.ofPlatform().name("ocelotctl-acks").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) policiesAcked.add(Integer.parseInt(line.substring("ACK ".length())));
            } catch (IOException e) {
                // the writer was killed: what it printed before is read
            }
        });
        Thread cni = Thread.ofPlatform().name("cni-writer").start(() -> cniLike(data, endpointsAcked, stop, cniFailure));
        GroupedProcess node = null;
        List<Path> logs = new ArrayList<>();
        int[] policiesAtKill = new int[MARKS.length];
        int[] endpointsAtKill = new int[MARKS.length];
        try {
            for (int round = 0; round < MARKS.length; round++) {
                Path log = dir.resolve("node-" + round + ".log");
                logs.add(log);
                node = startNode(cfg, log, bgpPort);
                String mark = MARKS[round];
                GroupedProcess running = node;
                int r = round;
                await("round " + round + ": the node logs '" + mark + "'", () -> {
                    if (!running.isAlive()) throw new AssertionError("node exited in round " + r + ": " + read(log));
                    return read(log).contains(mark);
                });
                Thread.sleep(round * 7L); // a little further into what follows the line each time
                node.close(); // SIGKILL of the group
                policiesAtKill[round] = policiesAcked.size();
                endpointsAtKill[round] = endpointsAcked.size();
                if (cniFailure.get() != null) throw new AssertionError("the CNI-like writer failed", cniFailure.get());
            }
            Path log = dir.resolve("node-last.log");
            logs.add(log);
            node = startNode(cfg, log, bgpPort);
            GroupedProcess last = node;
            await("the node started after " + MARKS.length + " kills", () -> {
                if (!last.isAlive()) throw new AssertionError("node exited after the kills: " + read(log));
                return read(log).contains("Ocelot node started successfully");
            });
            Thread.sleep(500); // the writers go on a little with the node up
        } finally {
            stop.set(true);
            cni.join(30_000);
            writer.destroyForcibly();
            writer.waitFor(30, TimeUnit.SECONDS);
            acks.join(30_000);
            if (node != null && cniFailure.get() != null) node.close();
        }
        try {
            if (cniFailure.get() != null) throw new AssertionError("the CNI-like writer failed", cniFailure.get());
            assertTrue(policiesAcked.size() > policiesAtKill[0] && endpointsAcked.size() > endpointsAtKill[0],
                    "writes were in flight across the kills: policies " + policiesAcked.size() + ", endpoints " + endpointsAcked.size());

            // a fresh open of the directory: whole, every acknowledged write in it
            int stored;
            try (EmbeddedDatastore fresh = EmbeddedDatastore.open(data)) {
                Set<String> names = new HashSet<>();
                for (KeyValue kv : fresh.list("/ocelot/v1/policy/").items()) names.add(kv.key().substring(kv.key().lastIndexOf('/') + 1));
                for (int i : policiesAcked) assertTrue(names.contains("nk-" + i), "acknowledged policy nk-" + i + " lost");
                stored = names.size();
                for (int i = 0; i < stored; i++) assertTrue(names.contains("nk-" + i), "hole at nk-" + i);
                ResourceStore resources = new ResourceStore(fresh);
                BlockAffinityIpam ipam = new BlockAffinityIpam(fresh);
                for (var e : endpointsAcked.entrySet()) {
                    assertTrue(resources.get(endpointKey(e.getKey())).isPresent(), "acknowledged workload endpoint " + e.getKey() + " lost");
                    var info = ipam.show(ocelot.control.resource.IpAddress.parse(e.getValue()));
                    assertEquals("cni." + e.getKey(), info.handleId(), e.getKey() + "'s address " + e.getValue() + " allocated to its handle");
                }
                Resource self = resources.get(new ResourceKey(Kind.NODE, List.of("name"), List.of(NODE))).orElseThrow();
                assertEquals("127.0.0.1/8", ((NodeResource) self).bgp().ipv4Address().toString(), "the node resource as its runs wrote it");
            }
            CtlResult check = ctl(cfg, "ipam", "check");
            assertEquals(0, check.code(), "ipam check after the kills:\n" + check.out() + check.err());
            assertTrue(check.out().contains("Found 0 leaked address(es)"), check.out());
            CtlResult status = ctl(cfg, "node", "status", "--run-dir", dir.resolve("run").toString());
            assertEquals(0, status.code(), "the restarted node answers node status: " + status.err());
            Set<String> blocks = new HashSet<>();
            for (Path l : logs) read(l).lines().filter(x -> x.startsWith("Using IPAM block")).forEach(blocks::add);
            System.out.printf("node SIGKILLed %d times mid-startup or running (acknowledged at the kills: policies %s, endpoints %s);"
                            + " %d policies and %d endpoints acknowledged, none lost (%d policies stored); ipam check clean: %s; the node's block lines: %s%n",
                    MARKS.length, java.util.Arrays.toString(policiesAtKill), java.util.Arrays.toString(endpointsAtKill),
                    policiesAcked.size(), endpointsAcked.size(), stored, check.out().lines().filter(x -> x.startsWith("Checked")).findFirst().orElse(""), blocks);
        } finally {
            if (node != null) node.close();
        }
    }

    /**
     * What ocelot-cni writes for a workload on the node (WorkloadWiring's ADD without the
     * interface): an address assigned with the endpoint as its handle's owner, then the endpoint;
     * acknowledged once both returned.
     */
    private static void cniLike(Path data, Map<String, String> acked, AtomicBoolean stop, AtomicReference<Throwable> failure) {
        try (EmbeddedDatastore store = EmbeddedDatastore.open(data)) {
            BlockAffinityIpam ipam = new BlockAffinityIpam(store);
            ResourceStore resources = new ResourceStore(store);
            for (int i = 0; !stop.get(); i++) {
                String workload = "w" + i;
                var attributes = Map.of("node", NODE, IpamHandle.WORKLOAD_ENDPOINT, NODE + "/cni/" + workload + "/eth0");
                var assigned = ipam.assign(new BlockAffinityIpam.AssignRequest(NODE, "cni." + workload, 4, attributes));
                String address = assigned.address().toString();
                String yaml = DataplaneDriverTest.endpoint(workload, "cali" + i, "0a:58:0a:62:00:02", address, "role: kill", "open")
                        .replace("node: node1", "node: " + NODE);
                List<Mutation> puts = new ArrayList<>();
                for (Resource r : ResourceCodec.parse(yaml, "cni")) puts.add(new Mutation.Put(r.key().datastoreKey(), ResourceCodec.toStored(r)));
                store.commit(puts);
                acked.put(workload, address);
                Thread.sleep(20);
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private static ResourceKey endpointKey(String workload) {
        String yaml = DataplaneDriverTest.endpoint(workload, "cali0", "0a:58:0a:62:00:02", "10.98.0.1", "role: kill", "open").replace("node: node1", "node: " + NODE);
        return ResourceCodec.parse(yaml, "key").getFirst().key();
    }

    private GroupedProcess startNode(Path cfg, Path log, int bgpPort) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                OcelotCtl.class.getName(), "node", "run", "--name", NODE, "--ip", "127.0.0.1/8", "--bgp-port", Integer.toString(bgpPort),
                "--run-dir", dir.resolve("run").toString(), "--dataplane", "none", "--metrics-address", "none", "--config=" + cfg);
        Files.deleteIfExists(dir.resolve("run").resolve("cni.sock"));
        return GroupedProcess.start(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()), Duration.ofMinutes(4));
    }

    private Path writeFile(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    record CtlResult(int code, String out, String err) {}

    static CtlResult ctl(Path cfg, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--config=" + cfg);
        int code = new OcelotCtl(Map.of(), new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0]))
                .execute(all.toArray(String[]::new));
        return new CtlResult(code, out.toString(), err.toString());
    }

    private static CtlResult ctl(Path cfg, String verb, String flag, Path file) {
        return ctl(cfg, verb, flag, file.toString());
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting until " + what);
            Thread.sleep(5);
        }
    }
}
