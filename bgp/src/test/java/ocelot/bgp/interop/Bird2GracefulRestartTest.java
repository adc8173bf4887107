package ocelot.bgp.interop;

import ocelot.bgp.session.SessionConfig;
import ocelot.bgp.session.SessionState;
import ocelot.bgp.speaker.BgpSpeaker;
import ocelot.bgp.speaker.PeerSettings;
import ocelot.bgp.speaker.RestartState;
import ocelot.bgp.speaker.SpeakerConfig;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.Prefix;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Set;

import static ocelot.bgp.interop.Bird2InteropTest.WAIT;
import static ocelot.bgp.interop.Bird2InteropTest.staticRoutes;
import static ocelot.bgp.interop.BirdDaemon.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 4724 with Ocelot as the restarting speaker and BIRD 2 as the helper ({@code graceful
 * restart on}): the speaker goes away without a NOTIFICATION, as a restarted node process does;
 * BIRD keeps Ocelot's routes; the FIB the first incarnation fed is not flushed; the second
 * incarnation opens with the R and F bits, waits for BIRD's End-of-RIB, sends its table and
 * End-of-RIB; BIRD then drops only the route Ocelot no longer announces, long before its restart
 * timer, and Ocelot drops from the FIB only the route BIRD withdrew meanwhile.
 */
@Tag("bird")
class Bird2GracefulRestartTest {
    private static final String SELF = "127.8.7.1";
    private static final String BIRD = "127.8.7.2";
    private static final int RESTART_SECONDS = 120;

    /** BIRD as an iBGP helper: graceful restart on, restart time 120 s, events and packets traced. */
    private static String birdConfig(int birdPort, int ocelotPort, String statics) {
        return """
                log stderr all;
                router id %1$s;
                protocol device { }
                protocol static s4 {
                  ipv4;
                %3$s}
                protocol bgp ocelot {
                  local %1$s port %2$d as 64512;
                  neighbor %4$s port %5$d as 64512;
                  hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
                  graceful restart on; graceful restart time %6$d;
                  debug { states, events, packets };
                  ipv4 { import all; export all; next hop self; };
                }
                """.formatted(BIRD, birdPort, statics, SELF, ocelotPort, RESTART_SECONDS);
    }

    @Test
    void birdKeepsOurRoutesAcrossOurRestartAndGetsEndOfRib() throws Exception {
        RecordingFib fib = new RecordingFib(); // the dataplane: outlives both speaker incarnations
        InetAddress self = IpAddresses.inet(SELF);
        InetAddress bird = IpAddresses.inet(BIRD);
        int birdPort = Loopback.freePort(BIRD);
        PeerSettings peer = new PeerSettings(SessionConfig.of(bird, 64512, 64512, IpAddresses.toInt(self))
                .withPorts(birdPort).withLocalAddress(self).withTimers(9, 1).withGracefulRestart(RESTART_SECONDS),
                false, false, "global");
        Prefix kept = Prefix.parse("10.10.0.0/24");
        Prefix dropped = Prefix.parse("10.10.9.0/24");
        Prefix birdKept = Prefix.parse("10.20.0.0/24");
        Prefix birdWithdrawn = Prefix.parse("10.20.1.0/24");

        BgpSpeaker first = new BgpSpeaker(new SpeakerConfig(self, 0, 64512, IpAddresses.toInt(self), 0, self, null), fib);
        int port;
        try {
            port = first.start();
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
        try (BirdDaemon b = BirdDaemon.bird2(birdConfig(birdPort, port, staticRoutes("10.20.0.0/24", "10.20.1.0/24")))) {
            boolean firstOpen = true;
            try {
                first.announce(kept);
                first.announce(dropped);
                first.addPeer(peer);
                assertTrue(waitFor(WAIT, () -> first.state(bird) == SessionState.ESTABLISHED), () -> "not established:\n" + b.log());
                assertTrue(waitFor(WAIT, () -> fib.routes.keySet().equals(Set.of(birdKept, birdWithdrawn))), () -> "fib " + fib.routes);
                assertTrue(waitFor(WAIT, () -> b.birdc("show", "route", "in", "10.10.0.0/16").contains("10.10.9.0/24")), () -> b.birdc("show", "route"));
                String caps = b.birdc("show", "protocols", "all", "ocelot");
                assertTrue(caps.contains("Graceful restart") && !caps.contains("Restart recovery"), caps);

                // The node process "restarts": no NOTIFICATION, FIB untouched.
                first.closeForRestart();
                firstOpen = false;
            } finally {
                if (firstOpen) first.close();
            }
            assertTrue(waitFor(WAIT, () -> b.log().contains("Neighbor graceful restart detected")), b::log);
            assertFalse(b.protocolEstablished("ocelot"));
            String whileDown = b.birdc("show", "route", "in", "10.10.0.0/16");
            assertTrue(whileDown.contains("10.10.0.0/24") && whileDown.contains("10.10.9.0/24"), "BIRD keeps our routes as stale:\n" + whileDown);
            assertEquals(Set.of(birdKept, birdWithdrawn), fib.routes.keySet(), "the FIB was not flushed");
            assertEquals(0, fib.removals.get());
            // While we are away BIRD withdraws one of its routes: the restarted speaker must notice.
            b.reconfigure(birdConfig(birdPort, port, staticRoutes("10.20.0.0/24")));

            long endOfRibsBefore = fib.endOfRibs.get();
            try (BgpSpeaker second = new BgpSpeaker(new SpeakerConfig(self, port, 64512, IpAddresses.toInt(self), 0, self, null), fib)) {
                second.start(new RestartState(fib.routes.keySet(), 60));
                assertTrue(second.selectionDeferred());
                second.announce(kept); // 10.10.9.0/24 is no longer ours
                second.addPeer(peer);
                assertTrue(waitFor(WAIT, () -> second.state(bird) == SessionState.ESTABLISHED), () -> "not re-established:\n" + b.log());
                String caps = b.birdc("show", "protocols", "all", "ocelot");
                assertTrue(caps.contains("Restart recovery"), "R bit seen by BIRD:\n" + caps);

                // BIRD's End-of-RIB ends our deferral; ours ends BIRD's graceful restart.
                assertTrue(waitFor(WAIT, () -> !second.selectionDeferred()), "deferral still on: no End-of-RIB from BIRD?");
                assertEquals(1, second.preservedRoutesSwept(), "only the route BIRD withdrew leaves the FIB");
                assertTrue(fib.endOfRibs.get() > endOfRibsBefore, "the FIB is told of BIRD's End-of-RIB");
                assertEquals(Set.of(birdKept), fib.routes.keySet());
                assertEquals(1, fib.removals.get());
                assertTrue(waitFor(WAIT, () -> b.log().contains("Neighbor graceful restart done")), b::log);
                assertTrue(b.log().contains("Got END-OF-RIB"), b::log);
                assertTrue(waitFor(WAIT, () -> !b.birdc("show", "route", "in", "10.10.0.0/16").contains("10.10.9.0/24")),
                        () -> "stale route not swept after End-of-RIB:\n" + b.birdc("show", "route"));
                assertTrue(b.birdc("show", "route", "in", "10.10.0.0/16").contains("10.10.0.0/24"));
            }
        }
    }
}
