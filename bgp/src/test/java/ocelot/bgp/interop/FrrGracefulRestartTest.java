package ocelot.bgp.interop;

import ocelot.bgp.session.SessionState;
import ocelot.bgp.speaker.BgpSpeaker;
import ocelot.bgp.speaker.PeerSettings;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.Prefix;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Set;

import static ocelot.bgp.interop.BirdDaemon.waitFor;
import static ocelot.bgp.interop.FrrInteropTest.AS;
import static ocelot.bgp.interop.FrrInteropTest.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 4724 with FRR as the restarting speaker and Ocelot as the helper: both advertise graceful
 * restart (FRR shows it negotiated); bgpd is killed (no NOTIFICATION); Ocelot keeps FRR's routes,
 * marked stale, in the RIB and the FIB; bgpd comes back without one of them, with the F bit
 * ({@code preserve-fw-state}); its End-of-RIB sweeps exactly that route, the other one never
 * left the FIB.
 */
@Tag("frr")
class FrrGracefulRestartTest {
    private static final String SELF = "127.11.7.1";
    private static final String FRR = "127.11.7.2";
    private static final int RESTART_SECONDS = 120;

    /** Graceful restart before any neighbor: FRR 8.4 refuses the global mode change once peers exist. */
    private static String config(int ocelotPort, String... networks) {
        String gr = " bgp graceful-restart\n bgp graceful-restart preserve-fw-state\n bgp graceful-restart restart-time " + RESTART_SECONDS + "\n";
        String ebgpPolicy = " no bgp ebgp-requires-policy\n";
        return FrrInteropTest.config(FRR, AS, SELF, ocelotPort, AS, " neighbor " + SELF + " passive\n", FrrInteropTest.networks(networks), "")
                .replace(ebgpPolicy, ebgpPolicy + gr);
    }

    @Test
    void ocelotKeepsFrrRoutesAcrossItsRestartUntilEndOfRib() throws Exception {
        RecordingFib fib = new RecordingFib();
        InetAddress frr = IpAddresses.inet(FRR);
        int frrPort = Loopback.freePort(FRR);
        Prefix kept = Prefix.parse("10.31.0.0/24");
        Prefix dropped = Prefix.parse("10.31.1.0/24");
        try (BgpSpeaker speaker = FrrInteropTest.speaker(SELF, AS, 0, fib)) {
            int port = speaker.start();
            try (FrrDaemon d = FrrDaemon.start(FRR, frrPort, config(port, kept.toString(), dropped.toString()))) {
                PeerSettings p = FrrInteropTest.peer(FRR, frrPort, SELF, AS, AS);
                speaker.addPeer(new PeerSettings(p.session().withGracefulRestart(RESTART_SECONDS), false, false, "global"));
                assertTrue(waitFor(WAIT, () -> speaker.state(frr) == SessionState.ESTABLISHED && d.established(SELF)), d::log);
                assertTrue(waitFor(WAIT, () -> fib.routes.keySet().equals(Set.of(kept, dropped))), () -> "fib " + fib.routes);
                String neighbor = d.vtysh("show bgp neighbors " + SELF);
                assertTrue(neighbor.contains("Graceful Restart Capability: advertised and received"), neighbor);
                long endOfRibs = fib.endOfRibs.get();
                assertTrue(endOfRibs >= 1, "FRR's End-of-RIB reached the FIB");

                d.kill();
                assertTrue(waitFor(WAIT, () -> speaker.state(frr) != SessionState.ESTABLISHED), "session not down after SIGKILL");
                assertTrue(speaker.<Boolean>queryRib(r -> r.best(kept).stale() && r.best(dropped).stale()),
                        "FRR's routes kept as stale");
                assertEquals(Set.of(kept, dropped), fib.routes.keySet(), "the FIB keeps them");
                assertEquals(0, fib.removals.get());

                d.startAgain(config(port, kept.toString()));
                assertTrue(waitFor(WAIT, () -> speaker.status(frr).timesEstablished() >= 2 && speaker.state(frr) == SessionState.ESTABLISHED),
                        () -> "no recovery; FRR log:\n" + d.log());
                assertTrue(waitFor(WAIT, () -> fib.routes.keySet().equals(Set.of(kept))), () -> "after FRR's End-of-RIB: " + fib.routes);
                assertEquals(1, fib.removals.get(), "only the route FRR no longer announces left the FIB");
                assertFalse(speaker.<Boolean>queryRib(r -> r.best(kept).stale()), "refreshed by the new incarnation");
                assertTrue(fib.endOfRibs.get() > endOfRibs);
            }
        }
    }
}
