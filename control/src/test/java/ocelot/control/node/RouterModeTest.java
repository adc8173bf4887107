package ocelot.control.node;

import static ocelot.control.node.NodeNamespaceTest.ctl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ocelotctl node run --router` as a top-of-rack router (issue 19): a router namespace with
 * three DPDK ports, the border uplink {@code up0} (10.0.0.1/24) to a spine namespace and two
 * rack ports {@code rk1} (10.1.1.1/24) and {@code rk2} (10.1.2.1/24) to two rack-node
 * namespaces. Each rack node is BIRD 2 (AS 65001, 65002) announcing its block (10.65.1.0/26,
 * 10.65.2.0/26, an address of it on lo) and dialling the router, which has no bgpPeer per node,
 * only a listen range (10.1.0.0/16, AS 65001-65002); the spine is BIRD 2 (AS 65100, a static
 * bgpPeer) announcing 172.31.0.0/24 (172.31.0.1 on lo). Proved: both rack sessions accepted
 * through the range, the learned routes in the router's FIB and published state, the rack nodes
 * and the spine learn each other's prefixes through the router (eBGP, next hop the router's
 * address on their side), ping both ways between an address behind a rack node and the one behind
 * the spine through the fastpath, UDP between the racks keeps its source, UDP from a rack's pool
 * to the spine leaves NATed to the border's address (natOutgoing at the border only), a
 * hostEndpoint policy on up0 denies forwarded UDP to port 9999 while 9998 passes; after a
 * SIGKILL the next start gives every port back first and forwards again, and SIGTERM gives every
 * port its address back.
 */
@Tag("netns")
@Tag("dpdk")
@Tag("bird")
class RouterModeTest {
    final String id = Long.toString(ProcessHandle.current().pid() % 100000);
    final String nsRouter = "otr-" + id, nsSpine = "ots-" + id, nsRackA = "ota-" + id, nsRackB = "otb-" + id;
    /** Answers each datagram with the source address it arrived from; or, as a client, prints that answer (or "timeout"). */
    static final String UDP_ECHO = """
            import select, socket, sys
            if sys.argv[1] == 'serve':
                socks = []
                for p in sys.argv[3:]:
                    # bound to the address asked for: a wildcard socket would answer from the outgoing interface's address
                    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((sys.argv[2], int(p))); socks.append(s)
                print('ready', flush=True)
                while True:
                    for s in select.select(socks, [], [])[0]:
                        d, a = s.recvfrom(2048); s.sendto(a[0].encode(), a)
            else:
                src, dst, port = sys.argv[2], sys.argv[3], int(sys.argv[4])
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((src, 0)); s.settimeout(1.5)
                for attempt in range(3):
                    s.sendto(b'x', (dst, port))
                    try:
                        print(s.recvfrom(2048)[0].decode()); break
                    except socket.timeout:
                        pass
                else:
                    print('timeout')
            """;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void routerForwardsBetweenRackAndSpineOnRoutesLearnedFromAListenRange() throws Exception {
        try {
            run();
        } catch (AssertionError e) {
            StringBuilder logs = new StringBuilder(e.getMessage());
            logs.append("\n--- router.log (last 60 lines) ---\n").append(tail(tmp.resolve("router.log"), 60));
            for (String b : List.of("spine", "racka", "rackb")) {
                logs.append("\n--- ").append(b).append("/bird.log (last 20 lines) ---\n").append(tail(tmp.resolve(b).resolve("bird.log"), 20));
            }
            throw new AssertionError(logs.toString(), e);
        }
    }

    private void run() throws Exception {
        try (NamespaceLab lab = new NamespaceLab()) {
            for (String ns : List.of(nsRouter, nsSpine, nsRackA, nsRackB)) lab.namespace(ns);
            link(lab, "up0", nsSpine, "eth0", "u");
            link(lab, "rk1", nsRackA, "eth0", "a");
            link(lab, "rk2", nsRackB, "eth0", "b");
            lab.in(nsRouter, "ip", "addr", "add", "10.0.0.1/24", "dev", "up0");
            lab.in(nsRouter, "ip", "addr", "add", "10.1.1.1/24", "dev", "rk1");
            lab.in(nsRouter, "ip", "addr", "add", "10.1.2.1/24", "dev", "rk2");
            lab.in(nsSpine, "ip", "addr", "add", "10.0.0.2/24", "dev", "eth0");
            lab.in(nsSpine, "ip", "addr", "add", "172.31.0.1/32", "dev", "lo");
            lab.in(nsRackA, "ip", "addr", "add", "10.1.1.2/24", "dev", "eth0");
            lab.in(nsRackA, "ip", "addr", "add", "10.65.1.1/32", "dev", "lo");
            lab.in(nsRackB, "ip", "addr", "add", "10.1.2.2/24", "dev", "eth0");
            lab.in(nsRackB, "ip", "addr", "add", "10.65.2.1/32", "dev", "lo");

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
                      metadata: {scope: node, node: tor, peerIP: 10.1.0.0/16}
                      spec: {asNumber: 65001-65002, listenLimit: 4}
                    - apiVersion: v1
                      kind: bgpPeer
                      metadata: {scope: node, node: tor, peerIP: 10.0.0.2}
                      spec: {asNumber: 65100}
                    - apiVersion: v1
                      kind: profile
                      metadata: {name: border-open}
                      spec:
                        ingress: [{action: allow}]
                        egress: [{action: allow}]
                    - apiVersion: v1
                      kind: hostEndpoint
                      metadata: {name: border, node: tor, labels: {role: border}}
                      spec: {interfaceName: up0, profiles: [border-open]}
                    """);
            assertEquals(0, ctl(cfg, "config", "set", "nodeToNodeMesh", "off").code());
            assertEquals(0, ctl(cfg, "create", "-f", setup.toString()).code());

            Path spineSocket = bird(lab, nsSpine, "spine", """
                    router id 10.0.0.2;
                    protocol static { ipv4; route 172.31.0.0/24 blackhole; }
                    protocol bgp tor {
                      local 10.0.0.2 as 65100; neighbor 10.0.0.1 as 64512;
                      hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
                      ipv4 { import all; export where source = RTS_STATIC; };
                    }
                    """);
            Path rackASocket = bird(lab, nsRackA, "racka", rackNode("10.1.1.2", "10.1.1.1", 65001, "10.65.1.0/26"));
            Path rackBSocket = bird(lab, nsRackB, "rackb", rackNode("10.1.2.2", "10.1.2.1", 65002, "10.65.2.0/26"));

            Path runDir = tmp.resolve("run");
            NodeRunChild child = NodeRunChild.start(lab, nsRouter, tmp.resolve("router.log"), "--name", "tor", "--ip", "10.0.0.1/24",
                    "--as", "64512", "--router", "--uplink", "up0", "--router-port", "rk1", "--router-port", "rk2", "--run-dir", runDir.toString(),
                    "--host-tap", "ottap" + id, "--metrics-address", "127.0.0.1:9091", "--config=" + cfg);
            List<String> log = child.log();
            assertTrue(log.contains("Router mode: no IPAM block claimed (no workloads here)"), log.toString());
            assertTrue(log.stream().anyMatch(l -> l.startsWith("Opened router port rk1 (af_packet")), log.toString());
            String tapAddresses = lab.in(nsRouter, "ip", "-4", "addr", "show", "dev", "ottap" + id);
            for (String a : List.of("10.0.0.1/24", "10.1.1.1/24", "10.1.2.1/24")) assertTrue(tapAddresses.contains(a), tapAddresses);
            assertTrue(lab.in(nsRouter, "ip", "link", "show", "dev", "rk2").contains("NOARP"));
            assertEquals(1, lab.status(nsRouter, "test", "-S", runDir.resolve("cni.sock").toString()), "a router has no workload socket");

            // both rack nodes accepted through the one listen range, the spine through its bgpPeer
            NodeTesting.await("the router's three sessions Established", () -> {
                String status = ctl(cfg, "node", "status", "--run-dir", runDir.toString()).out();
                return line(status, "10.1.1.2").contains("dynamic 10.1.0.0/16") && line(status, "10.1.1.2").contains("Established")
                        && line(status, "10.1.2.2").contains("dynamic 10.1.0.0/16") && line(status, "10.1.2.2").contains("Established")
                        && line(status, "10.0.0.2").contains("Established");
            });
            NodeTesting.await("the router's FIB has both blocks and the spine's prefix", () -> {
                String routes = ctl(cfg, "node", "routes", "--run-dir", runDir.toString()).out();
                return Pattern.compile("10\\.65\\.1\\.0/26 +10\\.1\\.1\\.2 ").matcher(routes).find()
                        && Pattern.compile("10\\.65\\.2\\.0/26 +10\\.1\\.2\\.2 ").matcher(routes).find()
                        && Pattern.compile("172\\.31\\.0\\.0/24 +10\\.0\\.0\\.2 ").matcher(routes).find();
            });
            NodeTesting.await("the published state holds the three learned routes",
                    () -> NodeNamespaceTest.counter(scrape(lab), "ocelot_bgp_learned_routes") == 3);
            // the router passes routes on (eBGP): each side learns the other's, next hop the router's address on its side
            NodeTesting.await("the spine learns both blocks via 10.0.0.1", () -> birdc(spineSocket, "show", "route", "10.65.1.0/26").contains("10.0.0.1")
                    && birdc(spineSocket, "show", "route", "10.65.2.0/26").contains("10.0.0.1"));
            NodeTesting.await("rack A learns the spine's prefix and rack B's block via 10.1.1.1", () -> birdc(rackASocket, "show", "route", "172.31.0.0/24")
                    .contains("10.1.1.1") && birdc(rackASocket, "show", "route", "10.65.2.0/26").contains("10.1.1.1"));
            NodeTesting.await("rack B learns the spine's prefix via 10.1.2.1", () -> birdc(rackBSocket, "show", "route", "172.31.0.0/24").contains("10.1.2.1"));

            // forwarding both ways through the fastpath on the learned routes
            assertEquals(0, lab.status(nsRackA, "ping", "-c", "3", "-i", "0.3", "-W", "2", "-I", "10.65.1.1", "172.31.0.1"), "rack A -> spine");
            assertEquals(0, lab.status(nsSpine, "ping", "-c", "3", "-i", "0.3", "-W", "2", "-I", "172.31.0.1", "10.65.1.1"), "spine -> rack A");
            assertEquals(0, lab.status(nsRackB, "ping", "-c", "3", "-i", "0.3", "-W", "2", "-I", "10.65.2.1", "10.65.1.1"), "rack B -> rack A");

            Path script = tmp.resolve("udp_echo.py");
            Files.writeString(script, UDP_ECHO);
            for (String[] at : new String[][] {{nsSpine, "172.31.0.1"}, {nsRackA, "10.65.1.1"}}) {
                Process server = lab.start(at[0], tmp.resolve(at[0] + "-udp.log"), true, "python3", "-u", script.toString(), "serve", at[1],
                        "9998", "9999");
                assertEquals("ready", new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream())).readLine());
            }
            // natOutgoing at the border: the spine sees the border's address; the racks see each other's
            assertEquals("10.0.0.1", udp(lab, nsRackA, "10.65.1.1", "172.31.0.1", 9998), "rack A -> spine leaves NATed to the border's address");
            assertEquals("10.65.2.1", udp(lab, nsRackB, "10.65.2.1", "10.65.1.1", 9998), "rack B -> rack A keeps its source (no NAT inside)");
            assertEquals("172.31.0.1", udp(lab, nsSpine, "172.31.0.1", "10.65.1.1", 9998), "spine -> rack A: not from a pool, not NATed");

            // host endpoint policy on the border port, applied to forwarded flows
            assertEquals("10.0.0.1", udp(lab, nsRackA, "10.65.1.1", "172.31.0.1", 9999), "before the policy 9999 passes");
            Path policy = tmp.resolve("policy.yaml");
            Files.writeString(policy, """
                    - apiVersion: v1
                      kind: policy
                      metadata: {name: border-no-9999}
                      spec:
                        order: 10
                        selector: role == 'border'
                        ingress: [{action: allow}]
                        egress:
                        - {action: deny, protocol: udp, destination: {ports: [9999]}}
                        - {action: allow}
                    """);
            assertEquals(0, ctl(cfg, "create", "-f", policy.toString()).code());
            NodeTesting.await("forwarded UDP to 9999 out of up0 denied", () -> udpOrEmpty(lab, nsRackA, "10.65.1.1", "172.31.0.1", 9999).equals("timeout"));
            assertEquals("10.0.0.1", udp(lab, nsRackA, "10.65.1.1", "172.31.0.1", 9998), "9998 still passes");
            assertEquals("10.65.2.1", udp(lab, nsRackB, "10.65.2.1", "10.65.1.1", 9999), "the border's policy does not touch traffic between rack ports");
            String metrics = scrape(lab);
            assertTrue(NodeNamespaceTest.counter(metrics, "ocelot_dataplane_drops_total{reason=\"drop_policy_egress\"}") >= 1, metrics);
            assertEquals(0, NodeNamespaceTest.counter(metrics, "ocelot_worker_errors_total"), metrics);
            // BGP to the spine goes on under the host endpoint (failsafe 179)
            assertTrue(line(ctl(cfg, "node", "status", "--run-dir", runDir.toString()).out(), "10.0.0.2").contains("Established"));

            // a crash (SIGKILL) leaves every port addressless and ARP-off: the next start gives them back first
            NamespaceLab.kill(child.process());
            assertFalse(lab.in(nsRouter, "ip", "-4", "addr", "show", "dev", "rk1").contains("10.1.1.1/24"));
            NodeRunChild second = NodeRunChild.start(lab, nsRouter, tmp.resolve("router2.log"), "--name", "tor", "--ip", "10.0.0.1/24",
                    "--as", "64512", "--router", "--uplink", "up0", "--router-port", "rk1", "--router-port", "rk2", "--run-dir", runDir.toString(),
                    "--host-tap", "ottap" + id, "--metrics-address", "127.0.0.1:9091", "--config=" + cfg);
            for (String restored : List.of("Restored uplink up0 (addresses [10.0.0.1/24])", "Restored uplink rk1 (addresses [10.1.1.1/24])",
                    "Restored uplink rk2 (addresses [10.1.2.1/24])")) {
                assertTrue(second.log().stream().anyMatch(l -> l.startsWith(restored)), restored + " in " + second.log());
            }
            NodeTesting.await("rack A reaches the spine through the restarted router",
                    () -> udpOrEmpty(lab, nsRackA, "10.65.1.1", "172.31.0.1", 9998).equals("10.0.0.1"));

            assertTrue(NamespaceLab.terminate(second.process(), 60), "node run stopped on SIGTERM");
            assertTrue(lab.in(nsRouter, "ip", "-4", "addr", "show", "dev", "rk1").contains("10.1.1.1/24"), "rack port address restored");
            assertTrue(lab.in(nsRouter, "ip", "-4", "addr", "show", "dev", "up0").contains("10.0.0.1/24"), "uplink address restored");
            assertFalse(lab.in(nsRouter, "ip", "link", "show", "dev", "rk2").contains("NOARP"), "rack port ARP restored");
            assertFalse(lab.in(nsRouter, "iptables", "-t", "raw", "-S", "PREROUTING").contains("DROP"), "raw DROP rules removed");
            try (var files = Files.list(runDir)) {
                assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith("uplink")), "no port record left");
            }
        }
    }

    static String rackNode(String self, String router, int as, String block) {
        return """
                router id %1$s;
                protocol static { ipv4; route %4$s blackhole; }
                protocol bgp tor {
                  local %1$s as %3$d; neighbor %2$s as 64512;
                  hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
                  ipv4 { import all; export where source = RTS_STATIC; };
                }
                """.formatted(self, router, as, block);
    }

    /** BIRD 2 in {@code ns} with {@code protocols} plus the device protocol and a kernel protocol taking its BGP routes; returns its socket. */
    Path bird(NamespaceLab lab, String ns, String name, String protocols) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("bird.conf"), "log stderr all;\nprotocol device { }\n"
                + "protocol kernel { ipv4 { import none; export where source = RTS_BGP; }; }\n" + protocols);
        Path socket = dir.resolve("bird.ctl");
        lab.start(ns, dir.resolve("bird.log"), false, "bird", "-f", "-c", dir.resolve("bird.conf").toString(), "-s", socket.toString(),
                "-P", dir.resolve("bird.pid").toString());
        return socket;
    }

    /** A veth from the router namespace ({@code routerEnd}) to {@code ns} ({@code otherEnd}), both up, tx checksum offload off. */
    void link(NamespaceLab lab, String routerEnd, String ns, String otherEnd, String tag) throws Exception {
        String a = "vr" + tag + id, b = "vo" + tag + id;
        NamespaceLab.run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
        NamespaceLab.run("ip", "link", "set", a, "netns", nsRouter);
        NamespaceLab.run("ip", "link", "set", b, "netns", ns);
        for (String[] end : new String[][] {{nsRouter, a, routerEnd}, {ns, b, otherEnd}}) {
            lab.in(end[0], "ip", "link", "set", end[1], "name", end[2]);
            lab.in(end[0], "ip", "link", "set", end[2], "up");
            lab.in(end[0], "ethtool", "-K", end[2], "tx", "off");
        }
    }

    String udp(NamespaceLab lab, String ns, String src, String dst, int port) throws Exception {
        return lab.in(ns, "python3", tmp.resolve("udp_echo.py").toString(), "send", src, dst, Integer.toString(port)).strip();
    }

    String udpOrEmpty(NamespaceLab lab, String ns, String src, String dst, int port) {
        try {
            return udp(lab, ns, src, dst, port);
        } catch (Exception e) {
            return "";
        }
    }

    String scrape(NamespaceLab lab) {
        try {
            return lab.in(nsRouter, "python3", "-c", "import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:9091/metrics').read().decode())");
        } catch (Exception e) {
            return "";
        }
    }

    static String line(String text, String containing) {
        return text.lines().filter(l -> l.contains(containing + " ") || l.contains(containing + "\t") || l.contains(containing + "|"))
                .findFirst().orElse("");
    }

    static String birdc(Path socket, String... command) {
        List<String> full = new ArrayList<>(List.of("birdc", "-s", socket.toString()));
        full.addAll(List.of(command));
        try {
            return NamespaceLab.run(full.toArray(String[]::new));
        } catch (Exception e) {
            return "";
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (java.io.IOException | RuntimeException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }
}
