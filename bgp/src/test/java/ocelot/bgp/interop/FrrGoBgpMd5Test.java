package ocelot.bgp.interop;

import ocelot.bgp.session.SessionState;
import ocelot.bgp.speaker.BgpSpeaker;
import ocelot.bgp.speaker.PeerSettings;
import ocelot.bgp.wire.IpAddresses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.function.Predicate;

import static ocelot.bgp.interop.BirdDaemon.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP MD5 (RFC 2385) against FRR's {@code neighbor X password} and GoBGP's {@code auth-password}:
 * the right key comes up and carries a route, a wrong key never does (both sides dial: the daemon's
 * SYNs are dropped by our listener's key, ours by theirs).
 */
class FrrGoBgpMd5Test {
    static final String PASSWORD = "ocelot-md5";

    /** Ocelot dials {@code peer} with {@code ourPassword}; {@code peerEstablished} asks the daemon. */
    private static void run(String self, String peer, int peerPort, long as, String ourPassword, boolean expectUp,
                            BgpSpeaker speaker, RecordingFib fib, Predicate<String> peerEstablished, java.util.function.Supplier<String> log) {
        InetAddress peerAddr = IpAddresses.inet(peer);
        PeerSettings p = FrrInteropTest.peer(peer, peerPort, self, as, as);
        speaker.addPeer(new PeerSettings(p.session().withMd5(ourPassword), false, false, "global"));
        if (expectUp) {
            assertTrue(waitFor(FrrInteropTest.WAIT, () -> speaker.state(peerAddr) == SessionState.ESTABLISHED && peerEstablished.test(self)),
                    () -> "not established; daemon log:\n" + log.get());
            assertTrue(waitFor(FrrInteropTest.WAIT, () -> fib.routes.size() == 1), () -> "routes: " + fib.routes);
        } else {
            // Counted, not timed: two rounds of our signed SYNs went unanswered (the right key is up within
            // the first), and the daemon's never reached us.
            assertTrue(waitFor(FrrInteropTest.WAIT, () -> speaker.status(peerAddr).connectAttempts() >= 2));
            assertEquals(0, speaker.status(peerAddr).timesEstablished());
            assertFalse(peerEstablished.test(self), log);
            assertTrue(fib.routes.isEmpty());
        }
    }

    private static void frr(String self, String frr, String ourPassword, boolean expectUp) throws Exception {
        RecordingFib fib = new RecordingFib();
        int frrPort = Loopback.freePort(frr);
        try (BgpSpeaker speaker = FrrInteropTest.speaker(self, FrrInteropTest.AS, 0, fib)) {
            int port = speaker.start();
            String extra = " neighbor " + self + " password " + PASSWORD + "\n";
            try (FrrDaemon d = FrrDaemon.start(frr, frrPort, FrrInteropTest.config(frr, FrrInteropTest.AS, self, port, FrrInteropTest.AS,
                    extra, FrrInteropTest.networks("10.51.0.0/24"), ""))) {
                run(self, frr, frrPort, FrrInteropTest.AS, ourPassword, expectUp, speaker, fib, d::established, d::log);
            }
        }
    }

    private static void gobgp(String self, String gobgp, String ourPassword, boolean expectUp) throws Exception {
        RecordingFib fib = new RecordingFib();
        int gobgpPort = Loopback.freePort(gobgp);
        long as = GoBgpInteropTest.AS;
        try (BgpSpeaker speaker = GoBgpInteropTest.speaker(self, as, 0, fib)) {
            int port = speaker.start();
            try (GoBgpDaemon d = GoBgpDaemon.start(gobgp, GoBgpInteropTest.config(gobgp, as, gobgpPort,
                    GoBgpInteropTest.neighbor(gobgp, self, port, as, false, "auth-password = \"" + PASSWORD + "\"", "")))) {
                d.addRoute("10.52.0.0/24", "nexthop", gobgp);
                run(self, gobgp, gobgpPort, as, ourPassword, expectUp, speaker, fib, d::established, d::log);
            }
        }
    }

    @Test
    @Tag("frr")
    void frrRightPasswordEstablishes() throws Exception {
        frr("127.11.5.1", "127.11.5.2", PASSWORD, true);
    }

    @Test
    @Tag("frr")
    void frrWrongPasswordNeverEstablishes() throws Exception {
        frr("127.11.6.1", "127.11.6.2", "not-the-password", false);
    }

    @Test
    @Tag("gobgp")
    void gobgpRightPasswordEstablishes() throws Exception {
        gobgp("127.12.5.1", "127.12.5.2", PASSWORD, true);
    }

    @Test
    @Tag("gobgp")
    void gobgpWrongPasswordNeverEstablishes() throws Exception {
        gobgp("127.12.6.1", "127.12.6.2", "not-the-password", false);
    }
}
