package ocelot.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ocelot.lab.fabric.Fabric;
import ocelot.lab.fabric.LabException;
import ocelot.lab.fabric.RunId;
import ocelot.lab.fabric.Shell;
import ocelot.lab.fabric.Sweep;
import ocelot.lab.topology.Topology;
import ocelot.lab.topology.Topology.Host;
import ocelot.lab.topology.Topology.Peer;
import ocelot.lab.topology.Topology.Role;

/**
 * One lab run: builds the topology's fabric, the datastore and cluster resources, the routers
 * and node processes, and waits for BGP; {@link #close()} stops every process (by process
 * group, with timeouts) before the namespaces go, then sweeps the run.
 */
final class Lab implements AutoCloseable {
    static final long NODE_START_MS = 120_000;
    static final long BGP_MS = 90_000;

    final Topology topology;
    final RunId run;
    final Path home;
    final boolean etcd;
    final Progress progress;
    final Fabric fabric;
    final Map<String, LabNode> nodes = new LinkedHashMap<>();
    LabDatastore datastore;
    Ocelotctl ctl;
    private boolean closed;

    Lab(Topology topology, RunId run, Path home, boolean etcd, Progress progress) {
        this.topology = topology;
        this.run = run;
        this.home = home;
        this.etcd = etcd;
        this.progress = progress;
        this.fabric = new Fabric(topology, new Shell(run), false, etcd);
    }

    void up() {
        progress.step("ocelotctl", () -> {
            String version = fabric.shell().exec(List.of(home.resolve("bin/ocelotctl").toString(), "version"), 600).strip();
            // bin/ocelotctl says "ocelotctl: building" first when it builds.
            return version.lines().filter(l -> !l.startsWith("ocelotctl:")).findFirst().orElse(version);
        });
        progress.step("fabric", fabric::build);
        progress.step("datastore", () -> {
            datastore = etcd ? LabDatastore.etcd(fabric) : LabDatastore.embedded(run);
            ctl = new Ocelotctl(fabric.shell().withEnv(datastore.env()), home, datastore.ctlNamespace(), run.tempDir());
            return datastore.description();
        });
        progress.step("cluster", () -> ClusterResources.apply(ctl, topology));
        if (!topology.hosts(Role.BIRD).isEmpty()) progress.step("routers", () -> "BIRD 2 on " + String.join(", ", fabric.startBirds()));
        progress.step("nodes up", () -> {
            for (Host h : topology.hosts(Role.NODE)) {
                LabNode node = new LabNode(run, h, ctl.binary(), datastore.env());
                nodes.put(h.name(), node);
                node.start();
            }
            for (LabNode node : nodes.values()) node.awaitStarted(NODE_START_MS);
            return nodes.size() + " node processes (" + String.join(", ", nodes.keySet()) + ")";
        });
        progress.step("BGP established", () -> awaitBgp(BGP_MS));
    }

    /** Nodes and workloads in the run's namespaces. */
    Workloads.Placement placement() {
        return new Workloads.Placement() {
            @Override
            public List<String> onNode(String node) {
                return List.of("ip", "netns", "exec", run.namespace(node));
            }

            @Override
            public Path nodeRunDir(String node) {
                return nodes.get(node).runDir();
            }

            @Override
            public String workloadNamespace(String workload) {
                return run.namespace(workload);
            }
        };
    }

    /** The addresses a node must have a session with: mesh, global and its own bgpPeers. */
    Set<String> expectedPeers(Host node) {
        Set<String> peers = new LinkedHashSet<>();
        if (topology.nodeToNodeMesh()) {
            topology.hosts(Role.NODE).stream().filter(h -> h != node).forEach(h -> peers.add(h.primaryAddress()));
        }
        topology.globalPeers().stream().map(Peer::address).forEach(peers::add);
        node.peers().stream().map(Peer::address).forEach(peers::add);
        peers.remove(node.primaryAddress());
        return peers;
    }

    /** {@code ocelotctl node status} of a node: calicoctl's table. */
    String nodeStatus(LabNode node) {
        return ctl.tryRun("node", "status", "--run-dir", node.runDir().toString()).output();
    }

    static boolean established(String status, String peer) {
        return status.lines().anyMatch(l -> l.contains(" " + peer + " ") && l.contains("Established"));
    }

    String awaitBgp(long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        int sessions = 0;
        for (LabNode node : nodes.values()) {
            for (String peer : expectedPeers(node.host())) {
                String status = nodeStatus(node);
                while (!established(status, peer)) {
                    if (!node.alive()) throw new LabException("node " + node.name() + " exited: " + node.logTail(10));
                    if (System.currentTimeMillis() > deadline) {
                        throw new LabException(node.name() + " has no established session with " + peer + ":\n" + status);
                    }
                    Fabric.sleep(500);
                    status = nodeStatus(node);
                }
                sessions++;
            }
        }
        return sessions + " sessions established (as seen by the nodes)";
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        List<RuntimeException> errors = new ArrayList<>();
        for (LabNode node : nodes.values()) {
            try {
                node.stop();
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        fabric.stopBirds();
        if (datastore != null) datastore.close();
        Sweep.remove(run);
        if (!errors.isEmpty()) throw errors.getFirst();
    }
}
