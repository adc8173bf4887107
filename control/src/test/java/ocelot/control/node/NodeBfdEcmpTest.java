package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import ocelot.control.cli.OcelotCtl;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's acceptance for BFD with ECMP: a node ({@code node run}, DPDK af_packet uplink) on a
 * LAN (a bridge namespace) with two eBGP peers, BIRD 2 (AS 65001) and FRR 8.4's bgpd + bfdd (AS
 * 65002), each in its own namespace, each announcing 10.200.0.0/24 and forwarding it to a
 * destination namespace of its own (both hold the whole /24 as local addresses, so which one
 * receives a datagram tells which member carried it). BFD 100 ms x 3 on both sides; cluster
 * setting maximumPaths 2: the node installs the prefix as one ECMP route over both next hops.
 * A workload on the node sends 32 UDP flows (one datagram every 10 ms each); they spread over both
 * members. Then, in turn, the bridge port of BIRD's and of FRR's link is set down (a veth down):
 * the node's BFD session to that peer goes down, the peer's member leaves the route, the flows it
 * carried arrive at the survivor, the survivor's own flows keep arriving there; the link back up,
 * the member returns and every flow is where it was before the cut (the same set, the same buckets).
 * Printed: per cut, the time from the link-down command to the first datagram of each moved flow
 * at the survivor (detection + reprogramming + the 10 ms send interval); not asserted as a
 * wall-clock bound (the machine is shared), only that it came.
 */
@Tag("netns")
@Tag("dpdk")
@Tag("bird")
@Tag("frr")
class NodeBfdEcmpTest {
    final String id = Long.toString(ProcessHandle.current().pid() % 100000);
    final String nsNode = "oen-" + id, nsLan = "oel-" + id, nsBird = "oea-" + id, nsFrr = "oeb-" + id, nsWork = "oew-" + id,
            nsDstA = "oex-" + id, nsDstB = "oey-" + id;
    static final String NODE_IP = "172.31.92.10", BIRD_IP = "172.31.92.1", FRR_IP = "172.31.92.2";
    static final String PREFIX = "10.200.0.0/24";
    static final int FLOWS = 32, FIRST_PORT = 41000, CUTS = 4;

    @TempDir
    Path tmp;

    /** Per destination namespace: each flow's (source port's) datagram arrival times, wall-clock milliseconds. */
    final Map<String, Map<Integer, List<Long>>> arrivals = new ConcurrentHashMap<>();

