package ocelot.bgp.interop;

import ocelot.bgp.bfd.BfdConfig;
import ocelot.bgp.bfd.BfdEndpoint;
import ocelot.bgp.bfd.BfdSession;
import ocelot.bgp.bfd.BfdState;
import ocelot.bgp.wire.IpAddresses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static ocelot.bgp.interop.DaemonProcess.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Single-hop BFD against FRR's bfdd on 127.14.0.1 (Ocelot) and 127.14.0.2 (FRR), 100 ms and
 * multiplier 3 on both sides, port 3784: the session comes Up on both; FRR frozen (SIGSTOP, so it
 * stops sending without an AdminDown) is detected as "control detection time expired"; resumed, it
 * comes Up again. Repeated {@link #CUTS} times; each detection time, from the SIGSTOP to our Down,
 * is printed (not asserted: the machine is shared) and the Down's diagnostic is asserted.
 */
@Tag("frr")
class FrrBfdInteropTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int CUTS = 10;

    @Test
    void sessionComesUpAndAFrozenPeerIsDetected() throws Exception {
        InetAddress self = IpAddresses.inet("127.14.0.1");
        InetAddress frr = IpAddresses.inet("127.14.0.2");
        AtomicLong downAtNanos = new AtomicLong(-1);
        List<Integer> diags = new ArrayList<>();
        try (FrrBfdDaemon bfdd = FrrBfdDaemon.start("""
                bfd
                 peer 127.14.0.1 local-address 127.14.0.2
                  receive-interval 100
                  transmit-interval 100
                  detect-multiplier 3
                 !
                !
                """);
             BfdEndpoint bfd = new BfdEndpoint(self, 3784)) {
            bfd.add(frr, 3784, BfdConfig.defaults(), (BfdSession s, BfdState from, BfdState to, int diag) -> {
                // the first Down after the cut (a spurious one between cuts, on a loaded machine, is not counted)
                if (from == BfdState.UP && to == BfdState.DOWN && downAtNanos.compareAndSet(0, System.nanoTime())) {
                    synchronized (diags) {
                        diags.add(diag);
                    }
                }
            });
            assertTrue(waitFor(WAIT, () -> bfd.state(frr) == BfdState.UP), () -> "not Up: " + bfd.states() + "\n" + bfdd.vtysh("show bfd peers"));
            assertTrue(waitFor(WAIT, () -> bfdd.vtysh("show bfd peers").contains("Status: up")), () -> bfdd.vtysh("show bfd peers"));
            List<Double> millis = new ArrayList<>();
            for (int cut = 0; cut < CUTS; cut++) {
                // both sides at the 100 ms rate (the poll sequences after Up are over) before the cut
                assertTrue(waitFor(WAIT, () -> bfdd.vtysh("show bfd peers").contains("Transmission interval: 100ms")));
                Thread.sleep(300);
                synchronized (diags) {
                    diags.clear();
                }
                long cutAt = System.nanoTime();
                downAtNanos.set(0);
                bfdd.pause();
                try {
                    assertTrue(waitFor(WAIT, () -> downAtNanos.get() != 0), "frozen FRR not detected");
                    millis.add((downAtNanos.get() - cutAt) / 1e6);
                    synchronized (diags) {
                        assertEquals(List.of(BfdSession.DIAG_DETECTION_TIME_EXPIRED), diags, "the Down's diagnostic");
                    }
                } finally {
                    bfdd.resume();
                }
                assertTrue(waitFor(WAIT, () -> bfd.state(frr) == BfdState.UP), () -> "not Up again: " + bfdd.vtysh("show bfd peers"));
            }
            assertEquals(0, bfd.discardedForTtl());
            List<Double> sorted = millis.stream().sorted().toList();
            System.out.printf("BFD vs FRR bfdd, 100 ms x 3 (bound 300 ms): %d cuts, detection ms min %.1f median %.1f max %.1f: %s%n",
                    CUTS, sorted.getFirst(), sorted.get(sorted.size() / 2), sorted.getLast(), millis);
        }
    }
}
