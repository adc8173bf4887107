package ocelot.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import ocelot.lab.fabric.Fabric;
import ocelot.lab.fabric.LabException;
import ocelot.lab.topology.Topology.Host;
import ocelot.lab.topology.Topology.Role;

/**
 * The proofs {@code bin/ocelot} prints, in order, each a progress step and a table row: the
 * workloads attached through ocelot-cni; BGP routes learned per node; pings and a TCP transfer
 * from the first node's workload to every other node's, with the fastpath port counters that
 * carried them; a deny policy created with ocelotctl (pings stop, the destination node's drop
 * counters rise), deleted (pings return); the destination node SIGKILLed (its routes leave
 * the other nodes when the hold time runs out) and restarted (routes and traffic back). The first proof that fails ends the
 * run: later ones depend on it.
 */
final class Proofs {
    static final String DENY_POLICY = "lab-deny-ingress";
    static final String PORT_RX = "ocelot_port_rx_packets_total";
    static final String PORT_TX = "ocelot_port_tx_packets_total";
    static final String DROPS = "ocelot_dataplane_drops_total";
    static final String PACKETS = "ocelot_dataplane_packets_total";
    static final String PREFIXES = "ocelot_bgp_peer_prefixes_received";
    /** What the dataplane forwards by: routes learned over BGP in its published state (stale graceful-restart routes included). */
    static final String DATAPLANE_BGP_ROUTES = "ocelot_bgp_learned_routes";
    /** How long after the hold time the withdrawal may take to reach every node (reflected, polled). */
    static final long WITHDRAW_MARGIN_MS = 20_000;

    final ProofTable table = new ProofTable();
    private final Lab lab;
    private Workloads workloads;
    private final Traffic traffic;

    Proofs(Lab lab) {
        this.lab = lab;
        this.traffic = new Traffic(lab.fabric.shell());
    }

