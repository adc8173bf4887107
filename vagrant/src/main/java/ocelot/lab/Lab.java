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

    /**
     * Waits until every node has every expected session Established, as {@code ocelotctl node
     * status} shows it. Polling goes to the nodes' metrics ({@code ocelot_bgp_sessions}, no JVM
     * start); the table is read once per node (in parallel) when the counts say it should hold,
     * and again only if it does not.
     */
    String awaitBgp(long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Map<LabNode, Set<String>> waiting = new LinkedHashMap<>();
        int sessions = 0;
        for (LabNode node : nodes.values()) {
            waiting.put(node, expectedPeers(node.host()));
            sessions += waiting.get(node).size();
        }
        Map<LabNode, String> lastStatus = new LinkedHashMap<>();
        while (!waiting.isEmpty()) {
            for (LabNode node : waiting.keySet()) {
                if (!node.alive()) throw new LabException("node " + node.name() + " exited: " + node.logTail(10));
            }
            List<LabNode> ready = waiting.entrySet().stream().filter(e -> establishedCount(e.getKey()) >= e.getValue().size())
                    .map(Map.Entry::getKey).toList();
            Map<LabNode, String> statuses = inParallel(ready, this::nodeStatus);
            lastStatus.putAll(statuses);
            statuses.forEach((node, status) -> {
                if (waiting.get(node).stream().allMatch(peer -> established(status, peer))) waiting.remove(node);
            });
            if (waiting.isEmpty()) break;
            if (System.currentTimeMillis() > deadline) {
                LabNode node = waiting.keySet().iterator().next();
                String status = lastStatus.containsKey(node) ? lastStatus.get(node) : nodeStatus(node);
                String peer = waiting.get(node).stream().filter(p -> !established(status, p)).findFirst().orElse("?");
                throw new LabException(node.name() + " has no established session with " + peer + ":\n" + status);
            }
            Fabric.sleep(300);
        }
        return sessions + " sessions established (as seen by the nodes)";
    }

    /** Established sessions by the node's own count (its metrics); 0 while it does not answer. */
    private int establishedCount(LabNode node) {
        Shell.Result r = fabric.shell().tryExec(List.of("ip", "netns", "exec", node.namespace(), "curl", "-sf", "--max-time", "2",
                "http://127.0.0.1:" + LabNode.METRICS_PORT + "/metrics"), 10);
        return r.ok() ? (int) Metrics.parse(r.output()).sum("ocelot_bgp_sessions", "\"Established\"") : 0;
    }

    /** Runs {@code action} for each item on its own virtual thread (each is a JVM start or a wait); results in order. */
    static <T, R> Map<T, R> inParallel(List<T> items, java.util.function.Function<T, R> action) {
        Map<T, java.util.concurrent.Future<R>> futures = new LinkedHashMap<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (T item : items) futures.put(item, pool.submit(() -> action.apply(item)));
        }
        Map<T, R> results = new LinkedHashMap<>();
        for (Map.Entry<T, java.util.concurrent.Future<R>> e : futures.entrySet()) {
            try {
                results.put(e.getKey(), e.getValue().get());
            } catch (java.util.concurrent.ExecutionException ex) {
                throw ex.getCause() instanceof RuntimeException r ? r : new LabException(ex.getCause().toString());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted");
            }
        }
        return results;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        List<RuntimeException> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        // All nodes at once: each stop is a SIGTERM and a wait of up to 10 s.
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (LabNode node : nodes.values()) {
                pool.submit(() -> {
                    try {
                        node.stop();
                    } catch (RuntimeException e) {
                        errors.add(e);
                    }
                });
            }
        }
        fabric.stopBirds();
        if (datastore != null) datastore.close();
        Sweep.remove(run);
        if (!errors.isEmpty()) throw errors.getFirst();
    }
}
