package ocelot.bgp.interop;

import ocelot.bgp.session.SessionConfig;
import ocelot.bgp.session.SessionState;
import ocelot.bgp.speaker.BgpSpeaker;
import ocelot.bgp.speaker.PeerSettings;
import ocelot.bgp.speaker.SpeakerConfig;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.PathAttributes;
import ocelot.bgp.wire.Prefix;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static ocelot.bgp.interop.BirdDaemon.waitFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GoBGP as route reflector (RFC 4456) for two Ocelot clients, as a Calico global bgpPeer
 * reflector: each client's route reaches the other with the originator's next hop,
 * ORIGINATOR_ID and GoBGP's cluster id in CLUSTER_LIST; GoBGP's own route reaches both; a
 * withdraw is reflected.
 */
@Tag("gobgp")
class GoBgpReflectionTest {
    static final long AS = GoBgpInteropTest.AS;
    static final String CLUSTER_ID = "10.255.0.12";

    @Test
    void gobgpReflectsBetweenOcelotClients() throws Exception {
        String rr = "127.12.7.1";
        String[] clients = {"127.12.7.2", "127.12.7.3"};
        String[] nextHops = {"192.0.2.21", "192.0.2.22"}; // TEST-NET-1: GoBGP refuses 127/8 next hops (GoBgpInteropTest)
        Prefix[] routes = {Prefix.parse("10.42.0.0/26"), Prefix.parse("10.43.0.0/26")};
        Prefix rrRoute = Prefix.parse("10.44.0.0/24");
        int rrPort = Loopback.freePort(rr);
        BgpSpeaker[] speakers = new BgpSpeaker[2];
        RecordingFib[] fibs = {new RecordingFib(), new RecordingFib()};
        StringBuilder neighbors = new StringBuilder();
        try {
            for (int i = 0; i < 2; i++) {
                InetAddress self = IpAddresses.inet(clients[i]);
                speakers[i] = new BgpSpeaker(new SpeakerConfig(self, 0, AS, IpAddresses.toInt(self), 0, IpAddresses.inet(nextHops[i]), null), fibs[i]);
                int port = speakers[i].start();
                neighbors.append(GoBgpInteropTest.neighbor(rr, clients[i], port, AS, false, "", """
                          [neighbors.route-reflector.config]
                            route-reflector-client = true
                            route-reflector-cluster-id = "%s"
                        """.formatted(CLUSTER_ID)));
            }
            try (GoBgpDaemon d = GoBgpDaemon.start(rr, GoBgpInteropTest.config(rr, AS, rrPort, neighbors.toString()))) {
                d.addRoute(rrRoute.toString(), "nexthop", "192.0.2.20", "community", "65000:12");
                for (int i = 0; i < 2; i++) {
                    InetAddress self = IpAddresses.inet(clients[i]);
                    speakers[i].announce(routes[i]);
                    speakers[i].addPeer(new PeerSettings(SessionConfig.of(IpAddresses.inet(rr), AS, AS, IpAddresses.toInt(self))
                            .withPorts(rrPort).withLocalAddress(self).withTimers(9, 1), false, false, "global"));
                }
                assertTrue(waitFor(GoBgpInteropTest.WAIT, () -> fibs[1].routes.containsKey(routes[0]) && fibs[0].routes.containsKey(routes[1])),
                        () -> d.gobgp("global", "rib", "-a", "ipv4") + d.log());
                assertEquals(IpAddresses.inet(nextHops[0]), fibs[1].routes.get(routes[0]));
                assertEquals(IpAddresses.inet(nextHops[1]), fibs[0].routes.get(routes[1]));
                PathAttributes reflected = speakers[1].queryRib(r -> r.best(routes[0])).attributes();
                assertEquals(Integer.toUnsignedLong(IpAddresses.toInt(IpAddresses.inet(clients[0]))), reflected.originatorId());
                assertArrayEquals(new int[]{IpAddresses.toInt(IpAddresses.inet(CLUSTER_ID))}, reflected.clusterList());
                assertEquals(100, reflected.localPref());

                // GoBGP's own route reaches both clients; a client holds only its own path for its route.
                for (int i = 0; i < 2; i++) {
                    int c = i;
                    assertTrue(waitFor(GoBgpInteropTest.WAIT, () -> fibs[c].routes.containsKey(rrRoute)), () -> "client " + c + ": " + fibs[c].routes);
                    assertArrayEquals(new int[]{65000 << 16 | 12}, speakers[i].queryRib(r -> r.best(rrRoute)).attributes().communities());
                    assertEquals(1, speakers[i].queryRib(r -> r.paths(routes[c])).size());
                }

                speakers[0].withdraw(routes[0]);
                assertTrue(waitFor(GoBgpInteropTest.WAIT, () -> !fibs[1].routes.containsKey(routes[0])), () -> "still reflected: " + fibs[1].routes);
                assertEquals(SessionState.ESTABLISHED, speakers[1].state(IpAddresses.inet(rr)));
                assertEquals(1, speakers[1].status(IpAddresses.inet(rr)).timesEstablished());
            }
        } finally {
            for (BgpSpeaker s : speakers) if (s != null) s.close();
        }
    }
}
