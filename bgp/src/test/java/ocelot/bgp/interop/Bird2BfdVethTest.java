package ocelot.bgp.interop;

import ocelot.bgp.bfd.BfdConfig;
import ocelot.bgp.bfd.BfdEndpoint;
import ocelot.bgp.bfd.BfdSession;
import ocelot.bgp.bfd.BfdState;
import ocelot.bgp.wire.IpAddresses;
import ocelot.testkit.TestNamespace;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static ocelot.bgp.interop.DaemonProcess.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Single-hop BFD against BIRD 2 over a real link: two test namespaces joined by a veth pair
 * (10.199.0.1/30 ours, 10.199.0.2/30 BIRD's; BIRD's single-hop BFD refuses neighbours on lo). Our
 * endpoint's thread enters the first namespace before opening its sockets; BIRD runs in the
 * second, 100 ms x 3 both sides. Up on both; then our end of the link set down {@link #CUTS} times
 * (the "veth down"): each time our session goes Down with diagnostic 1 (control
 * detection time expired) and BIRD's too, and Up again once the link is back. Detection times
 * from the `ip link set down` command to our Down are printed. Nothing leaves the two namespaces.
 */
@Tag("bird")
class Bird2BfdVethTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int CUTS = 5;

    @Test
    void linkDownIsDetectedWithinTheDetectionTime() throws Exception {
        long pid = ProcessHandle.current().pid();
        InetAddress self = IpAddresses.inet("10.199.0.1"), bird = IpAddresses.inet("10.199.0.2");
        Path dir = Files.createTempDirectory("ocelot-bird-bfd-");
        try (TestNamespace ours = TestNamespace.create("ocbfda" + pid);
             TestNamespace theirs = TestNamespace.create("ocbfdb" + pid)) {
            ours.check("ip", "link", "add", "bfda", "type", "veth", "peer", "name", "bfdb", "netns", theirs.name());
            ours.check("ip", "addr", "add", "10.199.0.1/30", "dev", "bfda");
            theirs.check("ip", "addr", "add", "10.199.0.2/30", "dev", "bfdb");
            for (TestNamespace ns : List.of(ours, theirs)) ns.check("ip", "link", "set", "lo", "up");
            ours.check("ip", "link", "set", "bfda", "up");
            theirs.check("ip", "link", "set", "bfdb", "up");
            Path config = dir.resolve("bird.conf"), socket = dir.resolve("bird.ctl");
            Files.writeString(config, """
                    log "%s" all;
                    router id 10.199.0.2;
                    protocol device { scan time 1; }
                    protocol bfd {
                      interface "bfdb" { min rx interval 100 ms; min tx interval 100 ms; idle tx interval 1000 ms; multiplier 3; };
                      neighbor 10.199.0.1 dev "bfdb" local 10.199.0.2;
                    }
                    """.formatted(dir.resolve("bird.log")));
            theirs.start(new ProcessBuilder("/usr/sbin/bird", "-c", config.toString(), "-s", socket.toString(),
                    "-P", dir.resolve("bird.pid").toString(), "-f").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("bird.out").toFile()), Duration.ofMinutes(10));
            assertTrue(waitFor(WAIT, () -> Files.exists(socket)), "BIRD did not start");
            AtomicLong downAt = new AtomicLong(-1);
            List<Integer> diags = new ArrayList<>();
            try (BfdEndpoint bfd = new BfdEndpoint(self, 3784, ours.name())) {
                bfd.add(bird, 3784, BfdConfig.defaults(), (BfdSession s, BfdState from, BfdState to, int diag) -> {
                    if (from == BfdState.UP && to != BfdState.UP && downAt.compareAndSet(0, System.nanoTime())) {
                        synchronized (diags) {
                            diags.add(diag);
                        }
                    }
                });
                assertTrue(waitFor(WAIT, () -> bfd.state(bird) == BfdState.UP), () -> "not Up: " + bfd.states() + "\n" + birdc(socket));
                assertTrue(waitFor(WAIT, () -> birdc(socket).contains("Up")), () -> birdc(socket));
                List<Double> millis = new ArrayList<>();
                for (int cut = 0; cut < CUTS; cut++) {
                    Thread.sleep(500); // past the poll sequences: both at 100 ms
                    synchronized (diags) {
                        diags.clear();
                    }
                    long cutAt = System.nanoTime();
                    downAt.set(0);
                    ours.check("ip", "link", "set", "bfda", "down");
                    try {
                        assertTrue(waitFor(WAIT, () -> downAt.get() > 0), "link down not detected");
                        millis.add((downAt.get() - cutAt) / 1e6);
                        synchronized (diags) {
                            assertEquals(List.of(BfdSession.DIAG_DETECTION_TIME_EXPIRED), diags);
                        }
                        assertTrue(waitFor(WAIT, () -> !birdc(socket).contains(" Up ")), () -> birdc(socket));
                    } finally {
                        ours.check("ip", "link", "set", "bfda", "up");
                    }
                    assertTrue(waitFor(WAIT, () -> bfd.state(bird) == BfdState.UP), () -> "not Up again: " + birdc(socket));
                }
                assertEquals(0, bfd.discardedForTtl());
                List<Double> sorted = millis.stream().sorted().toList();
                System.out.printf("BFD vs BIRD 2 over veth, 100 ms x 3 (bound 300 ms): %d link cuts, detection ms min %.1f median %.1f max %.1f: %s%n",
                        CUTS, sorted.getFirst(), sorted.get(sorted.size() / 2), sorted.getLast(), millis);
            }
        } finally {
            DaemonProcess.deleteTree(dir);
        }
    }

    static String birdc(Path socket) {
        return DaemonProcess.runClient(List.of("/usr/sbin/birdc", "-s", socket.toString(), "show", "bfd", "sessions")).text();
    }
}
