package ocelot.bgp.interop;

import ocelot.bgp.session.SessionConfig;
import ocelot.bgp.session.SessionState;
import ocelot.bgp.speaker.BgpSpeaker;
import ocelot.bgp.speaker.PeerSettings;
import ocelot.bgp.speaker.SpeakerConfig;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.Prefix;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static ocelot.bgp.interop.BirdDaemon.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ocelot against a real BIRD 2 on loopback addresses: iBGP, eBGP, withdraws, restart. */
@Tag("bird")
class Bird2InteropTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    static String birdPeer(String routerId, String local, int localPort, long localAs, String neighbor, int neighborPort,
                           long neighborAs, String statics, String extra) {
        return """
                log stderr all;
                router id %s;
                protocol device { }
                protocol static s4 {
                  ipv4;
                %s}
                protocol bgp ocelot {
                  local %s port %d as %d;
                  neighbor %s port %d as %d;
                  hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
                  %s
                  ipv4 { import all; export all; %s };
                }
                """.formatted(routerId, statics, local, localPort, localAs, neighbor, neighborPort, neighborAs,
                localAs != neighborAs ? "multihop;" : "", extra);
    }

    static String staticRoutes(String... prefixes) {
        StringBuilder sb = new StringBuilder();
        for (String p : prefixes) sb.append("  route ").append(p).append(" blackhole;\n");
        return sb.toString();
    }

    private void exchange(long localAs, long birdAs, String self, String bird) throws Exception {
        RecordingFib fib = new RecordingFib();
        InetAddress selfAddr = IpAddresses.inet(self);
        int birdPort = Loopback.freePort(bird);
        try (BgpSpeaker speaker = new BgpSpeaker(new SpeakerConfig(selfAddr, 0, localAs, IpAddresses.toInt(selfAddr), 0, selfAddr, null), fib)) {
            int port = speaker.start();
            try (BirdDaemon b = BirdDaemon.bird2(birdPeer(bird, bird, birdPort, birdAs, self, port, localAs,
                    staticRoutes("10.20.0.0/24", "10.20.1.0/24"), localAs == birdAs ? "next hop self;" : ""))) {
                speaker.announce(Prefix.parse("10.10.0.0/24"));
                speaker.addPeer(new PeerSettings(SessionConfig.of(IpAddresses.inet(bird), localAs, birdAs, IpAddresses.toInt(selfAddr))
                        .withPorts(birdPort).withLocalAddress(selfAddr).withTimers(9, 1), false, false, "global"));
                InetAddress birdAddr = IpAddresses.inet(bird);
                assertTrue(waitFor(WAIT, () -> speaker.state(birdAddr) == SessionState.ESTABLISHED), () -> "not established; BIRD log:\n" + b.log());
                assertTrue(waitFor(WAIT, () -> fib.routes.size() == 2), () -> "routes from BIRD: " + fib.routes);
                assertEquals(birdAddr, fib.routes.get(Prefix.parse("10.20.0.0/24")));
                assertTrue(waitFor(WAIT, () -> b.birdc("show", "route", "10.10.0.0/24").contains("10.10.0.0/24")),
                        () -> b.birdc("show", "route", "all"));
                String birdView = b.birdc("show", "route", "10.10.0.0/24", "all");
                assertTrue(birdView.contains("BGP.next_hop: " + self), birdView);
                if (localAs != birdAs) assertTrue(birdView.contains("BGP.as_path: " + localAs), birdView);

                // Withdraws both ways.
                speaker.withdraw(Prefix.parse("10.10.0.0/24"));
                assertTrue(waitFor(WAIT, () -> !b.birdc("show", "route", "10.10.0.0/24").contains("10.10.0.0/24")));
                b.reconfigure(birdPeer(bird, bird, birdPort, birdAs, self, port, localAs, staticRoutes("10.20.0.0/24"),
                        localAs == birdAs ? "next hop self;" : ""));
                assertTrue(waitFor(WAIT, () -> fib.routes.size() == 1 && fib.routes.containsKey(Prefix.parse("10.20.0.0/24"))),
                        () -> "after BIRD withdrew 10.20.1.0/24: " + fib.routes);

                // Peer restart: BIRD is killed and comes back; the session and routes recover.
                speaker.announce(Prefix.parse("10.10.2.0/24"));
                b.restart();
                assertTrue(waitFor(WAIT, () -> speaker.status(birdAddr).timesEstablished() >= 2
                        && speaker.state(birdAddr) == SessionState.ESTABLISHED
                        && b.protocolEstablished("ocelot")), () -> "no recovery; BIRD log:\n" + b.log());
                assertTrue(waitFor(WAIT, () -> b.birdc("show", "route", "10.10.2.0/24").contains("10.10.2.0/24")));
                assertTrue(waitFor(WAIT, () -> fib.routes.size() == 1 && fib.routes.containsKey(Prefix.parse("10.20.0.0/24"))));
            }
        }
    }

    @Test
    void ibgpPeerExchangesAndWithdrawsRoutesAndSurvivesRestart() throws Exception {
        exchange(64512, 64512, "127.8.1.1", "127.8.1.2");
    }

    @Test
    void ebgpPeerExchangesAndWithdrawsRoutesAndSurvivesRestart() throws Exception {
        exchange(64512, 64513, "127.8.2.1", "127.8.2.2");
    }
}