    /** Runs every proof; returns the table (also when a proof failed: {@link Progress.StepFailed} then follows). */
    ProofTable run() {
        workloads = new Workloads(lab.topology, lab.home, lab.fabric.shell(), lab.datastore.env(), lab.placement(), lab.run.tempDir());
        proof("workloads attached", () -> workloads.attach(lab.topology.workloads()));
        proof("routes learned", this::routesLearned);
        String src = lab.topology.workloads().getFirst();
        Host srcNode = lab.topology.nodeOf(src);
        List<String> remote = lab.topology.workloads().stream().filter(w -> lab.topology.nodeOf(w) != srcNode).toList();
        if (remote.isEmpty()) throw new LabException("the topology has no workload on a second node");
        String dst = remote.getLast();
        Host dstNode = lab.topology.nodeOf(dst);
        Metrics srcBefore = metrics(srcNode), dstBefore = metrics(dstNode);
        proof("ping across nodes", () -> {
            List<String> shown = new ArrayList<>();
            for (String w : remote) {
                traffic.awaitReachable(ns(src), workloads.address(w), true, 10_000);
                Traffic.Pings p = traffic.ping(ns(src), workloads.address(w), 5);
                shown.add(src + "->" + w + " " + p);
                if (p.received() != p.sent()) throw new LabException(String.join(", ", shown));
            }
            return String.join(", ", shown);
        });
        proof("TCP across nodes", () -> {
            long bytes = traffic.tcp(lab.run, ns(src), ns(dst), workloads.address(dst));
            String shown = bytes + " bytes " + src + "->" + dst;
            if (bytes != Traffic.TCP_BYTES) throw new LabException(shown + ", expected " + Traffic.TCP_BYTES);
            return shown;
        });
        proof("through the fastpaths", () -> {
            Metrics srcAfter = metrics(srcNode), dstAfter = metrics(dstNode);
            long srcTx = (long) srcAfter.delta(srcBefore, PORT_TX), dstRx = (long) dstAfter.delta(dstBefore, PORT_RX);
            String forwarding = lab.fabric.shell().in(ns(dstNode.name()), "sysctl", "-n", "net.ipv4.ip_forward").strip();
            long encap = (long) srcAfter.delta(srcBefore, PACKETS, "ipip_encapsulated");
            long decap = (long) dstAfter.delta(dstBefore, PACKETS, "ipip_decapsulated");
            boolean tunnelled = tunnelled(srcNode, dstNode);
            String shown = srcNode.name() + " ports tx +" + srcTx + ", " + dstNode.name() + " ports rx +" + dstRx
                    + " packets" + (tunnelled ? ", IPIP encapsulated +" + encap + " / decapsulated +" + decap : ", no IPIP (+" + encap + ")")
                    + "; kernel ip_forward=" + forwarding + " in the node namespaces";
            // 1 MiB of TCP is at least ~725 full-size segments.
            boolean ipipRight = tunnelled ? encap >= 725 && decap >= 725 : encap == 0;
            if (srcTx < 725 || dstRx < 725 || !forwarding.equals("0") || !ipipRight) throw new LabException(shown);
            return shown;
        });
        proof("deny policy", () -> {
            Metrics before = metrics(dstNode);
            lab.ctl.apply("deny", denyPolicy(dst));
            if (!traffic.awaitReachable(ns(src), workloads.address(dst), false, 10_000)) {
                throw new LabException("pings " + src + "->" + dst + " still answered 10 s after the policy was created");
            }
            Traffic.Pings p = traffic.ping(ns(src), workloads.address(dst), 5);
            long dropped = (long) metrics(dstNode).delta(before, DROPS);
            String shown = "ocelotctl apply " + DENY_POLICY + ": " + src + "->" + dst + " " + p + ", " + dstNode.name() + " dropped +" + dropped;
            if (p.received() != 0 || dropped < p.sent()) throw new LabException(shown);
            return shown;
        });
        proof("policy removed", () -> {
            lab.ctl.run("delete", "policy", DENY_POLICY);
            traffic.awaitReachable(ns(src), workloads.address(dst), true, 10_000);
            Traffic.Pings p = traffic.ping(ns(src), workloads.address(dst), 5);
            String shown = "ocelotctl delete policy: " + src + "->" + dst + " " + p;
            if (p.received() != p.sent()) throw new LabException(shown);
            return shown;
        });
        proof("node killed", () -> killAndWithdraw(lab.nodes.get(dstNode.name())));
        proof("node restarted", () -> {
            LabNode node = lab.nodes.get(dstNode.name());
            node.start();
            node.awaitStarted(Lab.NODE_START_MS);
            // The restarted node gives a crashed run's workloads their interfaces back from its
            // run directory (RUNDIR/workloads); one still missing is re-attached as a runtime
            // would (CNI DEL + ADD), and the proof says which happened. Meanwhile (both need only
            // the running node) BGP comes back.
            Map<String, String> done = Lab.inParallel(List.of("bgp", "workloads"), what -> {
                if (what.equals("bgp")) return lab.awaitBgp(Lab.BGP_MS);
                String reattached = "";
                for (String w : dstNode.workloads()) {
                    if (!workloads.hasInterface(w)) reattached += ", " + w + " re-attached by CNI DEL+ADD (" + workloads.reattach(w) + ")";
                    else reattached += ", " + w + " restored by the node";
                }
                return reattached;
            });
            String reattached = done.get("workloads");
            awaitPrefixes(Lab.BGP_MS);
            traffic.awaitReachable(ns(src), workloads.address(dst), true, 30_000);
            Traffic.Pings p = traffic.ping(ns(src), workloads.address(dst), 5);
            String shown = dstNode.name() + " up again, BGP re-established" + reattached + ", " + src + "->" + dst + " " + p;
            if (p.received() != p.sent()) throw new LabException(shown);
            return shown;
        });
        return table;
    }

    /** The workloads' addresses (empty before they are attached). */
    Map<String, String> workloadAddresses() {
        return workloads == null ? Map.of() : workloads.addresses();
    }

    private void proof(String name, java.util.function.Supplier<String> action) {
        try {
            table.add(name, lab.progress.step(name, action), true);
        } catch (Progress.StepFailed e) {
            table.add(name, e.getMessage(), false);
            throw e;
        }
    }

    /** Per node: prefixes received over BGP, at least one per other node with workloads. */
    private String routesLearned() {
        return awaitPrefixes(Lab.BGP_MS);
    }

