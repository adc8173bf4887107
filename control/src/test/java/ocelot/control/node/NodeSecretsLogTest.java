package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ocelot.control.cli.OcelotCtl;
import ocelot.control.datastore.EtcdProcess;
import ocelot.control.datastore.TestPki;
import ocelot.testkit.GroupedProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No secret in a node's log at debug (issue 22): `node run --log-level debug` (every logger at
 * debug from the JVM's start, jetcd, gRPC and Netty included) on an etcd that demands a client
 * certificate and a password, with a bgpPeer carrying a TCP MD5 key that its session keeps
 * dialling; the peer is changed and the log level set while it runs, so the watch, the peering
 * plan and the sessions all log. Neither password, nor any line of the client key's PEM body,
 * appears in its stdout or stderr, nor in {@code ocelotctl get}'s output.
 */
@Tag("etcd")
class NodeSecretsLogTest {
    static final String ETCD_PASSWORD = "etcd-Pw-7f3a9c";
    static final String MD5_KEY = "md5-Key-41b2e8";

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void debugLogsCarryNoPasswordOrKey() throws Exception {
        Path pkiDir = Files.createDirectories(tmp.resolve("pki"));
        TestPki pki = TestPki.create(pkiDir);
        try (EtcdProcess etcd = EtcdProcess.launchWith(true, pki.etcdServerFlags())) {
            String endpoint = etcd.endpoint().toString();
            pki.etcdctl(endpoint, "user", "add", "root:" + ETCD_PASSWORD, "--interactive=false");
            pki.etcdctl(endpoint, "auth", "enable");
            Path cfg = tmp.resolve("ocelotctl.cfg");
            Files.writeString(cfg, """
                    apiVersion: v1
                    kind: calicoApiConfig
                    metadata:
                    spec:
                      datastoreType: etcdv3
                      etcdEndpoints: %s
                      etcdUsername: root
                      etcdPassword: %s
                      etcdCACertFile: %s
                      etcdCertFile: %s
                      etcdKeyFile: %s
                    """.formatted(endpoint, ETCD_PASSWORD, pki.file("ca.crt"), pki.file("client.crt"), pki.file("client.key")));
            applyPeer(cfg, 64513);

            int bgpPort = NodeTesting.freePort(InetAddress.getByName("127.0.0.1"));
            Path log = tmp.resolve("node.log");
            String java = ProcessHandle.current().info().command().orElseThrow();
            List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug", "-cp", System.getProperty("java.class.path"),
                    OcelotCtl.class.getName(), "node", "run", "--name", "n1", "--ip", "127.0.0.1/8", "--bgp-port", Integer.toString(bgpPort),
                    "--run-dir", tmp.resolve("run").toString(), "--dataplane", "none", "--metrics-address", "none",
                    "--log-level", "debug", "--config=" + cfg));
            try (GroupedProcess node = GroupedProcess.start(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()),
                    Duration.ofMinutes(4))) {
                NodeTesting.await("the node started", () -> read(log).contains("Ocelot node started successfully"));
                // the peer's session dials 127.0.0.3 (nobody listens) with its MD5 key; the change replans it
                NodeTesting.await("the session to the peer logs at debug", () -> read(log).lines()
                        .anyMatch(l -> l.contains("DEBUG") && l.contains("127.0.0.3")));
                applyPeer(cfg, 64514);
                assertEquals(0, NodeNamespaceTest.ctl(cfg, "config", "set", "logLevel", "debug").code());
                NodeTesting.await("the node saw the change", () -> NodeNamespaceTest.ctl(cfg, "node", "status", "--run-dir",
                        tmp.resolve("run").toString()).out().contains("127.0.0.3"));
                NodeTesting.await("the node followed the logLevel setting", () -> read(log).contains("log level set to debug"));
                String shown = NodeNamespaceTest.ctl(cfg, "get", "bgpPeer", "-o", "yaml").out()
                        + NodeNamespaceTest.ctl(cfg, "get", "bgpPeer", "-o", "json").out();
                assertTrue(shown.contains("<redacted>") && !shown.contains(MD5_KEY), shown);
                node.process().toHandle().descendants().forEach(ProcessHandle::destroy); // SIGTERM: the shutdown logs too
                node.waitFor(Duration.ofSeconds(60));
            }
            String text = read(log);
            long debugLines = text.lines().filter(l -> l.contains("DEBUG")).count();
            assertTrue(debugLines > 20, "the node logged at debug: " + debugLines + " lines");
            assertTrue(text.contains("n1") && text.contains("127.0.0.3"), "the log is the node's");
            assertFalse(text.contains(ETCD_PASSWORD), "etcd password in the node's log");
            assertFalse(text.contains(MD5_KEY), "bgpPeer MD5 key in the node's log");
            for (String keyLine : Files.readAllLines(pki.file("client.key"))) {
                if (keyLine.startsWith("-----")) continue;
                assertFalse(text.contains(keyLine), "a line of the client key's PEM body in the node's log");
            }
            System.out.printf("node log at debug: %d lines (%d DEBUG), %d bytes; no etcd password, MD5 key or client key line%n",
                    text.lines().count(), debugLines, text.length());
        }
    }

    private static void applyPeer(Path cfg, int asNumber) throws IOException {
        Path f = cfg.resolveSibling("peer-" + asNumber + ".yaml");
        Files.writeString(f, """
                apiVersion: v1
                kind: bgpPeer
                metadata: {peerIP: 127.0.0.3, scope: global}
                spec: {asNumber: %d, password: %s}
                """.formatted(asNumber, MD5_KEY));
        NodeNamespaceTest.Result r = NodeNamespaceTest.ctl(cfg, "apply", "-f", f.toString());
        assertEquals(0, r.code(), r.err());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
