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

/** Route reflection (RFC 4456) with real BIRD 2: Ocelot reflecting for BIRD clients, and BIRD reflecting for Ocelot. */
@Tag("bird")
class Bird2ReflectionTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final long AS = 64512;

    static String birdClient(String self, int port, String rr, int rrPort, String prefix) {
        return """
                log stderr all;
                router id %s;
                protocol device { }
                protocol static s4 { ipv4; route %s blackhole; }
                protocol bgp reflector {
                  local %s port %d as %d;
                  neighbor %s port %d as %d;
                  hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
                  ipv4 { import all; export all; next hop self; };
                }
                """.formatted(self, prefix, self, port, AS, rr, rrPort, AS);
    }

    @Test
    void ocelotReflectsBetweenBirdClients() throws Exception {
        String rr = "127.8.3.1";
        String a = "127.8.3.2";
        String b = "127.8.3.3";
        InetAddress rrAddr = IpAddresses.inet(rr);
        int clusterId = IpAddresses.toInt(IpAddresses.inet("10.255.0.1"));
        int portA = Loopback.freePort(a);
        int portB = Loopback.freePort(b);
        RecordingFib fib = new RecordingFib();
        try (BgpSpeaker speaker = new BgpSpeaker(new SpeakerConfig(rrAddr, 0, AS, IpAddresses.toInt(rrAddr), clusterId, rrAddr, null), fib)) {
            int port = speaker.start();
            try (BirdDaemon birdA = BirdDaemon.bird2(birdClient(a, portA, rr, port, "10.31.0.0/24"));
                 BirdDaemon birdB = BirdDaemon.bird2(birdClient(b, portB, rr, port, "10.32.0.0/24"))) {
                for (var p : new Object[][]{{a, portA}, {b, portB}}) {
                    speaker.addPeer(new PeerSettings(SessionConfig.of(IpAddresses.inet((String) p[0]), AS, AS, IpAddresses.toInt(rrAddr))
                            .withPorts((Integer) p[1]).withLocalAddress(rrAddr).withTimers(9, 1), true, false, "node specific"));
                }
                assertTrue(waitFor(WAIT, () -> fib.routes.size() == 2), () -> "RR learned: " + fib.routes);
                assertTrue(waitFor(WAIT, () -> birdB.birdc("show", "route", "10.31.0.0/24").contains("10.31.0.0/24")),
                        () -> birdB.birdc("show", "route", "all"));
                String reflected = birdB.birdc("show", "route", "10.31.0.0/24", "all");
                assertTrue(reflected.contains("BGP.originator_id: " + a), reflected);
                assertTrue(reflected.contains("BGP.cluster_list: 10.255.0.1"), reflected);
                assertTrue(reflected.contains("BGP.next_hop: " + a), reflected);
                assertTrue(waitFor(WAIT, () -> birdA.birdc("show", "route", "10.32.0.0/24").contains("10.32.0.0/24")));
                // A client never gets its own route back.
                assertTrue(!birdA.birdc("show", "route", "10.31.0.0/24", "protocol", "reflector").contains("10.31.0.0/24"));

                birdA.reconfigure(birdClient(a, portA, rr, port, "10.33.0.0/24"));
                assertTrue(waitFor(WAIT, () -> !birdB.birdc("show", "route", "10.31.0.0/24").contains("10.31.0.0/24")
                        && birdB.birdc("show", "route", "10.33.0.0/24").contains("10.33.0.0/24")));
                assertEquals(2, fib.routes.size());
            }
        }
    }

    @Test
    void birdReflectsBetweenOcelotClients() throws Exception {
        String rr = "127.8.4.1";
        String[] clients = {"127.8.4.2", "127.8.4.3"};
        StringBuilder cfg = new StringBuilder("""
                log stderr all;
                router id %s;
                protocol device { }
                """.formatted(rr));
        BgpSpeaker[] speakers = new BgpSpeaker[2];
        RecordingFib[] fibs = {new RecordingFib(), new RecordingFib()};
        int rrPort = Loopback.freePort(rr);
        try {
            for (int i = 0; i < 2; i++) {
                InetAddress self = IpAddresses.inet(clients[i]);
                speakers[i] = new BgpSpeaker(new SpeakerConfig(self, 0, AS, IpAddresses.toInt(self), 0, self, null), fibs[i]);
                int port = speakers[i].start();
                cfg.append("""
                        protocol bgp c%d {
                          local %s port %d as %d;
                          neighbor %s port %d as %d;
                          rr client; rr cluster id 10.255.0.9;
                          hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
                          ipv4 { import all; export all; };
                        }
                        """.formatted(i, rr, rrPort, AS, clients[i], port, AS));
            }
            try (BirdDaemon bird = BirdDaemon.bird2(cfg.toString())) {
                for (int i = 0; i < 2; i++) {
                    InetAddress self = IpAddresses.inet(clients[i]);
                    speakers[i].announce(Prefix.parse("10.4" + i + ".0.0/26"));
                    speakers[i].addPeer(new PeerSettings(SessionConfig.of(IpAddresses.inet(rr), AS, AS, IpAddresses.toInt(self))
                            .withPorts(rrPort).withLocalAddress(self).withTimers(9, 1), false, false, "global"));
                }
                assertTrue(waitFor(WAIT, () -> fibs[1].routes.containsKey(Prefix.parse("10.40.0.0/26"))
                        && fibs[0].routes.containsKey(Prefix.parse("10.41.0.0/26"))), () -> bird.birdc("show", "route", "all"));
                assertEquals(IpAddresses.inet(clients[0]), fibs[1].routes.get(Prefix.parse("10.40.0.0/26")));
                assertEquals(IpAddresses.inet(clients[1]), fibs[0].routes.get(Prefix.parse("10.41.0.0/26")));
                speakers[0].withdraw(Prefix.parse("10.40.0.0/26"));
                assertTrue(waitFor(WAIT, () -> !fibs[1].routes.containsKey(Prefix.parse("10.40.0.0/26"))));
                assertEquals(SessionState.ESTABLISHED, speakers[1].state(IpAddresses.inet(rr)));
            }
        } finally {
            for (BgpSpeaker s : speakers) if (s != null) s.close();
        }
    }
}