    private String awaitPrefixes(long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            Map<String, Long> learned = prefixesPerNode();
            List<String> missing = new ArrayList<>();
            for (LabNode n : lab.nodes.values()) {
                if (learned.get(n.name()) < expectedPrefixes(n.host())) missing.add(n.name());
            }
            String shown = learned.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("")
                    + " prefixes";
            if (missing.isEmpty()) return shown;
            if (System.currentTimeMillis() > deadline) throw new LabException(String.join(", ", missing) + " learned too few routes: " + shown);
            Fabric.sleep(500);
        }
    }

    private Map<String, Long> prefixesPerNode() {
        Map<String, Long> learned = new LinkedHashMap<>();
        for (LabNode n : lab.nodes.values()) learned.put(n.name(), n.alive() ? (long) metrics(n.host()).sum(PREFIXES) : 0L);
        return learned;
    }

    private Map<String, Long> dataplaneRoutesPerNode() {
        Map<String, Long> routes = new LinkedHashMap<>();
        for (LabNode n : lab.nodes.values()) routes.put(n.name(), n.alive() ? (long) metrics(n.host()).sum(DATAPLANE_BGP_ROUTES) : 0L);
        return routes;
    }

    /** Each other node with workloads owns at least one block, which this node must learn. */
    private long expectedPrefixes(Host node) {
        return lab.topology.hosts(Role.NODE).stream().filter(h -> h != node && !h.workloads().isEmpty()).count();
    }

    /**
     * SIGKILL sends no NOTIFICATION and the node's TCP sockets die with its TAP, so a peer
     * notices only when its hold timer runs out: the topology's hold time (the lab's 9 s, nodes
     * and BIRD alike, cluster setting {@code bgpHoldTime}). Every other node must then lose the
     * killed node's routes (withdrawn by its mesh peers, or by the reflector or ToR it peered
     * with) within the hold time and {@link #WITHDRAW_MARGIN_MS}.
     * The nodes advertise graceful restart, but a hold timer expiry is no graceful-restart event
     * (RFC 8538's N bit is not negotiated): the peers drop the routes, as BIRD does.
     */
    private String killAndWithdraw(LabNode victim) {
        Map<String, Long> before = dataplaneRoutesPerNode();
        int hold = lab.topology.bgpHoldTime();
        long start = System.nanoTime();
        victim.kill();
        long deadline = System.currentTimeMillis() + hold * 1000L + WITHDRAW_MARGIN_MS;
        while (true) {
            Map<String, Long> now = dataplaneRoutesPerNode();
            List<LabNode> others = lab.nodes.values().stream().filter(n -> n != victim).toList();
            boolean withdrawn = others.stream().allMatch(n -> now.get(n.name()) < before.get(n.name()));
            StringBuilder counts = new StringBuilder();
            others.forEach(n -> counts.append(' ').append(n.name()).append(' ').append(before.get(n.name())).append("->").append(now.get(n.name())));
            double seconds = (System.nanoTime() - start) / 1e9;
            String after = String.format(Locale.ROOT, "%.1f s", seconds);
            if (withdrawn) {
                return "SIGKILL " + victim.name() + "; hold time " + hold + " s, its routes withdrawn on every other node in "
                        + after + " (BGP routes in the dataplanes" + counts + ")";
            }
            if (System.currentTimeMillis() > deadline) {
                throw new LabException(victim.name() + " killed, but after " + after + " (hold time " + hold + " s) not every other node lost its routes:" + counts);
            }
            Fabric.sleep(250);
        }
    }

    /** Whether the pool's IPIP mode tunnels between these nodes (cross-subnet: only across segments). */
    private boolean tunnelled(Host a, Host b) {
        String mode = lab.topology.pools().getFirst().ipip();
        boolean sameSegment = a.links().getFirst().segment().equals(b.links().getFirst().segment());
        return mode.equals("always") || (mode.equals("cross-subnet") && !sameSegment);
    }

    static String denyPolicy(String workload) {
        return "apiVersion: v1\nkind: policy\nmetadata:\n  name: " + DENY_POLICY + "\nspec:\n  order: 10\n"
                + "  selector: workload == '" + workload + "'\n  ingress:\n  - action: deny\n  egress:\n  - action: allow\n";
    }

    private String ns(String name) {
        return lab.run.namespace(name);
    }

    private Metrics metrics(Host node) {
        return Metrics.parse(lab.fabric.shell().in(ns(node.name()), "curl", "-sf", "--max-time", "5", "http://127.0.0.1:9091/metrics"));
    }
}
