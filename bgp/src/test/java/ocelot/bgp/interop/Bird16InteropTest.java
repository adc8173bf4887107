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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ocelot against BIRD 1.6, the BIRD Calico ships (unpacked from Debian's `bird` by
 * fetch-bird16.sh): iBGP and eBGP with withdraws and a restart, BIRD 1.6 as reflector client
 * and as reflector, and MD5.
 */
@Tag("bird")
class Bird16InteropTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    /** BIRD 1.6 syntax: no channels; the listening address and port are global. */
    static String config(String self, int port, String protocols) {
        return """
                log stderr all;
                router id %s;
                listen bgp address %s port %d;
                protocol device { }
                %s
                """.formatted(self, self, port, protocols);
    }

    static String peer(String name, String self, long as, String neighbor, int neighborPort, long neighborAs, String extra) {
        return """
                protocol bgp %s {
                  local %s as %d; source address %s;
                  neighbor %s port %d as %d;
                  hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
                  import all; export all; debug { states, events }; %s
                }
                """.formatted(name, self, as, self, neighbor, neighborPort, neighborAs, extra);
    }

    static String statics(String... prefixes) {
        StringBuilder sb = new StringBuilder("protocol static s4 {\n");
        for (String p : prefixes) sb.append("  route ").append(p).append(" blackhole;\n");
        return sb.append("}\n").toString();
    }

    private static BgpSpeaker speaker(String self, long as, int clusterId) {
        InetAddress a = IpAddresses.inet(self);
        return new BgpSpeaker(new SpeakerConfig(a, 0, as, IpAddresses.toInt(a), clusterId, a, null), new RecordingFib());
    }

    private static PeerSettings settings(String peer, int port, String self, long as, long peerAs, boolean rrClient, String md5) {
        InetAddress s = IpAddresses.inet(self);
        return new PeerSettings(SessionConfig.of(IpAddresses.inet(peer), as, peerAs, IpAddresses.toInt(s)).withPorts(port)
                .withLocalAddress(s).withTimers(9, 1).withMd5(md5), rrClient, false, "global");
    }

    private void exchange(String self, String bird, long as, long birdAs) throws Exception {
        RecordingFib fib = new RecordingFib();
        InetAddress selfAddr = IpAddresses.inet(self);
        InetAddress birdAddr = IpAddresses.inet(bird);
        int birdPort = Loopback.freePort(bird);
        try (BgpSpeaker sp = new BgpSpeaker(new SpeakerConfig(selfAddr, 0, as, IpAddresses.toInt(selfAddr), 0, selfAddr, null), fib)) {
            int port = sp.start();
            String extra = as == birdAs ? "next hop self;" : "multihop;";
            try (BirdDaemon b = BirdDaemon.bird16(config(bird, birdPort, statics("10.60.0.0/24", "10.60.1.0/24")
                    + peer("ocelot", bird, birdAs, self, port, as, extra)))) {
                sp.announce(Prefix.parse("10.61.0.0/24"));
                sp.addPeer(settings(bird, birdPort, self, as, birdAs, false, null));
                assertTrue(waitFor(WAIT, () -> sp.state(birdAddr) == SessionState.ESTABLISHED), b::log);
                assertTrue(waitFor(WAIT, () -> fib.routes.size() == 2), () -> fib.routes.toString());
                assertEquals(birdAddr, fib.routes.get(Prefix.parse("10.60.0.0/24")));
                assertTrue(waitFor(WAIT, () -> b.birdc("show", "route", "10.61.0.0/24").contains("10.61.0.0/24")),
                        () -> b.birdc("show", "route", "all"));
                sp.withdraw(Prefix.parse("10.61.0.0/24"));
                assertTrue(waitFor(WAIT, () -> !b.birdc("show", "route", "10.61.0.0/24").contains("10.61.0.0/24")));
                b.reconfigure(config(bird, birdPort, statics("10.60.0.0/24") + peer("ocelot", bird, birdAs, self, port, as, extra)));
                assertTrue(waitFor(WAIT, () -> fib.routes.keySet().equals(java.util.Set.of(Prefix.parse("10.60.0.0/24")))),
                        () -> fib.routes.toString());
                sp.announce(Prefix.parse("10.61.2.0/24"));
                b.restart();
                assertTrue(waitFor(WAIT, () -> sp.status(birdAddr).timesEstablished() >= 2
                        && sp.state(birdAddr) == SessionState.ESTABLISHED), b::log);
                assertTrue(waitFor(WAIT, () -> b.birdc("show", "route", "10.61.2.0/24").contains("10.61.2.0/24")));
                assertTrue(waitFor(WAIT, () -> fib.routes.containsKey(Prefix.parse("10.60.0.0/24"))));
            }
        }
    }

    @Test
    void ibgp() throws Exception {
        exchange("127.8.10.1", "127.8.10.2", 64512, 64512);
    }

    @Test
    void ebgp() throws Exception {
        exchange("127.8.11.1", "127.8.11.2", 64512, 64513);
    }

    @Test
    void birdAsReflectorClientOfOcelot() throws Exception {
        String rr = "127.8.12.1";
        String[] clients = {"127.8.12.2", "127.8.12.3"};
        int cluster = IpAddresses.toInt(IpAddresses.inet("10.255.0.7"));
        try (BgpSpeaker sp = speaker(rr, 64512, cluster)) {
            int port = sp.start();
            int p0 = Loopback.freePort(clients[0]);
            int p1 = Loopback.freePort(clients[1]);
            try (BirdDaemon a = BirdDaemon.bird16(config(clients[0], p0, statics("10.62.0.0/24") + peer("reflector", clients[0], 64512, rr, port, 64512, "next hop self;")));
                 BirdDaemon b = BirdDaemon.bird16(config(clients[1], p1, statics("10.63.0.0/24") + peer("reflector", clients[1], 64512, rr, port, 64512, "next hop self;")))) {
                sp.addPeer(settings(clients[0], p0, rr, 64512, 64512, true, null));
                sp.addPeer(settings(clients[1], p1, rr, 64512, 64512, true, null));
                assertTrue(waitFor(WAIT, () -> b.birdc("show", "route", "10.62.0.0/24", "all").contains("BGP.originator_id: " + clients[0])),
                        () -> b.birdc("show", "route", "all"));
                assertTrue(b.birdc("show", "route", "10.62.0.0/24", "all").contains("BGP.cluster_list: 10.255.0.7"));
                assertTrue(waitFor(WAIT, () -> a.birdc("show", "route", "10.63.0.0/24").contains("10.63.0.0/24")));
            }
        }
    }

    @Test
    void birdAsReflectorForOcelotClients() throws Exception {
        String rr = "127.8.13.1";
        String[] clients = {"127.8.13.2", "127.8.13.3"};
        int rrPort = Loopback.freePort(rr);
        RecordingFib fib1 = new RecordingFib();
        InetAddress c1 = IpAddresses.inet(clients[1]);
        try (BgpSpeaker s0 = speaker(clients[0], 64512, 0);
             BgpSpeaker s1 = new BgpSpeaker(new SpeakerConfig(c1, 0, 64512, IpAddresses.toInt(c1), 0, c1, null), fib1)) {
            int port0 = s0.start();
            int port1 = s1.start();
            String protocols = peer("c0", rr, 64512, clients[0], port0, 64512, "rr client; rr cluster id 10.255.0.8;")
                    + peer("c1", rr, 64512, clients[1], port1, 64512, "rr client; rr cluster id 10.255.0.8;");
            try (BirdDaemon bird = BirdDaemon.bird16(config(rr, rrPort, protocols))) {
                s0.announce(Prefix.parse("10.64.0.0/26"));
                s0.addPeer(settings(rr, rrPort, clients[0], 64512, 64512, false, null));
                s1.addPeer(settings(rr, rrPort, clients[1], 64512, 64512, false, null));
                assertTrue(waitFor(WAIT, () -> IpAddresses.inet(clients[0]).equals(fib1.routes.get(Prefix.parse("10.64.0.0/26")))),
                        () -> bird.birdc("show", "route", "all"));
                s0.withdraw(Prefix.parse("10.64.0.0/26"));
                assertTrue(waitFor(WAIT, () -> fib1.routes.isEmpty()));
            }
        }
    }

    @Test
    void md5RightAndWrongPassword() throws Exception {
        for (boolean right : new boolean[]{true, false}) {
            String self = right ? "127.8.14.1" : "127.8.15.1";
            String bird = right ? "127.8.14.2" : "127.8.15.2";
            int birdPort = Loopback.freePort(bird);
            InetAddress birdAddr = IpAddresses.inet(bird);
            try (BgpSpeaker sp = speaker(self, 64512, 0)) {
                int port = sp.start();
                try (BirdDaemon b = BirdDaemon.bird16(config(bird, birdPort, peer("ocelot", bird, 64512, self, port, 64512,
                        "password \"calico-md5\";")))) {
                    sp.addPeer(settings(bird, birdPort, self, 64512, 64512, false, right ? "calico-md5" : "wrong"));
                    if (right) {
                        assertTrue(waitFor(WAIT, () -> sp.state(birdAddr) == SessionState.ESTABLISHED), b::log);
                    } else {
                        assertTrue(waitFor(WAIT, () -> sp.status(birdAddr).connectAttempts() >= 3));
                        assertEquals(0, sp.status(birdAddr).timesEstablished());
                        assertFalse(b.protocolEstablished("ocelot"));
                    }
                }
            }
        }
    }
}