    @Test
    @Timeout(value = 420, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aCutLinkLeavesTheEcmpRouteAndOnlyItsFlowsMove() throws Exception {
        Path frrDir = Files.createTempDirectory("ocelot-ecmp-frr-");
        Files.setPosixFilePermissions(frrDir, PosixFilePermissions.fromString("rwxrwxrwx")); // bfdd drops to user frr
        try (NamespaceLab lab = new NamespaceLab()) {
            try {
                run(lab, frrDir);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n--- node.log (last 60 lines) ---\n" + tail(tmp.resolve("node.log"), 60)
                        + "\n--- bird.log (last 20) ---\n" + tail(tmp.resolve("bird.log"), 20)
                        + "\n--- bgpd.log (last 20) ---\n" + tail(frrDir.resolve("bgpd.log"), 20)
                        + "\n--- bfdd.log (last 20) ---\n" + tail(frrDir.resolve("bfdd.log"), 20), e);
            }
        } finally {
            try (var files = Files.walk(frrDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private void run(NamespaceLab lab, Path frrDir) throws Exception {
        for (String ns : List.of(nsNode, nsLan, nsBird, nsFrr, nsWork, nsDstA, nsDstB)) lab.namespace(ns);
        // the LAN: a bridge with the node's uplink and both peers' links
        lab.in(nsLan, "ip", "link", "add", "br0", "type", "bridge");
        lab.in(nsLan, "ip", "link", "set", "br0", "up");
        veth(lab, "n" + id, nsLan, "lann", nsNode, "eth0");
        veth(lab, "a" + id, nsLan, "lana", nsBird, "eth0");
        veth(lab, "b" + id, nsLan, "lanb", nsFrr, "eth0");
        for (String port : List.of("lann", "lana", "lanb")) lab.in(nsLan, "ip", "link", "set", port, "master", "br0");
        lab.in(nsNode, "ip", "addr", "add", NODE_IP + "/24", "dev", "eth0");
        lab.in(nsBird, "ip", "addr", "add", BIRD_IP + "/24", "dev", "eth0");
        lab.in(nsFrr, "ip", "addr", "add", FRR_IP + "/24", "dev", "eth0");
        // each peer forwards 10.200.0.0/24 to its own destination namespace
        destination(lab, "x" + id, nsBird, nsDstA, "10.201.1");
        destination(lab, "y" + id, nsFrr, nsDstB, "10.201.2");
        String uplinkMac = lab.in(nsNode, "cat", "/sys/class/net/eth0/address").strip();

        Path data = tmp.resolve("data");
        Path cfg = tmp.resolve("ocelotctl.cfg");
        Files.writeString(cfg, "apiVersion: v1\nkind: calicoApiConfig\nmetadata:\nspec:\n  datastoreType: embedded\n  dataDir: " + data + "\n");
        Path setup = tmp.resolve("setup.yaml");
        Files.writeString(setup, """
                - apiVersion: v1
                  kind: ipPool
                  metadata: {cidr: 10.65.0.0/16}
                - apiVersion: v1
                  kind: bgpPeer
                  metadata: {peerIP: %s, scope: global}
                  spec: {asNumber: 65001, bfd: {interval: 100, multiplier: 3}}
                - apiVersion: v1
                  kind: bgpPeer
                  metadata: {peerIP: %s, scope: global}
                  spec: {asNumber: 65002, bfd: {interval: 100, multiplier: 3}}
                """.formatted(BIRD_IP, FRR_IP));
        assertEquals(0, ctl(cfg, "create", "-f", setup.toString()).code());
        assertEquals(0, ctl(cfg, "config", "set", "maximumPaths", "2").code());

        Files.writeString(tmp.resolve("bird.conf"), """
                log stderr all;
                router id %1$s;
                protocol device { }
                protocol static s4 { ipv4; route %3$s blackhole; }
                protocol bfd {
                  interface "eth0" { min rx interval 100 ms; min tx interval 100 ms; idle tx interval 1000 ms; multiplier 3; };
                  neighbor %2$s dev "eth0" local %1$s;
                }
                protocol bgp node1 {
                  local %1$s as 65001; neighbor %2$s as 64512;
                  hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
                  ipv4 { import all; export where proto = "s4"; };
                }
                """.formatted(BIRD_IP, NODE_IP, PREFIX));
        lab.start(nsBird, tmp.resolve("bird.log"), false, "bird", "-f", "-c", tmp.resolve("bird.conf").toString(),
                "-s", tmp.resolve("bird.ctl").toString(), "-P", tmp.resolve("bird.pid").toString());
        Files.writeString(frrDir.resolve("bfdd.conf"), """
                bfd
                 peer %s local-address %s
                  receive-interval 100
                  transmit-interval 100
                  detect-multiplier 3
                 !
                !
                """.formatted(NODE_IP, FRR_IP));
        lab.start(nsFrr, frrDir.resolve("bfdd.log"), false, "/usr/lib/frr/bfdd", "-f", frrDir.resolve("bfdd.conf").toString(),
                "-i", frrDir.resolve("bfdd.pid").toString(), "--vty_socket", frrDir.toString(), "--bfdctl", frrDir.resolve("bfdd.sock").toString(),
                "-z", frrDir.resolve("zserv.api").toString(), "--log", "stdout");
        Files.writeString(frrDir.resolve("bgpd.conf"), """
                frr defaults traditional
                router bgp 65002
                 bgp router-id %1$s
                 no bgp ebgp-requires-policy
                 no bgp network import-check
                 neighbor %2$s remote-as 64512
                 neighbor %2$s timers 3 9
                 neighbor %2$s timers connect 1
                 address-family ipv4 unicast
                  network %3$s
                 exit-address-family
                !
                """.formatted(FRR_IP, NODE_IP, PREFIX));
        lab.start(nsFrr, frrDir.resolve("bgpd.log"), false, "/usr/lib/frr/bgpd", "-f", frrDir.resolve("bgpd.conf").toString(),
                "-i", frrDir.resolve("bgpd.pid").toString(), "--vty_socket", frrDir.toString(), "-Z", "-n", "-S", "-l", FRR_IP, "-P", "0", "--log", "stdout");

        Path runDir = tmp.resolve("run");
        NodeRunChild child = NodeRunChild.start(lab, nsNode, tmp.resolve("node.log"), "--name", "node1", "--ip", NODE_IP, "--run-dir",
                runDir.toString(), "--host-tap", "oetap" + id, "--metrics-address", "127.0.0.1:9092", "--config=" + cfg);
        assertTrue(child.log().stream().anyMatch(l -> l.startsWith("Opened uplink eth0 (af_packet, MAC " + uplinkMac)), child.log().toString());

        // the workload first: attaching it opens a DPDK TAP, which was seen to hold the node's
        // ports long enough for both BFD sessions to time out (3 x 100 ms) when done after they were Up
        // a workload on the node, allowed out
        String cali = "cali" + "%010d".formatted(Long.parseLong(id)) + "e";
        WorkloadAttachClient cni = WorkloadAttachClient.forRunDir(runDir);
        String mac = cni.attach("e1", "/var/run/netns/" + nsWork, "eth0", cali, List.of("10.65.0.2/32"));
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
                """.formatted(cali, mac));
        assertEquals(0, ctl(cfg, "create", "-f", endpoints.toString()).code());
        NodeTesting.await("the driver publishes the endpoint", () -> status(cfg, runDir).contains("1 local endpoint(s)"));

        NodeTesting.await("BGP Established and BFD up with BIRD and FRR", () -> {
            String s = status(cfg, runDir);
            return s.lines().filter(l -> (l.contains(BIRD_IP) || l.contains(FRR_IP)) && l.contains("Established") && bfdCell(l).equals("up")).count() == 2;
        });
        NodeTesting.await("the node installs " + PREFIX + " over both peers", () -> route(cfg, runDir).equals(BIRD_IP + "," + FRR_IP));

        receive(lab, nsDstA, "A");
        receive(lab, nsDstB, "B");
        // long enough for every cut; the lab kills it at the end
        lab.start(nsWork, tmp.resolve("sender.log"), false, "timeout", "300", "python3", "-c", """
                import socket, time
                socks = []
                for i in range(%d):
                    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    s.bind(('10.65.0.2', %d + i))
                    socks.append((s, ('10.200.0.%%d' %% (1 + i %% 50), 7000)))
                seq = 0
                while True:
                    for s, d in socks:
                        try:
                            s.sendto(b'%%d' %% seq, d)
                        except OSError:
                            pass
                    seq += 1
                    time.sleep(0.01)
                """.formatted(FLOWS, FIRST_PORT));
        NodeTesting.await("every flow arrives at a destination", () -> memberOfEachFlow(System.currentTimeMillis() - 500).size() == FLOWS);
        Thread.sleep(500);
        Map<Integer, String> before = memberOfEachFlow(System.currentTimeMillis() - 300);
        long onA = before.values().stream().filter("A"::equals).count();
        System.out.printf("flows over both members: %d via BIRD, %d via FRR%n", onA, FLOWS - onA);
        assertTrue(onA > 0 && onA < FLOWS, "the flows spread over both members: " + before);

        List<String> lines = new ArrayList<>();
        for (int cut = 0; cut < CUTS; cut++) {
            boolean cutBird = cut % 2 == 0;
            String dead = cutBird ? "A" : "B", survivor = cutBird ? "B" : "A";
            String deadIp = cutBird ? BIRD_IP : FRR_IP, survivorIp = cutBird ? FRR_IP : BIRD_IP;
            long t0 = System.currentTimeMillis();
            lab.in(nsLan, "ip", "link", "set", cutBird ? "lana" : "lanb", "down");
            NodeTesting.await("the " + (cutBird ? "BIRD" : "FRR") + " member leaves the route", () -> route(cfg, runDir).equals(survivorIp));
            long removed = System.currentTimeMillis() - t0;
            Thread.sleep(1000);
            long[] moved = new long[FLOWS];
            int movedCount = 0;
            for (int f = 0; f < FLOWS; f++) {
                int port = FIRST_PORT + f;
                if (before.get(port).equals(dead)) {
                    Long first = firstAfter(survivor, port, t0);
                    assertTrue(first != null, "flow " + port + " (was via " + dead + ") arrives at the survivor after the cut");
                    moved[movedCount++] = first - t0;
                } else {
                    // the survivor's own flows stay: they keep arriving there through the cut
                    assertTrue(countBetween(survivor, port, t0, t0 + 1000) >= 30, "flow " + port + " kept on its member " + survivor
                            + " through the cut: " + countBetween(survivor, port, t0, t0 + 1000) + " datagrams in the second after it");
                }
            }
            long[] m = java.util.Arrays.copyOf(moved, movedCount);
            java.util.Arrays.sort(m);
            String row = status(cfg, runDir).lines().filter(l -> l.contains(deadIp)).findFirst().orElse("");
            assertTrue(bfdCell(row).startsWith("down"), "node status shows the dead peer's BFD down: " + row);
            String line = "cut %d (%s link down): %d flows moved, first datagram at the survivor after min %d / median %d / max %d ms; member gone from `node routes` seen at %d ms (polled)"
                    .formatted(cut + 1, cutBird ? "BIRD" : "FRR", m.length, m.length == 0 ? -1 : m[0], m.length == 0 ? -1 : m[m.length / 2],
                            m.length == 0 ? -1 : m[m.length - 1], removed);
            lines.add(line);
            System.out.println(line);

            lab.in(nsLan, "ip", "link", "set", cutBird ? "lana" : "lanb", "up");
            NodeTesting.await("the member returns with BFD and BGP", () -> route(cfg, runDir).equals(BIRD_IP + "," + FRR_IP));
            Thread.sleep(1000);
            Map<Integer, String> after = memberOfEachFlow(System.currentTimeMillis() - 300);
            assertEquals(before, after, "with both members back every flow is on its member of before the cut");
        }
        String metrics = lab.in(nsNode, "python3", "-c", "import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:9092/metrics').read().decode())");
        // at least one Up -> Down per cut of its link (a loaded machine may add a flap of its own)
        for (String peer : List.of(BIRD_IP, FRR_IP)) {
            long downs = metrics.lines().filter(l -> l.startsWith("ocelot_bgp_bfd_downs_total{peer=\"" + peer + "\"} "))
                    .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
            System.out.printf("BFD downs counted for %s: %d (%d cuts of its link)%n", peer, downs, CUTS / 2);
            assertTrue(downs >= CUTS / 2, peer + ": " + downs + " BFD downs counted\n" + metrics);
        }
        assertTrue(metrics.contains("ocelot_bgp_bfd_session_up{peer=\"" + FRR_IP + "\",state=\"up\"} 1"), metrics);
        System.out.println(String.join("\n", lines));
    }

    /** A veth pair created in the root namespace (unique names) and moved: {@code aName} in {@code nsA}, {@code bName} in {@code nsB}, both up, tx checksum off. */
    private static void veth(NamespaceLab lab, String tag, String nsA, String aName, String nsB, String bName) throws Exception {
        String a = "vea" + tag, b = "veb" + tag;
        NamespaceLab.run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
        NamespaceLab.run("ip", "link", "set", a, "netns", nsA);
        NamespaceLab.run("ip", "link", "set", b, "netns", nsB);
        for (String[] end : new String[][] {{nsA, a, aName}, {nsB, b, bName}}) {
            lab.in(end[0], "ip", "link", "set", end[1], "name", end[2]);
            lab.in(end[0], "ip", "link", "set", end[2], "up");
            lab.in(end[0], "ethtool", "-K", end[2], "tx", "off");
        }
    }

    /** The peer namespace routes 10.200.0.0/24 over a /30 to {@code dst}, which holds the whole /24 as local addresses. */
    private static void destination(NamespaceLab lab, String tag, String peer, String dst, String net) throws Exception {
        veth(lab, tag, peer, "eth1", dst, "eth0");
        lab.in(peer, "ip", "addr", "add", net + ".1/30", "dev", "eth1");
        lab.in(dst, "ip", "addr", "add", net + ".2/30", "dev", "eth0");
        lab.in(peer, "ip", "route", "add", PREFIX, "via", net + ".2");
        lab.in(dst, "ip", "route", "add", "local", PREFIX, "dev", "lo");
        for (String ns : List.of(peer, dst)) {
            lab.in(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            for (String c : List.of("all", "default", "eth0")) lab.in(ns, "sysctl", "-qw", "net.ipv4.conf." + c + ".rp_filter=0");
        }
    }

    /** A UDP receiver on port 7000 in {@code ns}, each datagram's wall-clock time and source port recorded under {@code name}. */
    private void receive(NamespaceLab lab, String ns, String name) throws Exception {
        Map<Integer, List<Long>> byPort = new ConcurrentHashMap<>();
        arrivals.put(name, byPort);
        Process p = lab.start(ns, tmp.resolve("receiver-" + name + ".log"), true, "timeout", "300", "python3", "-u", "-c", """
                import socket, time, sys
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.bind(('0.0.0.0', 7000))
                print('ready', flush=True)
                while True:
                    d, a = s.recvfrom(64)
                    sys.stdout.write('%d %d\\n' % (int(time.time() * 1000), a[1]))
                    sys.stdout.flush()
                """);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("ready", out.readLine(), "receiver in " + ns);
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> {
            String[] f = l.split(" ");
            byPort.computeIfAbsent(Integer.parseInt(f[1]), k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(Long.parseLong(f[0]));
        }));
    }

    /** Each flow's member: the destination that received its latest datagram, of those received since {@code since}. */
    private Map<Integer, String> memberOfEachFlow(long since) {
        Map<Integer, String> out = new HashMap<>();
        Map<Integer, Long> latest = new HashMap<>();
        for (var d : arrivals.entrySet()) {
            for (var e : d.getValue().entrySet()) {
                long last;
                synchronized (e.getValue()) {
                    last = e.getValue().isEmpty() ? 0 : e.getValue().getLast();
                }
                if (last >= since && last > latest.getOrDefault(e.getKey(), 0L)) {
                    latest.put(e.getKey(), last);
                    out.put(e.getKey(), d.getKey());
                }
            }
        }
        return out;
    }

    private Long firstAfter(String member, int port, long t) {
        List<Long> l = arrivals.get(member).getOrDefault(port, List.of());
        synchronized (l) {
            for (long x : l) if (x >= t) return x;
        }
        return null;
    }

    private int countBetween(String member, int port, long from, long to) {
        List<Long> l = arrivals.get(member).getOrDefault(port, List.of());
        int n = 0;
        synchronized (l) {
            for (long x : l) if (x >= from && x < to) n++;
        }
        return n;
    }

    /** The BFD cell of a `node status` peer row (PEER ADDRESS, PEER TYPE, STATE, SINCE, BFD, INFO), or "". */
    private static String bfdCell(String row) {
        String[] cells = row.split("\\|");
        return cells.length > 5 ? cells[5].strip() : "";
    }

    /** The next hops of 10.200.0.0/24 in {@code node routes} (comma-joined), or "" when absent. */
    private static String route(Path cfg, Path runDir) {
        String out = ctl(cfg, "node", "routes", "--run-dir", runDir.toString()).out();
        return out.lines().filter(l -> l.startsWith(PREFIX + " ")).map(l -> l.split(" +")[1]).findFirst().orElse("");
    }

    private static String status(Path cfg, Path runDir) {
        return ctl(cfg, "node", "status", "--run-dir", runDir.toString()).out();
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (java.io.IOException | RuntimeException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }

    static NodeNamespaceTest.Result ctl(Path cfg, String... args) {
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--config=" + cfg);
        int code = new OcelotCtl(Map.of(), new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true),
                new java.io.ByteArrayInputStream(new byte[0])).execute(all.toArray(String[]::new));
        return new NodeNamespaceTest.Result(code, out.toString(), err.toString());
    }
}
