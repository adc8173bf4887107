package ocelot.control.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22's process faults, three nodes on one fabric segment meshing over BGP, each with a
 * workload attached through {@code ocelot-cni} ({@code gracefulRestartTime 60}, {@code bgpHoldTime 9}).
 *
 * <p>{@code kill -9} of n3 while a ping stream runs between n1's and n2's workloads: n3's kernel
 * cannot even send a FIN (its host TAP dies with the process), so n1 notices only when its hold
 * timer expires, which ends the session with a NOTIFICATION and so is no graceful-restart event
 * (RFC 4724; bgp treats it so since e5c4b9d): n1 keeps n3's block until then and withdraws it
 * after. The restarted n3 gives its workload its interface back from {@code RUNDIR/workloads}
 * (same address and MAC, no CNI call), the policy protecting it holds again, n1's workload
 * reaches it, and {@code ipam check} finds nothing leaked.
 *
 * <p>What graceful restart changes: n3 stopped with {@code --graceful-restart} (SIGTERM: its
 * sessions close without a NOTIFICATION, a bare transport close) keeps its block on n1, stale,
 * beyond the hold time while it is down; with {@code gracefulRestartTime 0} (no capability) the
 * same stop makes n1 withdraw the block at once. With {@code gracefulRestartNotification true}
 * (RFC 8538's N bit on both ends) the hold timer expiry after a {@code kill -9} is a graceful
 * restart event too: n1 keeps n3's block, stale, past the hold time.
 */
@Tag("netns")
@Tag("dpdk")
class NodeKillRestartTest {
    static final String POOL = "10.66.0.0/16";
    static final int HOLD_SECONDS = 9;
    static final int RESTART_SECONDS = 60;

    @TempDir
    Path tmp;

    record Node(String name, String namespace, String cidr, Path runDir) {
        String ip() { return cidr.substring(0, cidr.indexOf('/')); }
    }

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sigkillWithAndWithoutGracefulRestart() throws Exception {
        Path data = tmp.resolve("data");
        try (Cluster c = new Cluster(tmp, Map.of("DATASTORE_TYPE", "embedded", "OCELOT_DATA_DIR", data.toString()),
                "\"datastore_type\":\"embedded\",\"ocelot_data_dir\":\"" + data + "\"")) {
            c.segment("br0");
            c.resources("create", """
                    apiVersion: v1
                    kind: ipPool
                    metadata:
                      cidr: %s
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
                    kind: policy
                    metadata:
                      name: protect-victim
                    spec:
                      order: 10
                      selector: role == 'victim'
                      ingress:
                      - action: deny
                        source:
                          selector: role == 'blocked'
                      - action: allow
                      egress:
                      - action: allow
                    """.formatted(POOL));
            c.ocelotctl("config", "set", "bgpHoldTime", Integer.toString(HOLD_SECONDS));
            c.ocelotctl("config", "set", "gracefulRestartTime", Integer.toString(RESTART_SECONDS));
            String pid = Long.toString(ProcessHandle.current().pid());
            Node n1 = node(c, "kr" + pid + "a", "10.97.0.11/24");
            Node n2 = node(c, "kr" + pid + "b", "10.97.0.12/24");
            Node n3 = node(c, "kr" + pid + "c", "10.97.0.13/24");
            Namespaces.GroupProcess p1 = launch(c, n1, "1"), p2 = launch(c, n2, "1"), p3 = launch(c, n3, "1");
            String w1 = c.ns.add("okw1"), w2 = c.ns.add("okw2"), w3 = c.ns.add("okw3"), w4 = c.ns.add("okw4");
            String ip1 = Cluster.address(c.cniAdd("kw1" + pid, w1, c.netconf("ocnet", n1.name(), n1.runDir(), "{\"role\":\"client\"}", "[\"ocnet\"]")));
            String ip2 = Cluster.address(c.cniAdd("kw2" + pid, w2, c.netconf("ocnet", n2.name(), n2.runDir(), "{\"role\":\"client\"}", "[\"ocnet\"]")));
            String ip3 = Cluster.address(c.cniAdd("kw3" + pid, w3, c.netconf("ocnet", n3.name(), n3.runDir(), "{\"role\":\"victim\"}", "[\"ocnet\"]")));
            String ip4 = Cluster.address(c.cniAdd("kw4" + pid, w4, c.netconf("ocnet", n1.name(), n1.runDir(), "{\"role\":\"blocked\"}", "[\"ocnet\"]")));
            String block3 = NodeEndToEndTest.blockOf(ip3);
            Cluster.await("w1 reaches w2 (n1 -> n2)", () -> c.pings(w1, ip2));
            Cluster.await("w1 reaches w3 (n1 -> n3)", () -> c.pings(w1, ip3));
            assertFalse(c.pings(w4, ip3), "the policy denies w4 -> w3");
            String mac3 = interfaceMac(c, w3);

            // --- kill -9 n3 while w1 pings w2 (n1 <-> n2) every 0.2 s
            Path pingLog = c.dir.resolve("ping-w1-w2.log");
            Namespaces.GroupProcess ping = c.ns.start(w1, pingLog, List.of("ping", "-i", "0.2", "-W", "1", "-c", "150", ip2));
            Thread.sleep(2000);
            long killed = System.nanoTime();
            p3.kill();
            assertTrue(routes(c, n1).contains(block3), "n1 still has n3's block right after the kill");
            Cluster.await("n1's hold timer for n3 expires and n3's block goes", () -> !routes(c, n1).contains(block3));
            double withdrawnAfterKill = (System.nanoTime() - killed) / 1e9;
            assertTrue(withdrawnAfterKill <= HOLD_SECONDS + 5, "withdrawn " + withdrawnAfterKill + " s after the kill, at the hold time");
            assertTrue(c.pings(w1, ip2), "n1 <-> n2 unaffected");

            p3 = launch(c, n3, "2");
            double restartedAfter = (System.nanoTime() - killed) / 1e9;
            assertTrue(NodeEndToEndTest.tail(c.dir.resolve(n3.name() + "-2.log")).contains("1 workload interface(s) restored from the previous run"),
                    NodeEndToEndTest.tail(c.dir.resolve(n3.name() + "-2.log")));
            Cluster.await("w1 reaches w3 again after n3's restart", () -> c.pings(w1, ip3));
            double resumedAfter = (System.nanoTime() - killed) / 1e9;
            assertTrue(c.ns.sh(w3, "ip -4 -o addr show dev eth0").contains(ip3 + "/32"), "w3 kept its address");
            assertEquals(mac3, interfaceMac(c, w3), "w3's interface has the MAC its workloadEndpoint names");
            assertTrue(c.ns.sh(w3, "ip route show default").contains("169.254.1.1"), "w3's default route is back");
            assertFalse(c.pings(w4, ip3), "the policy still denies w4 -> w3 after the restart");
            assertTrue(c.pings(w3, ip1), "w3's egress works");
            Cluster.await("the ping stream across the kill ended", () -> !ping.alive());
            int[] sentReceived = pingCounts(Files.readString(pingLog));
            assertTrue(sentReceived[0] >= 140 && sentReceived[1] >= sentReceived[0] - 1,
                    "w1 -> w2 kept flowing across n3's kill and restart: " + Files.readString(pingLog));
            String check = c.ocelotctl("ipam", "check");
            assertTrue(check.contains("Found 0 leaked address(es)"), check);
            System.out.printf("kill -9, hold %d s: n3's block withdrawn on n1 %.1f s after the kill; n3 restarted %.1f s after the kill,"
                    + " w1 -> w3 resumed at %.1f s; w1 -> w2 ping %d/%d received%n",
                    HOLD_SECONDS, withdrawnAfterKill, restartedAfter, resumedAfter, sentReceived[1], sentReceived[0]);

            // --- graceful restart: n3 restarted with --graceful-restart, then stopped (SIGTERM)
            p3.stop();
            p3 = launch(c, n3, "3", "--graceful-restart");
            Cluster.await("w1 reaches w3 with n3 running --graceful-restart", () -> c.pings(w1, ip3)
                    && peerRow(c.ocelotctl("node", "status", "--run-dir", n1.runDir().toString()), n3.ip()).contains("Established"));
            long stopped = System.nanoTime();
            p3.stop();
            long keptUntil = stopped + TimeUnit.SECONDS.toNanos(HOLD_SECONDS + 6);
            while (System.nanoTime() < keptUntil) {
                assertTrue(routes(c, n1).contains(block3), "n1 keeps n3's block as stale (graceful restart) "
                        + (System.nanoTime() - stopped) / 1_000_000 + " ms after n3 stopped");
                Thread.sleep(500);
            }
            String status = c.ocelotctl("node", "status", "--run-dir", n1.runDir().toString());
            assertFalse(peerRow(status, n3.ip()).contains("Established"), "n1's session to n3 is down:\n" + status);
            double keptSeconds = (System.nanoTime() - stopped) / 1e9;
            p3 = launch(c, n3, "4", "--graceful-restart");
            assertTrue(NodeEndToEndTest.tail(c.dir.resolve(n3.name() + "-4.log")).contains("1 workload interface(s) restored from the previous run"));
            Cluster.await("w1 reaches w3 after the graceful restart", () -> c.pings(w1, ip3));
            double grResumed = (System.nanoTime() - stopped) / 1e9;

            // --- graceful restart off: the same stop makes n1 withdraw n3's block at once
            c.ocelotctl("config", "set", "gracefulRestartTime", "0");
            Cluster.await("w1 reaches w3 once the sessions came back without graceful restart", () -> c.pings(w1, ip3)
                    && peerRow(c.ocelotctl("node", "status", "--run-dir", n1.runDir().toString()), n3.ip()).contains("Established"));
            stopped = System.nanoTime();
            p3.stop();
            Cluster.await("n1 withdraws n3's block when its session closes (no graceful restart)", () -> !routes(c, n1).contains(block3));
            double withdrawnAfter = (System.nanoTime() - stopped) / 1e9;
            assertTrue(withdrawnAfter < HOLD_SECONDS, "withdrawn " + withdrawnAfter + " s after the stop: at the session's close, before any hold time");
            assertTrue(c.pings(w1, ip2), "n1 <-> n2 unaffected");
            // graceful restart back on, now with RFC 8538's N bit, applied on n1 while n3 is down
            Path n1Log = c.dir.resolve(n1.name() + "-1.log");
            long changesBefore = peerChanges(n1Log, n3.ip());
            c.ocelotctl("config", "set", "gracefulRestartNotification", "true");
            c.ocelotctl("config", "set", "gracefulRestartTime", Integer.toString(RESTART_SECONDS));
            Cluster.await("n1 applies the new graceful restart settings to its peer n3", () -> peerChanges(n1Log, n3.ip()) > changesBefore);
            Thread.sleep(2000); // the second setting's reconcile, if the watch delivered it apart
            // a cold start: no restart state to resume from
            Files.deleteIfExists(n3.runDir().resolve("forwarding-state"));
            p3 = launch(c, n3, "5");
            Cluster.await("w1 reaches w3 after the last restart", () -> c.pings(w1, ip3)
                    && peerRow(c.ocelotctl("node", "status", "--run-dir", n1.runDir().toString()), n3.ip()).contains("Established"));

            // --- the N bit exchanged: kill -9 n3; n1 sees only its hold timer expire, and now keeps the block, stale
            long killedN = System.nanoTime();
            p3.kill();
            long keptNUntil = killedN + TimeUnit.SECONDS.toNanos(HOLD_SECONDS + 6);
            while (System.nanoTime() < keptNUntil) {
                assertTrue(routes(c, n1).contains(block3), "n1 keeps n3's block after the kill (RFC 8538 N bit) "
                        + (System.nanoTime() - killedN) / 1_000_000 + " ms after it");
                Thread.sleep(500);
            }
            status = c.ocelotctl("node", "status", "--run-dir", n1.runDir().toString());
            assertFalse(peerRow(status, n3.ip()).contains("Established"), "n1's hold timer for n3 expired:\n" + status);
            assertTrue(Files.readString(n1Log).contains("peer " + n3.ip() + ": session down (Hold timer expired"), NodeEndToEndTest.tail(n1Log));
            double keptNSeconds = (System.nanoTime() - killedN) / 1e9;
            assertTrue(c.pings(w1, ip2), "n1 <-> n2 unaffected");
            p3 = launch(c, n3, "6");
            Cluster.await("w1 reaches w3 after the restart that followed the kill", () -> c.pings(w1, ip3));
            System.out.printf("kill -9 with the N bit, hold %d s, restart time %d s: n3's block kept (stale) on n1 for %.1f s (checked every 0.5 s)%n",
                    HOLD_SECONDS, RESTART_SECONDS, keptNSeconds);
            check = c.ocelotctl("ipam", "check");
            assertTrue(check.contains("Found 0 leaked address(es)"), check);
            for (Node n : List.of(n1, n2, n3)) {
                assertTrue(NodeEndToEndTest.metrics(c, n.namespace())
                        .contains("\nocelot_worker_errors_total 0\n"), n.name() + " exports ocelot_worker_errors_total, no worker error");
            }
            System.out.printf("stop with --graceful-restart, restart time %d s: n3's block kept (stale) on n1 for %.1f s (checked every 0.5 s),"
                    + " w1 -> w3 resumed %.1f s after the stop; restart time 0: withdrawn %.1f s after the stop%n",
                    RESTART_SECONDS, keptSeconds, grResumed, withdrawnAfter);
            for (Namespaces.GroupProcess p : List.of(p1, p2, p3)) p.stop();
        }
    }

    /** A node namespace on br0 (the node is started by {@link #launch}). */
    static Node node(Cluster c, String name, String cidr) throws Exception {
        String ns = c.attach("o" + name.substring(name.length() - 1), "br0", "up0", cidr, null);
        c.ns.sh(ns, "sysctl -qw net.ipv4.ip_forward=0");
        return new Node(name, ns, cidr, Files.createDirectories(c.dir.resolve("run-" + name)));
    }

    /** {@code ocelotctl node run} in the node's namespace on its run directory (run number {@code run}: its own log); waits until it serves. */
    static Namespaces.GroupProcess launch(Cluster c, Node n, String run, String... extraArgs) throws Exception {
        return NodeEndToEndTest.launchNode(c, n.name(), n.namespace(), n.cidr(), n.runDir(), c.dir.resolve(n.name() + "-" + run + ".log"), extraArgs);
    }

    /** How many times n1's agent logged that its settings for peer {@code ip} changed. */
    static long peerChanges(Path log, String ip) {
        try {
            return Files.readAllLines(log).stream().filter(l -> l.contains("peer " + ip + " changed")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String routes(Cluster c, Node n) {
        return c.ocelotctl("node", "routes", "--run-dir", n.runDir().toString());
    }

    /** The row of {@code node status}'s BGP table for peer {@code ip} ("" when none). */
    static String peerRow(String status, String ip) {
        return status.lines().filter(l -> l.contains("| " + ip + " ")).findFirst().orElse("");
    }

    static String interfaceMac(Cluster c, String ns) {
        Matcher m = Pattern.compile("link/ether ([0-9a-f:]{17})").matcher(c.ns.sh(ns, "ip link show dev eth0"));
        assertTrue(m.find(), "eth0 in " + ns + " has a MAC");
        return m.group(1);
    }

    /** {transmitted, received} from ping's summary line. */
    static int[] pingCounts(String out) {
        Matcher m = Pattern.compile("(\\d+) packets transmitted, (\\d+) (packets )?received").matcher(out);
        assertTrue(m.find(), "ping summary: " + out);
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }
}
