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
import java.util.List;

import static ocelot.bgp.interop.BirdDaemon.waitFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Route reflection (RFC 4456) with real FRR and GoBGP: Ocelot reflecting between an FRR client and
 * a GoBGP client (each judges ORIGINATOR_ID, CLUSTER_LIST and the untouched attributes), and FRR
 * ({@code route-reflector-client}) reflecting between two Ocelot clients.
 */
@Tag("frr")
class FrrGoBgpReflectionTest {
    static final long AS = 64512;
    static final String CLUSTER_ID = "10.255.0.13";

    @Test
    @Tag("gobgp")
    void ocelotReflectsBetweenFrrAndGoBgpClients() throws Exception {
        String rr = "127.13.2.1";
        String frr = "127.13.2.2";
        String gobgp = "127.13.2.3";
        InetAddress rrAddr = IpAddresses.inet(rr);
        int frrPort = Loopback.freePort(frr);
        int gobgpPort = Loopback.freePort(gobgp);
        RecordingFib fib = new RecordingFib();
        try (BgpSpeaker speaker = new BgpSpeaker(new SpeakerConfig(rrAddr, 0, AS, IpAddresses.toInt(rrAddr),
                IpAddresses.toInt(IpAddresses.inet(CLUSTER_ID)), IpAddresses.inet("192.0.2.13"), null), fib)) {
            int port = speaker.start();
            // Both clients name TEST-NET-1 next hops: neither accepts a reflected 127/8 one (FrrInteropTest.OCELOT_NEXT_HOP).
            String frrConfig = FrrInteropTest.config(frr, AS, rr, port, AS, "",
                    FrrInteropTest.networks("10.63.0.0/24 route-map ATTRS") + "  neighbor " + rr + " route-map THIRD_PARTY_NH4 out\n", "");
            try (FrrDaemon f = FrrDaemon.start(frr, frrPort, frrConfig);
                 GoBgpDaemon g = GoBgpDaemon.start(gobgp, GoBgpInteropTest.config(gobgp, AS, gobgpPort,
                         GoBgpInteropTest.neighbor(gobgp, rr, port, AS, false, "", "")))) {
                g.addRoute("10.64.0.0/24", ("nexthop 192.0.2.43 " + GoBgpInteropTest.ATTRIBUTES).split(" "));
                for (String[] c : new String[][]{{frr, Integer.toString(frrPort)}, {gobgp, Integer.toString(gobgpPort)}}) {
                    speaker.addPeer(new PeerSettings(SessionConfig.of(IpAddresses.inet(c[0]), AS, AS, IpAddresses.toInt(rrAddr))
                            .withPorts(Integer.parseInt(c[1])).withLocalAddress(rrAddr).withTimers(9, 1), true, false, "node specific"));
                }
                assertTrue(waitFor(FrrInteropTest.WAIT, () -> fib.routes.size() == 2), () -> "RR learned: " + fib.routes + f.log() + g.log());

                // FRR's route as GoBGP gets it from Ocelot.
                assertTrue(waitFor(FrrInteropTest.WAIT, () -> !g.route("10.63.0.0/24").isEmpty()), () -> g.gobgp("global", "rib", "-a", "ipv4"));
                String atGoBgp = g.route("10.63.0.0/24");
                for (String expected : List.of(" 192.0.2.41 ", " 65001 65002 ", "{Origin: e}", "{Med: 50}", "{LocalPref: 200}",
                        "{Communities: 65000:1, 65000:2}", "{LargeCommunity: [ 64512:1:2]}", "{Originator: " + frr + "}",
                        "{ClusterList: [" + CLUSTER_ID + "]}")) {
                    assertTrue(atGoBgp.contains(expected), () -> "GoBGP's view lacks " + expected + ":\n" + atGoBgp);
                }

                // GoBGP's route as FRR gets it from Ocelot.
                assertTrue(waitFor(FrrInteropTest.WAIT, () -> f.route("10.64.0.0/24").contains("best")), () -> f.vtysh("show bgp ipv4 unicast"));
                String atFrr = f.route("10.64.0.0/24");
                for (String expected : List.of("\n  65001 65002\n", "192.0.2.43 from " + rr, "Origin EGP, metric 50, localpref 200",
                        "Community: 65000:1 65000:2", "Large Community: 64512:1:2", "Originator: " + gobgp + ", Cluster list: " + CLUSTER_ID)) {
                    assertTrue(atFrr.contains(expected), () -> "FRR's view lacks " + expected.strip() + ":\n" + atFrr);
                }

                g.deleteRoute("10.64.0.0/24");
                assertTrue(waitFor(FrrInteropTest.WAIT, () -> f.route("10.64.0.0/24").isEmpty()), () -> f.route("10.64.0.0/24"));
                assertEquals(1, fib.routes.size());
            }
        }
    }

