package ocelot.bgp.interop;

import ocelot.bgp.session.SessionConfig;
import ocelot.bgp.session.SessionState;
import ocelot.bgp.speaker.BgpSpeaker;
import ocelot.bgp.speaker.ListenRange;
import ocelot.bgp.speaker.PeerSettings;
import ocelot.bgp.speaker.PeerStatus;
import ocelot.bgp.speaker.SpeakerConfig;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.Prefix;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static ocelot.bgp.interop.BirdDaemon.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dynamic neighbours against BIRD 2: Ocelot (127.8.40.1, AS 64512) has no configured peer, only a
 * listen range 127.8.41.0/29 for AS 64601-64603 with a limit of 3. One BIRD dials from several
 * addresses, one {@code protocol bgp} each: three in range come up and their routes are learned;
 * then one with AS 64699 gets OPEN error Bad Peer AS (RFC 4271 §6.2), one from 127.8.42.1 (no
 * range) and a fourth in range (over the limit) get Cease/Connection Rejected (RFC 4486 §4).
 * When one of the three leaves, the fourth takes its place.
 */
@Tag("bird")
class Bird2DynamicNeighbourTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String SELF = "127.8.40.1";

    /** A BIRD dialling Ocelot from {@code local} in {@code as}, exporting {@code route}. (One BIRD cannot do this from
     * several addresses: it locks the neighbour address, so a second protocol to the same neighbour stays Idle.) */
    static BirdDaemon bird(String local, long as, int ocelotPort, String route) throws java.io.IOException {
        return BirdDaemon.bird2("""
                log stderr all;
                router id %s;
                protocol device { }
                protocol static s4 {
                  ipv4;
                  route %s blackhole;
                }
                protocol bgp ocelot {
                  local %s port %d as %d;
                  neighbor %s port %d as 64512;
                  multihop; hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 2;
                  ipv4 { import all; export all; };
                }
                """.formatted(local, route, local, Loopback.freePort(local), as, SELF, ocelotPort));
    }

    @Test
    void rangeAcceptsUpToItsLimitAndRefusesTheRest() throws Exception {
        InetAddress self = IpAddresses.inet(SELF);
        RecordingFib fib = new RecordingFib();
        List<BirdDaemon> birds = new java.util.ArrayList<>();
        try (BgpSpeaker speaker = new BgpSpeaker(new SpeakerConfig(self, 0, 64512, IpAddresses.toInt(self), 0, self, null), fib)) {
            int port = speaker.start();
            SessionConfig template = new SessionConfig(IpAddresses.inet("127.8.41.0"), 179, self, 64512, 64601,
                    IpAddresses.toInt(self), 9, 1, true, null, java.util.EnumSet.of(ocelot.bgp.wire.AddressFamily.IPV4_UNICAST),
                    0, 0, 0, 64603);
            speaker.applyListenRanges(List.of(new ListenRange(IpAddresses.inet("127.8.41.0"), 29, 3,
                    new PeerSettings(template, false, true, "dynamic 127.8.41.0/29"))));
            speaker.announce(Prefix.parse("10.40.0.0/24"));
            for (int i = 1; i <= 3; i++) {
                if (i == 3) {
                    // Below the limit, a wrong AS is refused by the OPEN check (RFC 4271 §6.2); the range's slot frees again.
                    BirdDaemon wrongAs = bird("127.8.41.4", 64699, port, "10.41.4.0/24");
                    birds.add(wrongAs);
                    assertTrue(waitFor(WAIT, () -> wrongAs.birdc("show", "protocols", "all", "ocelot").contains("Bad peer AS")),
                            () -> wrongAs.birdc("show", "protocols", "all", "ocelot"));
                    wrongAs.close();
                }
                birds.add(bird("127.8.41." + i, 64600 + i, port, "10.41." + i + ".0/24"));
                InetAddress a = IpAddresses.inet("127.8.41." + i);
                BirdDaemon b = birds.getLast();
                assertTrue(waitFor(WAIT, () -> speaker.state(a) == SessionState.ESTABLISHED),
                        () -> "not established; BIRD:\n" + b.log() + b.birdc("show", "protocols", "all"));
            }
            assertTrue(waitFor(WAIT, () -> fib.routes.size() == 3), () -> "routes: " + fib.routes);
            assertEquals(IpAddresses.inet("127.8.41.2"), fib.routes.get(Prefix.parse("10.41.2.0/24")));
            assertNull(fib.routes.get(Prefix.parse("10.41.4.0/24")));
            BirdDaemon third = birds.getLast();
            assertTrue(waitFor(WAIT, () -> third.birdc("show", "route", "protocol", "ocelot").contains("10.40.0.0/24")),
                    () -> third.birdc("show", "route", "all"));
            assertEquals("dynamic 127.8.41.0/29", speaker.status(IpAddresses.inet("127.8.41.3")).peerType());

            // A fourth neighbour in the range (over the limit) and an address outside every range.
            BirdDaemon overLimit = bird("127.8.41.5", 64601, port, "10.41.5.0/24");
            birds.add(overLimit);
            BirdDaemon outside = bird("127.8.42.1", 64601, port, "10.42.1.0/24");
            birds.add(outside);
            assertTrue(waitFor(WAIT, () -> overLimit.birdc("show", "protocols", "all", "ocelot").contains("Connection rejected")),
                    () -> overLimit.birdc("show", "protocols", "all", "ocelot"));
            assertTrue(waitFor(WAIT, () -> outside.birdc("show", "protocols", "all", "ocelot").contains("Connection rejected")),
                    () -> outside.birdc("show", "protocols", "all", "ocelot"));
            assertEquals(3, fib.routes.size(), () -> "routes: " + fib.routes);
            assertNull(speaker.state(IpAddresses.inet("127.8.42.1")));
            assertFalse(overLimit.protocolEstablished("ocelot"));

            // One leaves: its routes go, and the one over the limit takes its slot.
            birds.get(0).birdc("disable", "ocelot");
            assertTrue(waitFor(WAIT, () -> !fib.routes.containsKey(Prefix.parse("10.41.1.0/24"))), () -> "routes: " + fib.routes);
            assertTrue(waitFor(WAIT, () -> speaker.state(IpAddresses.inet("127.8.41.5")) == SessionState.ESTABLISHED),
                    () -> overLimit.birdc("show", "protocols", "all", "ocelot"));
            assertTrue(waitFor(WAIT, () -> fib.routes.containsKey(Prefix.parse("10.41.5.0/24"))), () -> "routes: " + fib.routes);
            assertNull(fib.routes.get(Prefix.parse("10.42.1.0/24")));

            // Range removed: its neighbours are stopped and their routes withdrawn.
            speaker.applyListenRanges(List.of());
            assertTrue(waitFor(WAIT, fib.routes::isEmpty), () -> "routes: " + fib.routes);
        } finally {
            for (BirdDaemon b : birds) b.close();
        }
    }
}
