package ocelot.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import ocelot.control.cli.OcelotCtl;
import ocelot.control.datastore.EtcdProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's acceptance, end to end, inside namespaces this test creates: a node process
 * ({@code ocelotctl node run}) in a node namespace whose uplink is a veth on a fabric bridge;
 * workloads attached through {@code ocelot-cni}, by the CNI protocol directly and by podman
 * running a busybox root filesystem; traffic between them through the userspace fastpath (the
 * node namespace's kernel forwarding off, the fastpath's port counters up); policy and profiles
 * from {@code ocelotctl}; NAT outgoing to a namespace playing the outside world; on the embedded
 * store and on etcd. Three nodes over BGP, IPIP across subnets, a borrowed /32 announced and
 * withdrawn. Not here yet: the host endpoint's failsafe ports (inbound TCP to the node's host
 * address from the fabric is not accepted at all; see control/README.md).
 */
@Tag("netns")
@Tag("dpdk")
class NodeEndToEndTest {
    static final String POOL = "10.65.0.0/16";
    static final String NODE1_IP = "10.99.0.11";
    static final String OUTSIDE_IP = "10.99.0.254";
    /** An address only the outside namespace has: reaching it from a workload needs NAT outgoing. */
    static final String INTERNET_IP = "198.51.100.1";

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 900, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void workloadsPolicyProfilesAndNatOnTheEmbeddedStore() throws Exception {
        Path data = tmp.resolve("data");
        try (Cluster c = new Cluster(tmp, Map.of("DATASTORE_TYPE", "embedded", "OCELOT_DATA_DIR", data.toString()),
                "\"datastore_type\":\"embedded\",\"ocelot_data_dir\":\"" + data + "\"")) {
            singleNodeScenario(c);
        }
    }

