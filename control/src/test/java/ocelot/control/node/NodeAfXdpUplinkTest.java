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
 * The af_xdp uplink (`--uplink-driver af_xdp`, generic XDP on a veth): the node address answers
 * the fabric only through DPDK and the host TAP, and SIGTERM gives the uplink back (the XDP
 * program detached: the kernel answers on it again).
 */
@Tag("netns")
@Tag("dpdk")
class NodeAfXdpUplinkTest {
    final String id = Long.toString(ProcessHandle.current().pid() % 100000);
    final String nsNode = "ocxn-" + id, nsFab = "ocxf-" + id;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void afXdpUplinkCarriesTheNodeAddressThroughTheExceptionPath() throws Exception {
        try (NamespaceLab lab = new NamespaceLab()) {
            lab.namespace(nsNode);
            lab.namespace(nsFab);
            lab.link(nsNode, nsFab, "x" + id);
            lab.in(nsNode, "ip", "addr", "add", "172.31.92.10/24", "dev", "eth0");
            lab.in(nsFab, "ip", "addr", "add", "172.31.92.1/24", "dev", "eth0");
            Path cfg = tmp.resolve("ocelotctl.cfg");
            Files.writeString(cfg, "apiVersion: v1\nkind: calicoApiConfig\nmetadata:\nspec:\n  datastoreType: embedded\n  dataDir: "
                    + tmp.resolve("data") + "\n");
            NodeRunChild node = NodeRunChild.start(lab, nsNode, tmp.resolve("node.log"), "--name", "xdp1", "--ip", "172.31.92.10",
                    "--run-dir", tmp.resolve("run").toString(), "--host-tap", "oxtap" + id, "--uplink-driver", "af_xdp",
                    "--metrics-address", "none", "--config=" + cfg);
            assertTrue(node.log().stream().anyMatch(l -> l.startsWith("Opened uplink eth0 (af_xdp")), node.log().toString());
            assertTrue(lab.in(nsNode, "ip", "link", "show", "dev", "eth0").contains("xdp"), "an XDP program on the uplink");
            assertEquals(0, lab.status(nsFab, "ping", "-c", "3", "-i", "0.3", "-W", "2", "172.31.92.10"), Files.readString(node.stderr()));

            assertTrue(NamespaceLab.terminate(node.process(), 60), "node run stopped on SIGTERM");
            assertFalse(lab.in(nsNode, "ip", "link", "show", "dev", "eth0").contains("xdp"), "XDP program detached");
            assertTrue(lab.in(nsNode, "ip", "-4", "addr", "show", "dev", "eth0").contains("172.31.92.10/24"), "uplink address restored");
            assertEquals(0, lab.status(nsFab, "ping", "-c", "1", "-W", "2", "172.31.92.10"), "the kernel answers on the uplink again");
        }
    }
}
