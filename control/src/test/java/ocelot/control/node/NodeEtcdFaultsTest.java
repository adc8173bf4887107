package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ocelot.control.datastore.EtcdConfig;
import ocelot.control.datastore.EtcdDatastore;
import ocelot.control.datastore.EtcdProcess;
import ocelot.testkit.GroupedProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datastore faults under a running node on etcd with two workloads pinging each other through
 * the fastpath (issue 22). etcd runs on the host's 127.0.0.1, reached from the node's namespace
 * through a unix socket and two socat processes (no route joins the namespaces).
 *
 * <p>Outage: etcd SIGKILLed for {@code -Docelot.test.etcdOutageSeconds} (default 20 s; the
 * issue's minute is {@code =60}) while w1 pings w2 five times a second: the pings keep being
 * answered on the last published state (w2's port counter grows during the outage), /health is
 * 503 naming {@code datastore-connected}, /metrics has {@code ocelot_datastore_connected 0} and
 * a growing {@code ocelot_datastore_errors_total}, {@code node status} says UNREACHABLE; etcd
 * restarted on its data, the node resyncs without a restart (ocelot_resyncs_started_total grows)
 * and a deny policy written after the return is enforced.
 *
 * <p>Compaction: the node cut off from etcd (its socat killed), then, while it cannot see them,
 * the deny policy deleted, an allow policy created and the profile turned to deny, and etcd
 * compacted at its newest revision, past everything the node's watch saw. Reconnected, the node
 * resyncs from a fresh list: the ping flows again (delete and create applied), and deleting the
 * allow policy afterwards stops it (the profile's gap update applied); the driver reports the
 * same counts as the datastore holds (2 endpoints, 1 policy, nothing left out). The resync is
 * started by the lost connection (EtcdWatch relists after any loss rather than resuming from its
 * revision, so a compaction in the gap cannot leave it behind); etcd's own answer to a watch
 * behind compaction is covered on real etcd by DatastoreContract's
 * watchFromCompactedRevisionResyncsWithCurrentState.
 */
@Tag("netns")
@Tag("dpdk")
@Tag("etcd")
class NodeEtcdFaultsTest {
    final String id = Long.toString(ProcessHandle.current().pid() % 100000);
    final String nsNode = "oen-" + id, nsFab = "oef-" + id, nsWork = "oew-" + id, nsWork2 = "oex-" + id;
    static final String NODE_IP = "172.31.93.10", FABRIC_IP = "172.31.93.1";
    static final int OUTAGE_SECONDS = Integer.getInteger("ocelot.test.etcdOutageSeconds", 20);

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void forwardingSurvivesAnEtcdOutageAndACompactionForcesACleanResync() throws Exception {
        try (EtcdProcess etcd = EtcdProcess.launch(); NamespaceLab lab = new NamespaceLab()) {
            int etcdPort = etcd.endpoint().getPort();
            lab.namespace(nsNode);
            lab.namespace(nsFab);
            lab.link(nsNode, nsFab, "e" + id);
            lab.in(nsNode, "ip", "addr", "add", NODE_IP + "/24", "dev", "eth0");
            lab.in(nsFab, "ip", "addr", "add", FABRIC_IP + "/24", "dev", "eth0");

            // etcd's port inside the node namespace: host socat on a unix socket, namespace socat onto it
            Path socket = tmp.resolve("etcd.sock");
            Path socatLog = tmp.resolve("socat.log");
            try (GroupedProcess hostSide = GroupedProcess.start(new ProcessBuilder("socat", "UNIX-LISTEN:" + socket + ",fork",
                    "TCP:127.0.0.1:" + etcdPort).redirectErrorStream(true).redirectOutput(socatLog.toFile()), Duration.ofMinutes(15))) {
                NodeTesting.await("the socat socket exists", () -> Files.exists(socket));
                List<String> nsSocat = List.of("socat", "TCP-LISTEN:" + etcdPort + ",bind=127.0.0.1,fork,reuseaddr", "UNIX-CONNECT:" + socket);
                Process nsSide = lab.start(nsNode, socatLog, false, nsSocat.toArray(String[]::new));

                Path cfg = tmp.resolve("ocelotctl.cfg");
                Files.writeString(cfg, "apiVersion: v1\nkind: calicoApiConfig\nmetadata:\nspec:\n  datastoreType: etcdv3\n  etcdEndpoints: "
                        + etcd.endpoint() + "\n");
                Path pool = tmp.resolve("pool.yaml");
                Files.writeString(pool, "apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 10.66.0.0/16}\nspec: {nat-outgoing: true}\n");
                assertEquals(0, NodeNamespaceTest.ctl(cfg, "create", "-f", pool.toString()).code());

                Path runDir = tmp.resolve("run");
                Path nodeLog = tmp.resolve("node.log");
                NodeRunChild child = NodeRunChild.start(lab, nsNode, nodeLog, "--name", "node1", "--ip", NODE_IP, "--run-dir", runDir.toString(),
                        "--host-tap", "oetap" + id, "--metrics-address", "127.0.0.1:9091", "--config=" + cfg);

                // two workloads through the attach socket, their endpoints and an open profile in etcd
                lab.namespace(nsWork);
                lab.namespace(nsWork2);
                String cali1 = "cali" + "%010d".formatted(Long.parseLong(id)) + "e", cali2 = "cali" + "%010d".formatted(Long.parseLong(id)) + "f";
                WorkloadAttachClient cni = WorkloadAttachClient.forRunDir(runDir);
                String mac1 = cni.attach("c1", "/var/run/netns/" + nsWork, "eth0", cali1, List.of("10.66.0.2/32"));
                String mac2 = cni.attach("c2", "/var/run/netns/" + nsWork2, "eth0", cali2, List.of("10.66.0.3/32"));
                apply(cfg, """
                        - apiVersion: v1
                          kind: profile
                          metadata: {name: open}
                          spec:
                            ingress: [{action: allow}]
                            egress: [{action: allow}]
                        - apiVersion: v1
                          kind: workloadEndpoint
                          metadata: {name: eth0, workload: w1, orchestrator: cni, node: node1}
                          spec: {interfaceName: %s, mac: "%s", ipNetworks: [10.66.0.2/32], profiles: [open]}
                        - apiVersion: v1
                          kind: workloadEndpoint
                          metadata: {name: eth0, workload: w2, orchestrator: cni, node: node1}
                          spec: {interfaceName: %s, mac: "%s", ipNetworks: [10.66.0.3/32], profiles: [open]}
                        """.formatted(cali1, mac1, cali2, mac2));
                NodeTesting.await("the driver publishes both endpoints", () -> status(cfg, runDir).contains("2 local endpoint(s)"));
                assertEquals(0, lab.status(nsWork, "ping", "-c", "3", "-i", "0.3", "-W", "2", "10.66.0.3"), "w1 pings w2\n" + status(cfg, runDir));
                assertEquals("200", health(lab).split(" ", 2)[0], health(lab));
                String w2rx = "ocelot_port_rx_packets_total{port=\"" + cali2 + "\",role=\"workload\"}";

                // ---- outage: etcd SIGKILLed while w1 pings w2 five times a second
                double resyncsBefore = metric(lab, "ocelot_resyncs_started_total");
                int pings = (OUTAGE_SECONDS + 25) * 5;
                Process ping = lab.start(nsWork, tmp.resolve("ping.log"), true, "ping", "-i", "0.2", "-c", Integer.toString(pings), "-W", "1", "10.66.0.3");
                Thread.sleep(1000);
                double rxAtStop = metric(lab, w2rx);
                etcd.stop();
                long outageStart = System.nanoTime();
                NodeTesting.await("/health reports the datastore down", () -> health(lab).startsWith("503 ")
                        && health(lab).contains("\"datastore-connected\":false"));
                String healthDown = health(lab);
                assertTrue(healthDown.contains("\"fastpath-started\":true"), healthDown);
                NodeTesting.await("/metrics has ocelot_datastore_connected 0", () -> metric(lab, "ocelot_datastore_connected") == 0);
                String statusDown = status(cfg, runDir);
                assertTrue(statusDown.contains("Datastore: UNREACHABLE for "), statusDown);
                double errorsAtStop = metric(lab, "ocelot_datastore_errors_total");
                long remaining = TimeUnit.SECONDS.toNanos(OUTAGE_SECONDS) - (System.nanoTime() - outageStart);
                if (remaining > 0) TimeUnit.NANOSECONDS.sleep(remaining);
                double rxDuring = metric(lab, w2rx) - rxAtStop;
                double errorsDuring = metric(lab, "ocelot_datastore_errors_total");
                // five pings a second; a loaded machine delays some of them, none is lost (the ping summary below)
                assertTrue(rxDuring >= OUTAGE_SECONDS * 5 * 0.6, "w2 kept answering during the outage: " + rxDuring + " packets\n" + status(cfg, runDir));
                assertTrue(errorsDuring > errorsAtStop, "failed checks keep being counted: " + errorsAtStop + " -> " + errorsDuring);
                etcd.start();
                double outageSeconds = (System.nanoTime() - outageStart) / 1e9;

                NodeTesting.await("the node sees etcd again", () -> health(lab).startsWith("200 "));
                NodeTesting.await("the driver resynced without a restart", () -> metric(lab, "ocelot_resyncs_started_total") > resyncsBefore);
                assertTrue(child.process().isAlive(), "the node never restarted");
                assertTrue(ping.waitFor(OUTAGE_SECONDS + 60, TimeUnit.SECONDS), "ping finished");
                String pingOut = new String(ping.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                Matcher summary = Pattern.compile("(\\d+) packets transmitted, (\\d+) received").matcher(pingOut);
                assertTrue(summary.find(), pingOut);
                int sent = Integer.parseInt(summary.group(1)), received = Integer.parseInt(summary.group(2));
                assertTrue(received >= sent * 0.95, "pings answered across the outage: " + received + "/" + sent);

                // a change after the return is enforced: a deny policy stops the ping
                apply(cfg, """
                        apiVersion: v1
                        kind: policy
                        metadata: {name: doomed}
                        spec:
                          order: 10
                          selector: all()
                          ingress: [{action: deny, protocol: icmp}]
                          egress: [{action: allow}]
                        """);
                NodeTesting.await("the deny policy written after the return is enforced",
                        () -> pingFails(lab));
                System.out.printf("etcd outage: %.1f s (SIGKILL, restart on its data), %d/%d pings answered, %.0f packets from w2's port during"
                                + " the outage, datastore errors counted %.0f, resyncs %.0f -> %.0f%n", outageSeconds, received, sent, rxDuring,
                        errorsDuring, resyncsBefore, metric(lab, "ocelot_resyncs_started_total"));

                // ---- compaction: the node cut off, changes made, etcd compacted past the node's watch revision
                double resyncsBeforeGap = metric(lab, "ocelot_resyncs_started_total");
                NamespaceLab.kill(nsSide);
                NodeTesting.await("the node sees the datastore gone", () -> health(lab).startsWith("503 "));
                NodeNamespaceTest.Result deleted = NodeNamespaceTest.ctl(cfg, "delete", "policy", "doomed");
                assertEquals(0, deleted.code(), deleted.err());
                apply(cfg, """
                        - apiVersion: v1
                          kind: policy
                          metadata: {name: gap-allow}
                          spec:
                            order: 20
                            selector: all()
                            ingress: [{action: allow}]
                            egress: [{action: allow}]
                        - apiVersion: v1
                          kind: profile
                          metadata: {name: open}
                          spec:
                            ingress: [{action: deny}]
                            egress: [{action: deny}]
                        """);
                long compactedAt;
                try (EtcdDatastore direct = EtcdDatastore.connect(EtcdConfig.plain(etcd.endpoint()))) {
                    compactedAt = direct.list("/ocelot/").revision();
                    direct.compact(compactedAt);
                }
                nsSide = lab.start(nsNode, socatLog, false, nsSocat.toArray(String[]::new));
                NodeTesting.await("the node resynced after the compaction", () -> metric(lab, "ocelot_resyncs_started_total") > resyncsBeforeGap);
                NodeTesting.await("the gap's delete and create are in force: w1 pings w2 again",
                        () -> !pingFails(lab));
                NodeTesting.await("the driver holds what etcd holds", () -> {
                    String s = status(cfg, runDir);
                    return s.contains("2 local endpoint(s), 1 active policies") && !s.contains("left out");
                });
                assertEquals(0, NodeNamespaceTest.ctl(cfg, "delete", "policy", "gap-allow").code());
                NodeTesting.await("the gap's profile update is in force: without the allow policy the profile denies",
                        () -> pingFails(lab));
                String resyncs = Files.readString(nodeLog).lines().filter(l -> l.contains("resynced")).reduce("", (a, b) -> a + b + "\n");
                assertTrue(child.process().isAlive(), "the node never restarted");
                System.out.printf("etcd compaction at revision %d while the node was cut off: resyncs %.0f -> %.0f; node log:%n%s", compactedAt,
                        resyncsBeforeGap, metric(lab, "ocelot_resyncs_started_total"), resyncs);
                assertTrue(NamespaceLab.terminate(child.process(), 60), "node run stopped on SIGTERM");
            }
        }
    }

    private boolean pingFails(NamespaceLab lab) {
        try {
            return lab.status(nsWork, "ping", "-c", "1", "-W", "1", "10.66.0.3") != 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void apply(Path cfg, String yaml) throws IOException {
        Path f = Files.createTempFile(cfg.getParent(), "apply", ".yaml");
        Files.writeString(f, yaml);
        NodeNamespaceTest.Result r = NodeNamespaceTest.ctl(cfg, "apply", "-f", f.toString());
        assertEquals(0, r.code(), r.err());
    }

    private static String status(Path cfg, Path runDir) {
        return NodeNamespaceTest.ctl(cfg, "node", "status", "--run-dir", runDir.toString()).out();
    }

    /** "STATUS BODY" of the node's /health, asked inside its namespace. */
    private String health(NamespaceLab lab) {
        try {
            return lab.in(nsNode, "python3", "-c", """
                    import urllib.request, urllib.error
                    try:
                        r = urllib.request.urlopen('http://127.0.0.1:9091/health', timeout=5); print(r.status, r.read().decode())
                    except urllib.error.HTTPError as e:
                        print(e.code, e.read().decode())
                    """).strip();
        } catch (IOException | InterruptedException | IllegalStateException e) {
            return "no answer: " + e.getMessage();
        }
    }

    /** One sample of the node's /metrics; -1 when absent. */
    private double metric(NamespaceLab lab, String sample) {
        String text;
        try {
            text = lab.in(nsNode, "python3", "-c",
                    "import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:9091/metrics', timeout=5).read().decode())");
        } catch (IOException | InterruptedException | IllegalStateException e) {
            return -1;
        }
        Matcher m = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
