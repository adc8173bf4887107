package ocelot.bgp.interop;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import ocelot.bgp.session.SessionConfig;
import ocelot.bgp.session.SessionState;
import ocelot.bgp.speaker.BgpSpeaker;
import ocelot.bgp.speaker.PeerSettings;
import ocelot.bgp.speaker.SpeakerConfig;
import ocelot.bgp.wire.IpAddresses;

import static ocelot.bgp.interop.BirdDaemon.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GTSM (RFC 5082) against BIRD 2's {@code ttl security yes} (with {@code multihop 1}: BIRD then
 * sends TTL 255 and accepts only 255) on loopback. Both sides on: the session comes up. Only ours
 * on: BIRD's segments arrive with TTL 64, our sockets drop them, and we never reach Established.
 * Only BIRD's: our segments (default TTL 64) are dropped by BIRD's sockets, which is why ours must
 * send 255. The oracle is the kernel's TCPMinTTLDrop counter (/proc/net/netstat: segments dropped
 * by IP_MINTTL in this namespace; only the side with GTSM on can drop), counted, not timed.
 * (Segments that arrive before the minimum is set on an accepted socket are not checked: the
 * listener is shared with non-GTSM peers, so the minimum is set per accepted connection.)
 */
@Tag("bird")
class Bird2TtlSecurityTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String BIRD_GTSM = "ttl security yes; multihop 1;";

    private void run(String self, String bird, int ourHops, String birdExtra, boolean expectUp) throws Exception {
        InetAddress selfAddr = IpAddresses.inet(self);
        InetAddress birdAddr = IpAddresses.inet(bird);
        int birdPort = Loopback.freePort(bird);
        long dropsBefore = minTtlDrops();
        try (BgpSpeaker speaker = new BgpSpeaker(new SpeakerConfig(selfAddr, 0, 64512, IpAddresses.toInt(selfAddr), 0, selfAddr, null), new RecordingFib())) {
            int port = speaker.start();
            try (BirdDaemon b = BirdDaemon.bird2(Bird2InteropTest.birdPeer(bird, bird, birdPort, 64512, self, port, 64512,
                    Bird2InteropTest.staticRoutes("10.51.0.0/24"), "").replace("hold time 9;", "hold time 9; " + birdExtra))) {
                speaker.addPeer(new PeerSettings(SessionConfig.of(birdAddr, 64512, 64512, IpAddresses.toInt(selfAddr))
                        .withPorts(birdPort).withLocalAddress(selfAddr).withTimers(9, 1).withTtlSecurity(ourHops), false, false, "global"));
                if (expectUp) {
                    assertTrue(waitFor(WAIT, () -> speaker.state(birdAddr) == SessionState.ESTABLISHED), b::log);
                    assertTrue(waitFor(WAIT, () -> speaker.status(birdAddr).prefixesReceived() == 1));
                    assertTrue(b.protocolEstablished("ocelot"));
                } else {
                    assertTrue(waitFor(WAIT, () -> minTtlDrops() >= dropsBefore + 5), "TCPMinTTLDrop +" + (minTtlDrops() - dropsBefore));
                    if (ourHops > 0) assertEquals(0, speaker.status(birdAddr).timesEstablished(), "BIRD's TTL-64 segments reached the session");
                }
            }
        }
    }

    /** TcpExt TCPMinTTLDrop from /proc/net/netstat (this network namespace's count of segments dropped by a minimum TTL). */
    static long minTtlDrops() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
            for (int i = 0; i + 1 < lines.size(); i += 2) {
                if (!lines.get(i).startsWith("TcpExt:")) continue;
                List<String> names = List.of(lines.get(i).split(" ")), values = List.of(lines.get(i + 1).split(" "));
                return Long.parseLong(values.get(names.indexOf("TCPMinTTLDrop")));
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("no TcpExt TCPMinTTLDrop in /proc/net/netstat: " + e, e);
        }
        throw new IllegalStateException("no TcpExt line in /proc/net/netstat");
    }

    @Test
    void bothSidesEstablish() throws Exception {
        run("127.8.7.1", "127.8.7.2", 1, BIRD_GTSM, true);
    }

    @Test
    void aPeerSendingTtl64IsDroppedByOurs() throws Exception {
        run("127.8.8.1", "127.8.8.2", 1, "", false);
    }

    @Test
    void aGtsmPeerDropsOurDefaultTtl() throws Exception {
        run("127.8.9.1", "127.8.9.2", 0, BIRD_GTSM, false);
    }
}