    @Test
    @Tag("etcd")
    @Timeout(value = 900, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void workloadsPolicyProfilesAndNatOnEtcd() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.launch();
             Cluster c = new Cluster(tmp, Map.of("DATASTORE_TYPE", "etcdv3", "ETCD_ENDPOINTS", etcd.endpoint().toString()),
                     "\"datastore_type\":\"etcdv3\",\"etcd_endpoints\":\"" + etcd.endpoint() + "\"")) {
            c.etcdPort = etcd.endpoint().getPort();
            singleNodeScenario(c);
        }
    }

    /**
     * Three nodes: n1 and n2 on one fabric subnet, n3 on another behind a router namespace. The
     * pool is IPIP cross-subnet: n1 ↔ n2 route natively, n1 ↔ n3 through IPIP (counted by the
     * router's iptables). Routes learned over BGP reach the fastpath (workloads on different
     * nodes ping each other); a borrowed address's /32 is announced and withdrawn with its endpoint.
     */
    @Test
    @Timeout(value = 900, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void nodesLearnEachOthersRoutesOverBgpWithIpipAcrossSubnets() throws Exception {
        Path data = tmp.resolve("data");
        try (Cluster c = new Cluster(tmp, Map.of("DATASTORE_TYPE", "embedded", "OCELOT_DATA_DIR", data.toString()),
                "\"datastore_type\":\"embedded\",\"ocelot_data_dir\":\"" + data + "\"")) {
            c.segment("br0");
            c.segment("br1");
            c.resources("create", """
                    apiVersion: v1
                    kind: ipPool
                    metadata:
                      cidr: %s
                    spec:
                      ipip:
                        enabled: true
                        mode: cross-subnet
                    ---
                    apiVersion: v1
                    kind: profile
                    metadata:
                      name: ocnet
                    spec:
                      ingress:
                      - action: allow
                      egress:
                      - action: allow
                    """.formatted(POOL));
            String router = c.attach("ortr", "br0", "eth0", "10.99.0.1/24", null);
            fabricLink(c, router, "br1", "eth1");
            c.ns.sh(router, "ip link set eth1 up && ip addr add 10.98.0.1/24 dev eth1 && sysctl -qw net.ipv4.ip_forward=1"
                    + " && iptables -A FORWARD -p 4 -j ACCEPT");
            String pid = Long.toString(ProcessHandle.current().pid());
            Node n1 = startNode(c, "e2e" + pid + "a", "br0", "10.99.0.11/24", "10.99.0.1");
            Node n2 = startNode(c, "e2e" + pid + "b", "br0", "10.99.0.12/24", "10.99.0.1");
            Node n3 = startNode(c, "e2e" + pid + "c", "br1", "10.98.0.13/24", "10.98.0.1");

            String w1 = c.ns.add("ow1");
            String ip1 = Cluster.address(c.cniAdd("w1" + pid, w1, c.netconf("ocnet", n1.name(), n1.runDir(), null, "[\"ocnet\"]")));
            String w2 = c.ns.add("ow2");
            String ip2 = Cluster.address(c.cniAdd("w2" + pid, w2, c.netconf("ocnet", n2.name(), n2.runDir(), null, "[\"ocnet\"]")));
            String w3 = c.ns.add("ow3");
            String ip3 = Cluster.address(c.cniAdd("w3" + pid, w3, c.netconf("ocnet", n3.name(), n3.runDir(), null, "[\"ocnet\"]")));

            Cluster.await("n1's workload reaches n2's (same subnet, BGP-learned block)", () -> c.pings(w1, ip2));
            long ipipBefore = ipipForwarded(c, router);
            Cluster.await("n1's workload reaches n3's (other subnet, IPIP)", () -> c.pings(w1, ip3));
            assertTrue(c.pings(w2, ip3));
            assertTrue(ipipForwarded(c, router) > ipipBefore, "the router forwarded IPIP packets between n1/n2 and n3");
            String routes = c.ocelotctl("node", "routes", "--run-dir", n1.runDir().toString());
            assertTrue(routes.contains(blockOf(ip3)), "n1's FIB has n3's block:\n" + routes);

            // An address borrowed from n1's block, on n2: n2 announces its /32; removing the endpoint withdraws it.
            String wb = c.ns.add("owb");
            String borrowed = ip1.substring(0, ip1.lastIndexOf('.') + 1) + "40";
            c.ocelotctl("endpoint", "add", "--netns", "/var/run/netns/" + wb, "--name", "borrow" + pid, "--node", n2.name(),
                    "--run-dir", n2.runDir().toString(), "--ip", borrowed, "--profiles", "ocnet");
            Cluster.await("n1 learns the borrowed /32 from n2", () ->
                    c.ocelotctl("node", "routes", "--run-dir", n1.runDir().toString()).contains(borrowed + "/32"));
            Cluster.await("n1's workload reaches the borrowed address on n2", () -> c.pings(w1, borrowed));
            c.ocelotctl("endpoint", "remove", "--name", "borrow" + pid, "--node", n2.name(), "--run-dir", n2.runDir().toString());
            for (Node n : List.of(n1, n3)) {
                Cluster.await(n.name() + " withdrew the borrowed /32", () ->
                        !c.ocelotctl("node", "routes", "--run-dir", n.runDir().toString()).contains(borrowed + "/32"));
            }
            assertFalse(c.pings(w1, borrowed));
        }
    }

    /** A second veth from {@code namespace} to {@code bridge}, named {@code ifName} there (bridge side as in {@link Cluster#attach}). */
    static void fabricLink(Cluster c, String namespace, String bridge, String ifName) {
        String peer = c.ns.unique("f" + ifName);
        c.ns.sh(c.fabric, "ip link add " + peer + " type veth peer name " + ifName + " netns " + namespace
                + " && ip link set " + peer + " master " + bridge + " up && ethtool -K " + peer + " tx off >/dev/null");
    }

    static long ipipForwarded(Cluster c, String router) {
        String out = c.ns.sh(router, "iptables -L FORWARD -v -n -x");
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && (f[3].equals("4") || f[3].equals("ipencap"))) return Long.parseLong(f[0]);
        }
        throw new AssertionError("no IPIP rule in the router's FORWARD chain: " + out);
    }

    /** The /26 IPAM block of an address (the pool's default block size). */
    static String blockOf(String ip) {
        String[] o = ip.split("\\.");
        return o[0] + "." + o[1] + "." + o[2] + "." + (Integer.parseInt(o[3]) & ~63) + "/26";
    }

    /** A node namespace on the fabric, its node process started and answering on its workload socket. */
    record Node(String name, String namespace, Path runDir, Namespaces.GroupProcess process, Path log) {}

    static Node startNode(Cluster c, String name, String bridge, String cidr, String gateway) throws Exception {
        String ns = c.attach("o" + name.substring(name.length() - 1), bridge, "up0", cidr, gateway);
        c.ns.sh(ns, "sysctl -qw net.ipv4.ip_forward=0");
        if (c.etcdPort != null) c.shareHostLoopbackPort(ns, c.etcdPort);
        Path runDir = Files.createDirectories(c.dir.resolve("run-" + name));
        Path log = c.dir.resolve(name + ".log");
        var process = launchNode(c, name, ns, cidr, runDir, log);
        return new Node(name, ns, runDir, process, log);
    }

    /**
     * {@code ocelotctl node run} as a child JVM in namespace {@code ns} on {@code runDir}, output
     * to {@code log}; returns once it logged its start and serves its workload socket.
     */
    static Namespaces.GroupProcess launchNode(Cluster c, String name, String ns, String cidr, Path runDir, Path log, String... extraArgs)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("env"));
        c.datastoreEnv.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.addAll(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Docelot.native.lib=" + System.getProperty("ocelot.native.lib", ""),
                "-cp", System.getProperty("java.class.path"), OcelotCtl.class.getName(),
                "node", "run", "--name", name, "--ip", cidr, "--run-dir", runDir.toString(), "--metrics-address", "127.0.0.1:9091"));
        cmd.addAll(List.of(extraArgs));
        Files.deleteIfExists(runDir.resolve("cni.sock")); // a killed run's socket file
        var process = c.ns.start(ns, log, cmd);
        Cluster.await("node " + name + " started (log " + log + ")", () -> {
            if (!process.alive()) throw new AssertionError("node " + name + " exited: " + tail(log));
            return tail(log).contains("Ocelot node started successfully") && Files.exists(runDir.resolve("cni.sock"));
        });
        return process;
    }

    /** TCP listeners on 22 (SSH's port) and 8080 in the node's namespace, accepting and closing. */
    static final String LISTENERS = """
            import socket, threading
            def serve(port):
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(('0.0.0.0', port)); s.listen(64)
                while True:
                    c, _ = s.accept(); c.close()
            for p in (22, 8080): threading.Thread(target=serve, args=(p,)).start()
            """;

    /** Whether a TCP connection from namespace {@code from} to ip:port is accepted within 2 s. */
    static boolean connects(Cluster c, String from, String ip, int port) {
        return c.ns.tryRun(10, from, "python3", "-c", "import socket; socket.create_connection(('" + ip + "', " + port + "), 2)").exit() == 0;
    }

    /** The node's /metrics, read inside its namespace. */
    static String metrics(Cluster c, Node n) {
        return metrics(c, n.namespace());
    }

    /** The /metrics of the node running in {@code namespace} (127.0.0.1:9091 there). */
    static String metrics(Cluster c, String namespace) {
        return c.ns.sh(namespace, "python3 -c \"import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:9091/metrics').read().decode())\"");
    }

    /** Sum of a per-port counter over the node's workload ports. */
    static long workloadPortPackets(Cluster c, Node n, String counter) {
        long sum = 0;
        for (String line : metrics(c, n).split("\n")) {
            if (line.startsWith(counter + "{") && line.contains("role=\"workload\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static String tail(Path log) {
        try {
            String s = Files.exists(log) ? Files.readString(log) : "";
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (java.io.IOException e) {
            return "";
        }
    }

    void singleNodeScenario(Cluster c) throws Exception {
        c.segment("br0");
        c.resources("create", """
                apiVersion: v1
                kind: ipPool
                metadata:
                  cidr: %s
                spec:
                  nat-outgoing: true
                ---
                apiVersion: v1
                kind: profile
                metadata:
                  name: ocnet
                spec:
                  ingress:
                  - action: allow
                  egress:
                  - action: allow
                ---
                apiVersion: v1
                kind: profile
                metadata:
                  name: closed
                spec:
                  egress:
                  - action: allow
                """.formatted(POOL));
        // The outside world: on the fabric, with an address of its own and no route to the pool.
        String outside = c.attach("oout", "br0", "eth0", OUTSIDE_IP + "/24", null);
        c.ns.sh(outside, "ip addr add " + INTERNET_IP + "/32 dev lo");
        String n1name = "e2e" + ProcessHandle.current().pid() + "a";
        Node n1 = startNode(c, n1name, "br0", NODE1_IP + "/24", OUTSIDE_IP);

        c.ns.start(n1.namespace(), c.dir.resolve("listeners0.log"), List.of("python3", "-c", LISTENERS.replace("(22, 8080)", "(2222,)")));
        String early = c.attach("oear", "br0", "eth0", "10.99.0.201/24", null);
        Cluster.await("EARLY: a host on the fabric reaches a listener on the node", () -> connects(c, early, NODE1_IP, 2222));

        // Workload 1 by the CNI protocol directly.
        String w1 = c.ns.add("ow1");
        JsonNode r1 = c.cniAdd("w1" + ProcessHandle.current().pid(), w1,
                c.netconf("ocnet", n1name, n1.runDir(), "{\"role\":\"server\"}", "[\"ocnet\"]"));
        String ip1 = Cluster.address(r1);
        assertTrue(ip1.startsWith("10.65."), r1.toString());
        assertEquals("169.254.1.1", r1.path("routes").path(0).path("gw").asText(), r1.toString());
        assertEquals("0", c.ns.sh(n1.namespace(), "sysctl -n net.ipv4.ip_forward").strip(), "the node's kernel forwards nothing");

        // Workload 2 by podman: ping workload 1, then a 1 MB TCP stream into it.
        PodmanSandbox podman = c.podman();
        podman.network("ocnet", c.netconf("ocnet", n1name, n1.runDir(), "{\"role\":\"client\"}", "[\"ocnet\"]"));
        Path received = c.dir.resolve("received");
        var listener = c.ns.start(w1, c.dir.resolve("nc.log"), List.of("sh", "-c", "busybox nc -l -p 5001 | wc -c > " + received));
        long workloadTxBefore = workloadPortPackets(c, n1, "ocelot_port_tx_packets_total");
        var run = podman.run(180, "ocnet", "sh", "-c", "ping -c 3 -W 2 " + ip1 + " && head -c 1000000 /dev/zero | nc " + ip1 + " 5001");
        assertEquals(0, run.exit(), "podman workload: " + run.out());
        Cluster.await("the listener counted the stream", () -> !listener.alive());
        assertEquals("1000000", Files.readString(received).strip());
        // Through the userspace fastpath: it sent the stream out of w1's port (≥ 690 full-size
        // segments for 1 MB; podman's port is gone with its container), and the node
        // namespace's kernel forwarding is off.
        long workloadTx = workloadPortPackets(c, n1, "ocelot_port_tx_packets_total") - workloadTxBefore;
        assertTrue(workloadTx >= 690, "workload ports sent " + workloadTx + " packets during the stream");
        assertEquals("0", c.ns.sh(n1.namespace(), "sysctl -n net.ipv4.ip_forward").strip());
        // podman's DEL after the container exited: no podman endpoint left, its address released.
        assertFalse(c.ocelotctl("get", "workloadEndpoint", "-o", "yaml").contains("role: client"));

        // Workload 3 (CNI protocol) is the client for policy checks: a deny policy stops it, deleting it restores.
        String w3 = c.ns.add("ow3");
        String ip3 = Cluster.address(c.cniAdd("w3" + ProcessHandle.current().pid(), w3,
                c.netconf("ocnet", n1name, n1.runDir(), "{\"role\":\"client\"}", "[\"ocnet\"]")));
        assertNotEquals(ip1, ip3);
        Cluster.await("w3 reaches w1", () -> c.pings(w3, ip1));
        c.resources("create", """
                apiVersion: v1
                kind: policy
                metadata:
                  name: deny-to-server
                spec:
                  order: 10
                  selector: role == 'server'
                  ingress:
                  - action: deny
                  egress:
                  - action: allow
                """);
        Cluster.await("the deny policy stops w3 → w1", () -> !c.pings(w3, ip1));
        c.ocelotctl("delete", "policy", "deny-to-server");
        Cluster.await("deleting the policy restores w3 → w1", () -> c.pings(w3, ip1));

        // A profile's default rules: w4's profile has no ingress rule, so nothing reaches it until one allows.
        String w4 = c.ns.add("ow4");
        String ip4 = Cluster.address(c.cniAdd("w4" + ProcessHandle.current().pid(), w4,
                c.netconf("ocnet", n1name, n1.runDir(), "{\"role\":\"closed\"}", "[\"closed\"]")));
        Cluster.await("w4 reaches w1 (its profile allows egress)", () -> c.pings(w4, ip1));
        assertFalse(c.pings(w3, ip4), "w4's profile has no ingress rule: default deny");

        // NAT outgoing: the outside namespace has no route to the pool, so only a NATed ping returns.
        Cluster.await("w1 reaches the outside world through NAT outgoing", () -> c.pings(w1, INTERNET_IP));

        // A host endpoint on the uplink: the host closes but for Calico's failsafe ports (SSH, BGP).
        c.ns.start(n1.namespace(), c.dir.resolve("listeners.log"), List.of("python3", "-c", LISTENERS));
        String admin = c.attach("oadm", "br0", "eth0", "10.99.0.200/24", null);
        Cluster.await("an admin host on the fabric reaches the node's SSH", () -> connects(c, admin, NODE1_IP, 22));
        try {
            Cluster.await("the host's listeners answer", () -> connects(c, outside, NODE1_IP, 8080) && connects(c, outside, NODE1_IP, 22));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; ping node " + c.pings(outside, NODE1_IP) + ", bgp " + connects(c, outside, NODE1_IP, 179)
                    + ", local 8080 " + connects(c, n1.namespace(), NODE1_IP, 8080) + "\n" + c.ns.sh(n1.namespace(), "ss -ltn; ip -br addr")
                    + metrics(c, n1).lines().filter(l -> l.contains("drop") && !l.startsWith("#")).toList());
        }
        assertTrue(connects(c, outside, NODE1_IP, 179), "the node's BGP port answers");
        c.resources("create", """
                apiVersion: v1
                kind: hostEndpoint
                metadata:
                  name: uplink
                  node: %s
                  labels:
                    role: host
                spec:
                  interfaceName: up0
                  expectedIPs:
                  - %s
                """.formatted(n1name, NODE1_IP));
        Cluster.await("the host endpoint closes port 8080", () -> !connects(c, outside, NODE1_IP, 8080));
        assertTrue(connects(c, outside, NODE1_IP, 22), "SSH is failsafe");
        assertTrue(connects(c, outside, NODE1_IP, 179), "BGP is failsafe");
        c.ocelotctl("delete", "hostEndpoint", "uplink", "--node", n1name);
        Cluster.await("deleting the host endpoint opens port 8080 again", () -> connects(c, outside, NODE1_IP, 8080));

        // Deleting w1 (CNI DEL, twice: idempotent) releases its address and endpoint.
        for (int i = 0; i < 2; i++) {
            var del = c.cni("DEL", "w1" + ProcessHandle.current().pid(), "/var/run/netns/" + w1,
                    c.netconf("ocnet", n1name, n1.runDir(), null, null));
            assertEquals(0, del.exit(), del.out());
        }
        assertTrue(c.ocelotctl("ipam", "show", "--ip=" + ip1).contains("not currently assigned"));
        assertFalse(c.pings(w3, ip1));
    }
}
