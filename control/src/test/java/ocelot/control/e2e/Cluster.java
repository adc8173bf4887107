package ocelot.control.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import ocelot.control.cli.OcelotCtl;

/**
 * The end-to-end topology: a fabric namespace with a bridge per subnet, node namespaces whose
 * uplink veth sits on a fabric bridge, workload namespaces attached through {@code ocelot-cni},
 * podman as a real CNI runtime, and {@code ocelotctl} against the cluster's datastore. Everything
 * lives in {@link Namespaces} and one temp folder, and goes with {@link #close()}.
 */
final class Cluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WAIT_NANOS = 90_000_000_000L;

    final Namespaces ns = new Namespaces();
    final Path dir;
    /** DATASTORE_TYPE / ETCD_ENDPOINTS / OCELOT_DATA_DIR as ocelotctl and the node read them. */
    final Map<String, String> datastoreEnv;
    /** The netconf fields that select the same datastore. */
    final String datastoreNetconf;
    final String fabric;
    /** The host's etcd port when the datastore is etcd: node namespaces reach it through {@link #shareHostLoopbackPort}. */
    Integer etcdPort;
    PodmanSandbox podman;

    Cluster(Path dir, Map<String, String> datastoreEnv, String datastoreNetconf) {
        this.dir = dir;
        this.datastoreEnv = datastoreEnv;
        this.datastoreNetconf = datastoreNetconf;
        this.fabric = ns.add("ofab");
    }

    /** A bridge in the fabric namespace: one L2 segment. */
    void segment(String bridge) {
        ns.sh(fabric, "ip link add " + bridge + " type bridge && ip link set " + bridge + " up");
    }

    /**
     * A namespace with one veth {@code ifName} on {@code bridge}, optionally addressed, with a
     * default route. The bridge side has tx checksum offload off, so every frame the bridge hands
     * a namespace carries finished TCP/UDP checksums, as on a wire: a veth passes them on partial,
     * and a node's uplink read by net_af_packet would hand them unfinished to the fastpath and
     * through it to the kernel behind the host TAP, which drops them (TcpInCsumErrors).
     */
    String attach(String base, String bridge, String ifName, String cidr, String gateway) {
        String name = ns.add(base);
        String peer = ns.unique("f" + base.substring(Math.max(0, base.length() - 3)));
        ns.sh(fabric, "ip link add " + peer + " type veth peer name " + ifName + " netns " + name
                + " && ip link set " + peer + " master " + bridge + " up && ethtool -K " + peer + " tx off >/dev/null");
        StringBuilder s = new StringBuilder("ip link set " + ifName + " up");
        if (cidr != null) s.append(" && ip addr add ").append(cidr).append(" dev ").append(ifName);
        if (gateway != null) s.append(" && ip route add default via ").append(gateway);
        ns.sh(name, s.toString());
        return name;
    }

    /**
     * Makes the host's 127.0.0.1:{@code port} (etcd) reachable as 127.0.0.1:{@code port} inside
     * {@code namespace}, through a unix socket file and two socat processes: every packet stays on
     * one namespace's loopback, and nothing joins the host's network to the test's.
     */
    void shareHostLoopbackPort(String namespace, int port) {
        Path socket = dir.resolve("lo-" + port + "-" + namespace + ".sock");
        Path log = dir.resolve("socat-" + namespace + ".log");
        ns.start(null, log, List.of("socat", "UNIX-LISTEN:" + socket + ",fork", "TCP:127.0.0.1:" + port));
        await("the socat socket " + socket + " exists", () -> Files.exists(socket));
        ns.start(namespace, log, List.of("socat", "TCP-LISTEN:" + port + ",bind=127.0.0.1,fork,reuseaddr", "UNIX-CONNECT:" + socket));
    }

    /** Runs ocelotctl in this JVM against the cluster's datastore; fails unless it exits 0. */
    String ocelotctl(String... args) {
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        int code = new OcelotCtl(datastoreEnv, new java.io.PrintWriter(out), new java.io.PrintWriter(err),
                new java.io.ByteArrayInputStream(new byte[0])).execute(args);
        if (code != 0) throw new IllegalStateException("ocelotctl " + String.join(" ", args) + ": " + err);
        return out.toString();
    }

    /** ocelotctl create/apply with YAML text. */
    void resources(String verb, String yaml) throws IOException {
        Path f = Files.createTempFile(dir, "res-", ".yaml");
        Files.writeString(f, yaml);
        ocelotctl(verb, "-f", f.toString());
    }

    /** The ocelot-cni netconf for {@code node}: datastore, node socket, labels and profiles. */
    String netconf(String network, String node, Path runDir, String labelsJson, String profilesJson) {
        return "\"name\":\"" + network + "\",\"nodename\":\"" + node + "\"," + datastoreNetconf
                + ",\"ocelot_run_dir\":\"" + runDir + "\",\"ipam\":{\"type\":\"ocelot-ipam\"}"
                + (labelsJson == null ? "" : ",\"labels\":" + labelsJson)
                + (profilesJson == null ? "" : ",\"profiles\":" + profilesJson);
    }

    /** Podman with the ocelot-cni network {@code network} (created on first use). */
    PodmanSandbox podman() throws IOException {
        if (podman == null) podman = new PodmanSandbox(ns, Files.createDirectories(dir.resolve("podman")));
        return podman;
    }

    /** A CNI call by the spec's protocol (environment + stdin) through the installed launcher. */
    Namespaces.Result cni(String command, String containerId, String netnsPath, String pluginFields) throws IOException {
        Path conf = Files.createTempFile(dir, "netconf-", ".json");
        Files.writeString(conf, "{\"cniVersion\":\"1.0.0\",\"type\":\"ocelot-cni\"," + pluginFields + "}");
        List<String> cmd = new ArrayList<>(List.of("env", "CNI_COMMAND=" + command, "CNI_CONTAINERID=" + containerId,
                "CNI_NETNS=" + netnsPath, "CNI_IFNAME=eth0", "CNI_PATH=/usr/lib/cni", "sh", "-c",
                "exec '" + podman().plugin() + "' < '" + conf + "'"));
        // The runtime reads stdout only; the plugin's stderr (JVM warnings) goes to a log.
        return ns.tryRun(120, null, dir.resolve("cni.stderr"), cmd.toArray(String[]::new));
    }

    /** CNI ADD that must succeed; returns the parsed result. */
    JsonNode cniAdd(String containerId, String netns, String pluginFields) throws IOException {
        Namespaces.Result r = cni("ADD", containerId, "/var/run/netns/" + netns, pluginFields);
        if (r.exit() != 0) throw new IllegalStateException("CNI ADD " + containerId + " failed: " + r.out());
        return JSON.readTree(r.out());
    }

    static String address(JsonNode cniResult) {
        String cidr = cniResult.path("ips").path(0).path("address").asText();
        return cidr.substring(0, cidr.indexOf('/'));
    }

    /** Whether {@code ping -c 1 -W 1} from {@code ns} to {@code ip} gets an answer. */
    boolean pings(String from, String ip) {
        return ns.tryRun(10, from, "ping", "-c", "1", "-W", "1", ip).exit() == 0;
    }

    /** Waits (polling, with a deadline) until {@code condition} holds. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) throw new AssertionError("timed out waiting until " + what);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            ns.close();
        } finally {
            if (podman != null) podman.close();
        }
    }
}
