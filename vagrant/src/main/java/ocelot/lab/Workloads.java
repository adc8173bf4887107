package ocelot.lab;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ocelot.lab.fabric.LabException;
import ocelot.lab.fabric.RunId;
import ocelot.lab.fabric.Shell;
import ocelot.lab.topology.Topology;

/**
 * The lab's workloads, attached as a container runtime attaches them: a network namespace per
 * workload and {@code ocelot-cni} called with the CNI protocol (CNI_COMMAND=ADD, the netconf on
 * stdin) on the workload's node (inside its namespace in the lab), as kubelet calls it. Each carries the labels
 * {@code workload: NAME} and the profile {@value #PROFILE} (allow all, as Calico v1's CNI gave
 * each network a profile), so a policy can single one out.
 */
final class Workloads {
    static final String PROFILE = "lab";
    static final int IPIP_MTU = 1440;
    private static final Pattern ADDRESS = Pattern.compile("\"address\"\\s*:\\s*\"([0-9.]+)/");

    /** Where a topology's nodes and workloads live: namespaces in the lab, the machine itself on a VM. */
    interface Placement {
        /** The command prefix that runs a program on the node ({@code ip netns exec NS}, or nothing). */
        List<String> onNode(String node);

        Path nodeRunDir(String node);

        /** The network namespace a workload gets. */
        String workloadNamespace(String workload);
    }

    private final Topology topology;
    private final Path home;
    private final Shell shell;
    private final Map<String, String> datastoreEnv;
    private final Placement placement;
    private final Path scratch;
    private final Map<String, String> addresses = new LinkedHashMap<>();

    Workloads(Topology topology, Path home, Shell shell, Map<String, String> datastoreEnv, Placement placement, Path scratch) {
        this.topology = topology;
        this.home = home;
        this.shell = shell;
        this.datastoreEnv = datastoreEnv;
        this.placement = placement;
        this.scratch = scratch;
    }

    static String profileYaml() {
        return "apiVersion: v1\nkind: profile\nmetadata:\n  name: " + PROFILE + "\nspec:\n  ingress:\n  - action: allow\n"
                + "  egress:\n  - action: allow\n";
    }

    /** The address IPAM gave a workload. */
    String address(String workload) {
        String a = addresses.get(workload);
        if (a == null) throw new LabException("workload " + workload + " is not attached");
        return a;
    }

    Map<String, String> addresses() {
        return Map.copyOf(addresses);
    }

    /** Attaches the workloads of the given nodes (all of them in the lab, this VM's on a VM). */
    String attach(List<String> workloads) {
        for (String w : workloads) {
            String ns = placement.workloadNamespace(w);
            shell.exec("ip", "netns", "add", ns);
            shell.in(ns, "ip", "link", "set", "lo", "up");
        }
        // In parallel, as a runtime starting several containers does (each call is a JVM start).
        Map<String, java.util.concurrent.Future<String>> results = new LinkedHashMap<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (String w : workloads) results.put(w, pool.submit(() -> cni("ADD", w)));
        }
        List<String> shown = new ArrayList<>();
        for (String w : workloads) {
            String result;
            try {
                result = results.get(w).get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new LabException(e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted");
            }
            Matcher m = ADDRESS.matcher(result);
            if (!m.find()) throw new LabException("ocelot-cni ADD for " + w + " returned no address: " + result);
            addresses.put(w, m.group(1));
            shown.add(w + "=" + m.group(1) + "@" + topology.nodeOf(w).name());
        }
        return String.join(", ", shown);
    }

    /** Whether the workload's namespace still has its interface (a node crash takes its TAPs along). */
    boolean hasInterface(String workload) {
        return shell.tryExec(List.of("ip", "netns", "exec", placement.workloadNamespace(workload), "ip", "link", "show", "eth0"), 10).ok();
    }

    /** CNI DEL then ADD, as a runtime recreating a sandbox's network; returns the new address. */
    String reattach(String workload) {
        cni("DEL", workload);
        Matcher m = ADDRESS.matcher(cni("ADD", workload));
        if (!m.find()) throw new LabException("ocelot-cni ADD for " + workload + " returned no address");
        addresses.put(workload, m.group(1));
        return m.group(1);
    }

    String netconf(String workload) {
        Topology.Host node = topology.nodeOf(workload);
        StringBuilder b = new StringBuilder("{\"cniVersion\":\"1.0.0\",\"name\":\"ocelot-lab\",\"type\":\"ocelot-cni\",");
        b.append("\"nodename\":\"").append(node.name()).append("\",");
        Map<String, String> env = datastoreEnv;
        if (env.containsKey("ETCD_ENDPOINTS")) {
            b.append("\"datastore_type\":\"etcdv3\",\"etcd_endpoints\":\"").append(env.get("ETCD_ENDPOINTS")).append("\",");
        } else {
            b.append("\"ocelot_data_dir\":\"").append(env.get("OCELOT_DATA_DIR")).append("\",");
        }
        b.append("\"ocelot_run_dir\":\"").append(placement.nodeRunDir(node.name())).append("\",");
        b.append("\"ipam\":{\"type\":\"ocelot-ipam\",\"assign_ipv4\":\"true\"},");
        // Calico's documented MTU with IPIP: room for the outer header (a 1500-byte packet
        // tunnelled to another node would not fit the uplink).
        if (topology.pools().stream().anyMatch(p -> !p.ipip().equals("off"))) b.append("\"mtu\":").append(IPIP_MTU).append(',');
        b.append("\"labels\":{\"workload\":\"").append(workload).append("\"},\"profiles\":[\"").append(PROFILE).append("\"]}");
        return b.toString();
    }

    /** Runs ocelot-cni in the workload's node's namespace; returns its stdout (the CNI result). */
    String cni(String command, String workload) {
        Topology.Host node = topology.nodeOf(workload);
        String ns = placement.workloadNamespace(workload);
        Path errors = scratch.resolve("cni-" + workload + ".err");
        List<String> cmd = new ArrayList<>(placement.onNode(node.name()));
        cmd.add(home.resolve("bin/ocelot-cni").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errors.toFile());
        Map<String, String> env = pb.environment();
        env.put(RunId.ENV, shell.run().prefix());
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", ns);
        env.put("CNI_NETNS", "/var/run/netns/" + ns);
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", home.resolve("bin").toString());
        try {
            Process p = pb.start();
            p.getOutputStream().write(netconf(workload).getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LabException("ocelot-cni " + command + " " + workload + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new LabException("ocelot-cni " + command + " " + workload + " failed (exit " + p.exitValue() + "): "
                        + out.strip() + " " + java.nio.file.Files.readString(errors).strip());
            }
            return out;
        } catch (java.io.IOException e) {
            throw new LabException("ocelot-cni " + command + " " + workload + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
    }
}
