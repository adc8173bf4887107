package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ocelot.control.cli.OcelotCtl;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ocelotctl node run` as a real node: a child JVM inside a node namespace whose uplink veth
 * leads to a fabric namespace running BIRD 2. The node address answers the fabric's ping only
 * through DPDK and the host TAP (the kernel ignores the uplink: its raw DROP counter rises, the
 * fastpath's punted counter too), BGP with BIRD runs through the TAP (BIRD learns the node's
 * IPAM block, the node's FIB gets BIRD's route), `config set logLevel` reaches the running node,
 * `node diags` archives its FIB and counters, two workloads attached through cni.sock (one by a
 * /var/run/netns name, one by /proc/PID/ns/net) get eth0 with their /32 and Calico's routes and,
 * once their workloadEndpoints are in the datastore, ping each other through the fastpath; a
 * refused attach leaves no interface, detach is idempotent; /metrics and /health answer, and
 * SIGTERM gives the uplink its address, ARP and iptables state back and removes the TAPs.
 */
@Tag("netns")
@Tag("dpdk")
@Tag("bird")
class NodeNamespaceTest {
    final String id = Long.toString(ProcessHandle.current().pid() % 100000);
    final String nsNode = "ocn-" + id, nsFab = "ocf-" + id, nsWork = "ocw-" + id, nsWork2 = "ocx-" + id;
    static final String NODE_IP = "172.31.91.10", FABRIC_IP = "172.31.91.1";

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void nodeRunOwnsTheUplinkAndAnswersThroughTheExceptionPath() throws Exception {
        try {
            runNode();
        } catch (AssertionError e) {
            // CI shows only the assertion: carry the node's and BIRD's own account of what happened
            throw new AssertionError(e.getMessage() + "\n--- node.log (last 60 lines) ---\n" + tail(tmp.resolve("node.log"), 60)
                    + "\n--- bird.log (last 30 lines) ---\n" + tail(tmp.resolve("bird").resolve("bird.log"), 30), e);
        }
    }

    private String scrape(NamespaceLab lab) {
        try {
            return lab.in(nsNode, "python3", "-c", "import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:9091/metrics').read().decode())");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (java.io.IOException | RuntimeException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }

    private void runNode() throws Exception {
        try (NamespaceLab lab = new NamespaceLab()) {
            lab.namespace(nsNode);
            lab.namespace(nsFab);
            lab.link(nsNode, nsFab, id);
            lab.in(nsNode, "ip", "addr", "add", NODE_IP + "/24", "dev", "eth0");
            lab.in(nsFab, "ip", "addr", "add", FABRIC_IP + "/24", "dev", "eth0");
            String uplinkMac = lab.in(nsNode, "cat", "/sys/class/net/eth0/address").strip();

            Path data = tmp.resolve("data");
            Path cfg = tmp.resolve("ocelotctl.cfg");
            Files.writeString(cfg, "apiVersion: v1\nkind: calicoApiConfig\nmetadata:\nspec:\n  datastoreType: embedded\n  dataDir: " + data + "\n");
            Path setup = tmp.resolve("setup.yaml");
            Files.writeString(setup, """
                    - apiVersion: v1
                      kind: ipPool
                      metadata: {cidr: 10.65.0.0/16}
                      spec: {nat-outgoing: true}
                    - apiVersion: v1
                      kind: bgpPeer
                      metadata: {peerIP: %s, scope: global}
                      spec: {asNumber: 64513}
                    """.formatted(FABRIC_IP));
            assertEquals(0, ctl(cfg, "create", "-f", setup.toString()).code());

            Path birdDir = Files.createDirectories(tmp.resolve("bird"));
            Files.writeString(birdDir.resolve("bird.conf"), """
                    log stderr all;
                    router id %1$s;
                    protocol device { }
                    protocol static s4 { ipv4; route 10.99.0.0/24 blackhole; }
                    protocol bgp node1 {
                      local %1$s as 64513; neighbor %2$s as 64512;
                      hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
                      ipv4 { import all; export all; };
                    }
                    """.formatted(FABRIC_IP, NODE_IP));
            Path birdSocket = birdDir.resolve("bird.ctl");
            lab.start(nsFab, birdDir.resolve("bird.log"), false, "bird", "-f", "-c", birdDir.resolve("bird.conf").toString(),
                    "-s", birdSocket.toString(), "-P", birdDir.resolve("bird.pid").toString());

            Path runDir = tmp.resolve("run");
            Path nodeLog = tmp.resolve("node.log");
            NodeRunChild child = NodeRunChild.start(lab, nsNode, nodeLog, "--name", "node1", "--ip", NODE_IP, "--run-dir", runDir.toString(),
                    "--host-tap", "octap" + id, "--metrics-address", "127.0.0.1:9091", "--config=" + cfg);
            Process node = child.process();
            List<String> log = child.log();

            assertTrue(log.contains("Using IPv4 address from environment: IP=" + NODE_IP), log.toString());
            assertTrue(log.stream().anyMatch(l -> l.startsWith("Using IPAM block 10.65.0.0/26")), log.toString());
            assertTrue(log.stream().anyMatch(l -> l.startsWith("Opened uplink eth0 (af_packet, MAC " + uplinkMac)), log.toString());
            // the host TAP carries the node address and the uplink's MAC; the uplink has neither address nor ARP
            String tap = "octap" + id;
            assertTrue(lab.in(nsNode, "ip", "-4", "addr", "show", "dev", tap).contains(NODE_IP + "/24"));
            assertEquals(uplinkMac, lab.in(nsNode, "cat", "/sys/class/net/" + tap + "/address").strip());
            assertFalse(lab.in(nsNode, "ip", "-4", "addr", "show", "dev", "eth0").contains(NODE_IP));
            assertTrue(lab.in(nsNode, "ip", "link", "show", "dev", "eth0").contains("NOARP"));

            long dropsBefore = uplinkDrops(lab);
            assertEquals(0, lab.status(nsFab, "ping", "-c", "3", "-i", "0.3", "-W", "2", NODE_IP), "fabric pings the node address\n"
                    + Files.readString(nodeLog));
            assertTrue(uplinkDrops(lab) > dropsBefore, "the kernel saw the pings on the uplink and dropped them (raw PREROUTING)");
            String metrics = scrape(lab);
            assertTrue(counter(metrics, "ocelot_dataplane_packets_total{counter=\"punted_packets\"}") >= 3, metrics);
            assertTrue(metrics.contains("ocelot_port_rx_packets_total{port=\"eth0\",role=\"fabric\"}"), metrics);

            NodeTesting.await("BIRD and the node establish BGP through the TAP", () -> birdc(birdSocket, "show", "protocols").contains("Established"));
            NodeTesting.await("BIRD learns the node's block", () -> birdc(birdSocket, "show", "route", "10.65.0.0/26").contains(NODE_IP));
            NodeTesting.await("the node's FIB has BIRD's route", () -> ctl(cfg, "node", "routes", "--run-dir", runDir.toString()).out()
                    .contains("10.99.0.0/24"));
            String routes = ctl(cfg, "node", "routes", "--run-dir", runDir.toString()).out();
            assertTrue(Pattern.compile("10\\.99\\.0\\.0/24 +172\\.31\\.91\\.1 +172\\.31\\.91\\.1 +\\d\\d:\\d\\d:\\d\\d").matcher(routes).find(), routes);
            String health = lab.in(nsNode, "python3", "-c", "import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:9091/health').status)");
            assertEquals("200", health.strip());
            String status = ctl(cfg, "node", "status", "--run-dir", runDir.toString()).out();
            assertTrue(status.contains("172.31.91.1") && status.contains("global") && status.contains("Dataplane status") && status.contains("octap" + id), status);

            // issue 17's list of metrics, Felix-like names with the ocelot_ prefix
            String scraped = scrape(lab);
            for (String family : List.of("ocelot_port_rx_packets_total", "ocelot_port_tx_packets_total", "ocelot_port_tx_drops_total",
                    "ocelot_dataplane_drops_total", "ocelot_rule_hits_total", "ocelot_active_local_endpoints", "ocelot_active_local_policies",
                    "ocelot_calc_graph_update_time_seconds", "ocelot_int_dataplane_apply_time_seconds", "ocelot_bgp_sessions",
                    "ocelot_bgp_peer_prefixes_received", "ocelot_bgp_update_errors_total", "ocelot_bgp_fib_routes", "ocelot_fib_routes")) {
                assertTrue(scraped.contains("# TYPE " + family + " "), family + " missing:\n" + scraped);
            }
            // Established now, not "was once": under CI load a session has been seen to drop after the
            // routes were exchanged (cause unknown, see the session lines the failure message carries);
            // waiting for it to come back keeps this a check of the metric, and a lasting failure fails.
            NodeTesting.await("the node's metrics count one Established session", () -> counter(scrape(lab),
                    "ocelot_bgp_sessions{state=\"Established\"}") == 1);
            assertEquals(0, counter(scraped, "ocelot_bgp_update_errors_total{peer=\"" + FABRIC_IP + "\",action=\"treat-as-withdraw\"}"), scraped);

            assertEquals(0, ctl(cfg, "config", "set", "logLevel", "debug").code());
            NodeTesting.await("the running node follows logLevel", () -> read(nodeLog).contains("log level set to debug (cluster setting logLevel)"));
            assertEquals(0, ctl(cfg, "config", "set", "logLevel", "warning", "--node=node1").code());
            NodeTesting.await("its own logLevel overrides the global one", () -> read(nodeLog).contains("log level set to warning (this node's setting logLevel)"));
            Result diags = ctl(cfg, "node", "diags", "--run-dir", runDir.toString(), "--output-dir", tmp.toString());
            Matcher archive = Pattern.compile("Diags saved to (\\S+)").matcher(diags.out());
            assertTrue(archive.find(), diags.out() + diags.err());
            assertTrue(NamespaceLab.run("tar", "-xzOf", archive.group(1), "--wildcards", "*/node-routes.txt").contains("10.99.0.0/24"),
                    "diags hold the FIB");
            assertTrue(NamespaceLab.run("tar", "-xzOf", archive.group(1), "--wildcards", "*/node-metrics.txt").contains("ocelot_bgp_sessions"),
                    "diags hold the counters");

            // two workloads through the attach socket: one named by /var/run/netns, one by /proc/PID/ns/net (podman's kind of path)
            lab.namespace(nsWork);
            // 15 characters, the shape ocelot-cni gives (Calico's caliXXXXXXXXXXX): net_tap once refused them
            String cali1 = "cali" + "%010d".formatted(Long.parseLong(id)) + "a", cali2 = "cali" + "%010d".formatted(Long.parseLong(id)) + "b";
            WorkloadAttachClient cni = WorkloadAttachClient.forRunDir(runDir);
            String mac1 = cni.attach("c1", "/var/run/netns/" + nsWork, "eth0", cali1, List.of("10.65.0.2/32"));
            assertEquals(mac1, lab.in(nsWork, "cat", "/sys/class/net/eth0/address").strip());
            assertTrue(lab.in(nsWork, "ip", "-4", "addr", "show", "dev", "eth0").contains("inet 10.65.0.2/32"));
            String wroutes = lab.in(nsWork, "ip", "-4", "route", "show");
            assertTrue(wroutes.contains("default via 169.254.1.1 dev eth0") && wroutes.contains("169.254.1.1 dev eth0 scope link"), wroutes);
            lab.namespace(nsWork2);
            Process holder = lab.start(nsWork2, tmp.resolve("holder.log"), false, "sleep", "600");
            // holder.pid() is `ip netns exec`'s: until it has entered nsWork2, its /proc path names the
            // host's namespace (which has an eth0 of its own), so wait for the switch before attaching
            long nsInode = (Long) java.nio.file.Files.getAttribute(java.nio.file.Path.of("/var/run/netns/" + nsWork2), "unix:ino");
            NodeTesting.await("the holder entered " + nsWork2, () -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/" + holder.pid() + "/ns/net"))
                            .toString().equals("net:[" + nsInode + "]");
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            String mac2 = cni.attach("c2", "/proc/" + holder.pid() + "/ns/net", "eth0", cali2, List.of("10.65.0.3/32"));
            assertEquals(mac2, lab.in(nsWork2, "cat", "/sys/class/net/eth0/address").strip());
            var duplicate = org.junit.jupiter.api.Assertions.assertThrows(WorkloadAttachException.class,
                    () -> cni.attach("c3", "/var/run/netns/" + nsWork, "eth0", "cali" + id + "c", List.of("10.65.0.4/32")));
            assertTrue(duplicate.getMessage().contains("interface eth0 already exists in netns"), duplicate.getMessage());
            assertEquals(1, lab.status(nsNode, "ip", "link", "show", "dev", "cali" + id + "c"), "the refused attach left no interface");

            // their endpoints and a profile in the datastore: the driver publishes them, they ping each other through the fastpath
            Path endpoints = tmp.resolve("endpoints.yaml");
            Files.writeString(endpoints, """
                    - apiVersion: v1
                      kind: profile
                      metadata: {name: open}
                      spec:
                        ingress: [{action: allow}]
                        egress: [{action: allow}]
                    - apiVersion: v1
                      kind: workloadEndpoint
                      metadata: {name: eth0, workload: w1, orchestrator: cni, node: node1}
                      spec: {interfaceName: %s, mac: "%s", ipNetworks: [10.65.0.2/32], profiles: [open]}
                    - apiVersion: v1
                      kind: workloadEndpoint
                      metadata: {name: eth0, workload: w2, orchestrator: cni, node: node1}
                      spec: {interfaceName: %s, mac: "%s", ipNetworks: [10.65.0.3/32], profiles: [open]}
                    """.formatted(cali1, mac1, cali2, mac2));
            assertEquals(0, ctl(cfg, "create", "-f", endpoints.toString()).code());
            NodeTesting.await("the driver publishes both endpoints", () -> ctl(cfg, "node", "status", "--run-dir", runDir.toString()).out()
                    .contains("2 local endpoint(s)"));
            assertEquals(0, lab.status(nsWork, "ping", "-c", "3", "-i", "0.3", "-W", "2", "10.65.0.3"), "w1 pings w2 through the fastpath\n"
                    + ctl(cfg, "node", "status", "--run-dir", runDir.toString()).out());
            assertEquals(2_000_000, tcpTransfer(lab, 2_000_000), "a 2 MB TCP stream w1 -> w2 through the fastpath");
            String afterPing = scrape(lab);
            assertTrue(counter(afterPing, "ocelot_port_rx_packets_total{port=\"" + cali2 + "\",role=\"workload\"}") >= 3, afterPing);

            cni.detach(cali1);
            assertEquals(1, lab.status(nsWork, "ip", "link", "show", "dev", "eth0"), "detach removed the workload's interface");
            cni.detach(cali1); // idempotent
            NodeTesting.await("w1's endpoint left the published state", () -> ctl(cfg, "node", "status", "--run-dir", runDir.toString()).out()
                    .contains("1 local endpoint(s)"));

            assertTrue(NamespaceLab.terminate(node, 60), "node run stopped on SIGTERM");
            assertTrue(lab.in(nsNode, "ip", "-4", "addr", "show", "dev", "eth0").contains(NODE_IP + "/24"), "uplink address restored");
            assertFalse(lab.in(nsNode, "ip", "link", "show", "dev", "eth0").contains("NOARP"), "uplink ARP restored");
            assertFalse(lab.in(nsNode, "iptables", "-t", "raw", "-S", "PREROUTING").contains("DROP"), "raw DROP rule removed");
            assertEquals(1, lab.status(nsNode, "ip", "link", "show", "dev", tap), "host TAP removed");
            assertEquals(0, lab.status(nsFab, "ping", "-c", "1", "-W", "2", NODE_IP), "the kernel answers on the uplink again");
            assertEquals(1, lab.status(nsWork2, "ip", "link", "show", "dev", "eth0"), "stop removed the remaining workload interface");
        }
    }

    /** Bytes a server in w2 received from a client in w1; the server runs in its own session, killed with the lab. */
    long tcpTransfer(NamespaceLab lab, int bytes) throws Exception {
        Process server = lab.start(nsWork2, tmp.resolve("tcp-server.log"), true, "timeout", "30", "python3", "-u", "-c",
                "import socket\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(('10.65.0.3',5201));s.listen(1)\n"
                        + "print('ready')\nc,_=s.accept();n=0\nwhile True:\n d=c.recv(65536)\n if not d: break\n n+=len(d)\nprint(n)");
        var lines = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("ready", lines.readLine(), "TCP server started");
        int client = lab.status(nsWork, "timeout", "20", "python3", "-c",
                "import socket\ns=socket.create_connection(('10.65.0.3',5201),timeout=10);s.sendall(b'x'*" + bytes + ");s.close()");
        if (client != 0) return -client;
        String count = lines.readLine();
        server.waitFor(20, TimeUnit.SECONDS);
        return count == null ? -1 : Long.parseLong(count.strip());
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    long uplinkDrops(NamespaceLab lab) throws Exception {
        for (String line : lab.in(nsNode, "iptables", "-t", "raw", "-L", "PREROUTING", "-v", "-n", "-x").split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 5 && f[2].equals("DROP") && line.contains("eth0")) return Long.parseLong(f[0]);
        }
        return -1;
    }

    static long counter(String metrics, String sample) {
        Matcher m = Pattern.compile("^" + Pattern.quote(sample) + " (\\d+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    String birdc(Path socket, String... command) {
        List<String> full = new ArrayList<>(List.of("birdc", "-s", socket.toString()));
        full.addAll(List.of(command));
        try {
            return NamespaceLab.run(full.toArray(String[]::new));
        } catch (Exception e) {
            return "";
        }
    }

    record Result(int code, String out, String err) {}

    static Result ctl(Path cfg, String... args) {
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--config=" + cfg);
        int code = new OcelotCtl(java.util.Map.of(), new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true),
                new java.io.ByteArrayInputStream(new byte[0])).execute(all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }
}