    @Test
    void frrReflectsBetweenOcelotClients() throws Exception {
        String rr = "127.13.3.1";
        String[] clients = {"127.13.3.2", "127.13.3.3"};
        String[] nextHops = {"192.0.2.31", "192.0.2.32"};
        Prefix[] routes = {Prefix.parse("10.65.0.0/26"), Prefix.parse("10.66.0.0/26")};
        int rrPort = Loopback.freePort(rr);
        BgpSpeaker[] speakers = new BgpSpeaker[2];
        RecordingFib[] fibs = {new RecordingFib(), new RecordingFib()};
        StringBuilder neighbors = new StringBuilder();
        StringBuilder clientLines = new StringBuilder();
        try {
            for (int i = 0; i < 2; i++) {
                InetAddress self = IpAddresses.inet(clients[i]);
                speakers[i] = new BgpSpeaker(new SpeakerConfig(self, 0, AS, IpAddresses.toInt(self), 0, IpAddresses.inet(nextHops[i]), null), fibs[i]);
                int port = speakers[i].start();
                String n = " neighbor " + clients[i] + " ";
                neighbors.append(n).append("remote-as ").append(AS).append('\n').append(n).append("port ").append(port).append('\n')
                        .append(n).append("update-source ").append(rr).append('\n').append(n).append("timers 3 9\n").append(n).append("timers connect 1\n");
                clientLines.append(" ").append(n).append("route-reflector-client\n");
            }
            String config = """
                    frr defaults datacenter
                    hostname frr-rr
                    log stdout informational
                    debug bgp neighbor-events
                    router bgp %d
                     bgp router-id %s
                     bgp cluster-id %s
                    %s address-family ipv4 unicast
                    %s exit-address-family
                    """.formatted(AS, rr, CLUSTER_ID, neighbors, clientLines);
            try (FrrDaemon f = FrrDaemon.start(rr, rrPort, config)) {
                for (int i = 0; i < 2; i++) {
                    InetAddress self = IpAddresses.inet(clients[i]);
                    speakers[i].announce(routes[i]);
                    speakers[i].addPeer(new PeerSettings(SessionConfig.of(IpAddresses.inet(rr), AS, AS, IpAddresses.toInt(self))
                            .withPorts(rrPort).withLocalAddress(self).withTimers(9, 1), false, false, "global"));
                }
                assertTrue(waitFor(FrrInteropTest.WAIT, () -> fibs[1].routes.containsKey(routes[0]) && fibs[0].routes.containsKey(routes[1])),
                        () -> f.vtysh("show bgp ipv4 unicast") + f.log());
                assertEquals(IpAddresses.inet(nextHops[0]), fibs[1].routes.get(routes[0]));
                assertEquals(IpAddresses.inet(nextHops[1]), fibs[0].routes.get(routes[1]));
                PathAttributes reflected = speakers[1].queryRib(r -> r.best(routes[0])).attributes();
                assertEquals(Integer.toUnsignedLong(IpAddresses.toInt(IpAddresses.inet(clients[0]))), reflected.originatorId());
                assertArrayEquals(new int[]{IpAddresses.toInt(IpAddresses.inet(CLUSTER_ID))}, reflected.clusterList());

                speakers[0].withdraw(routes[0]);
                assertTrue(waitFor(FrrInteropTest.WAIT, () -> !fibs[1].routes.containsKey(routes[0])), () -> "still reflected: " + fibs[1].routes);
                assertEquals(SessionState.ESTABLISHED, speakers[1].state(IpAddresses.inet(rr)));
            }
        } finally {
            for (BgpSpeaker s : speakers) if (s != null) s.close();
        }
    }
}
