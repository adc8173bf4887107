package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed with SIGKILL leaves its uplink without address, with ARP off and the raw DROP
 * rule (its TAP vanishes with the process); the next `node run` on that run directory gives the
 * uplink back first (RUNDIR/uplink.json), then takes it over again and works; its clean stop
 * restores the uplink as it was before the first start.
 */
@Tag("netns")
@Tag("dpdk")
class NodeCrashRecoveryTest {
    final String id = Long.toString(ProcessHandle.current().pid() % 100000);
    final String nsNode = "ocrn-" + id, nsFab = "ocrf-" + id;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aRestartAfterSigkillGivesTheUplinkBackFirst() throws Exception {
        try (NamespaceLab lab = new NamespaceLab()) {
            lab.namespace(nsNode);
            lab.namespace(nsFab);
            lab.link(nsNode, nsFab, "r" + id);
            lab.in(nsNode, "ip", "addr", "add", "172.31.94.10/24", "dev", "eth0");
            lab.in(nsFab, "ip", "addr", "add", "172.31.94.1/24", "dev", "eth0");
            Path cfg = tmp.resolve("ocelotctl.cfg");
            Files.writeString(cfg, "apiVersion: v1\nkind: calicoApiConfig\nmetadata:\nspec:\n  datastoreType: embedded\n  dataDir: "
                    + tmp.resolve("data") + "\n");
            String tap = String.format("ortaphost%06d", Long.parseLong(id)); // 15 characters: the longest interface name
            String[] args = {"--name", "crash1", "--run-dir", tmp.resolve("run").toString(), "--host-tap", tap,
                    "--metrics-address", "none", "--config=" + cfg};

            NodeRunChild first = NodeRunChild.start(lab, nsNode, tmp.resolve("node1.log"), args);
            assertTrue(first.log().contains("Using autodetected IPv4 address on interface eth0: 172.31.94.10/24"), first.log().toString());
            NamespaceLab.kill(first.process());
            assertFalse(lab.in(nsNode, "ip", "-4", "addr", "show", "dev", "eth0").contains("172.31.94.10"), "the crash left the uplink bare");
            assertTrue(lab.in(nsNode, "iptables", "-t", "raw", "-S", "PREROUTING").contains("DROP"));
            assertTrue(Files.exists(tmp.resolve("run").resolve("uplink.json")));

            NodeRunChild second = NodeRunChild.start(lab, nsNode, tmp.resolve("node2.log"), args);
            assertTrue(second.log().contains("Restored uplink eth0 (addresses [172.31.94.10/24]) left by a node that did not stop cleanly"),
                    second.log().toString());
            assertTrue(second.log().contains("Using autodetected IPv4 address on interface eth0: 172.31.94.10/24"), second.log().toString());
            assertEquals(0, lab.status(nsFab, "ping", "-c", "2", "-i", "0.3", "-W", "2", "172.31.94.10"), Files.readString(second.stderr()));
            assertEquals(1, lab.in(nsNode, "iptables", "-t", "raw", "-S", "PREROUTING").lines().filter(l -> l.contains("DROP")).count(),
                    "one DROP rule, not two");

            assertTrue(NamespaceLab.terminate(second.process(), 60), "node run stopped on SIGTERM");
            assertTrue(lab.in(nsNode, "ip", "-4", "addr", "show", "dev", "eth0").contains("172.31.94.10/24"), "uplink address restored");
            assertFalse(lab.in(nsNode, "ip", "link", "show", "dev", "eth0").contains("NOARP"), "uplink ARP restored");
            assertFalse(lab.in(nsNode, "iptables", "-t", "raw", "-S", "PREROUTING").contains("DROP"), "raw DROP rule removed");
            assertFalse(Files.exists(tmp.resolve("run").resolve("uplink.json")), "nothing left to recover");
        }
    }
}
