package ocelot.bgp.interop;

import ocelot.bgp.session.SessionConfig;
import ocelot.bgp.session.SessionState;
import ocelot.bgp.speaker.BgpSpeaker;
import ocelot.bgp.speaker.PeerSettings;
import ocelot.bgp.speaker.SpeakerConfig;
import ocelot.bgp.wire.IpAddresses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static ocelot.bgp.interop.BirdDaemon.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TCP MD5 (RFC 2385) against BIRD 2's `password`: right key comes up, wrong key never does. */
@Tag("bird")
class Bird2Md5Test {
    static final Duration WAIT = Duration.ofSeconds(30);

    private void run(String self, String bird, String ourPassword, boolean expectUp) throws Exception {
        InetAddress selfAddr = IpAddresses.inet(self);
        InetAddress birdAddr = IpAddresses.inet(bird);
        int birdPort = Loopback.freePort(bird);
        try (BgpSpeaker speaker = new BgpSpeaker(new SpeakerConfig(selfAddr, 0, 64512, IpAddresses.toInt(selfAddr), 0, selfAddr, null), new RecordingFib())) {
            int port = speaker.start();
            try (BirdDaemon b = BirdDaemon.bird2(Bird2InteropTest.birdPeer(bird, bird, birdPort, 64512, self, port, 64512,
                    Bird2InteropTest.staticRoutes("10.50.0.0/24"), "").replace("hold time 9;", "hold time 9; password \"ocelot-md5\";"))) {
                speaker.addPeer(new PeerSettings(SessionConfig.of(birdAddr, 64512, 64512, IpAddresses.toInt(selfAddr))
                        .withPorts(birdPort).withLocalAddress(selfAddr).withTimers(9, 1).withMd5(ourPassword), false, false, "global"));
                if (expectUp) {
                    assertTrue(waitFor(WAIT, () -> speaker.state(birdAddr) == SessionState.ESTABLISHED), b::log);
                    assertTrue(waitFor(WAIT, () -> speaker.status(birdAddr).prefixesReceived() == 1));
                } else {
                    // Counted, not timed: several of our signed SYNs went unanswered, and BIRD's never reached us.
                    assertTrue(waitFor(WAIT, () -> speaker.status(birdAddr).connectAttempts() >= 3));
                    assertEquals(0, speaker.status(birdAddr).timesEstablished());
                    assertFalse(b.protocolEstablished("ocelot"));
                }
            }
        }
    }

    @Test
    void rightPasswordEstablishes() throws Exception {
        run("127.8.5.1", "127.8.5.2", "ocelot-md5", true);
    }

    @Test
    void wrongPasswordNeverEstablishes() throws Exception {
        run("127.8.6.1", "127.8.6.2", "not-the-password", false);
    }
}
