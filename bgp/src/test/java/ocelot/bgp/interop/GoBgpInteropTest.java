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
import java.time.Duration;

import static ocelot.bgp.interop.BirdDaemon.waitFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ocelot against a real GoBGP on 127.12.x.x: iBGP and eBGP with Ocelot dialling and with Ocelot
 * passive; IPv4 and IPv6 (MP-BGP) both ways (eBGP Ocelot -> GoBGP: IPv6 only, see OCELOT_NEXT_HOP);
 * GoBGP's AS path, communities, large communities, MED,
 * origin and (iBGP) local-pref as Ocelot's RIB holds them; Ocelot's routes as GoBGP holds them;
 * withdraws both ways; gobgpd killed and restarted (Ocelot dialling).
 */
@Tag("gobgp")
class GoBgpInteropTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final long AS = 64512;
    static final long GOBGP_EBGP_AS = 64514;
    static final String ATTRIBUTES = "origin egp aspath 65001,65002 med 50 local-pref 200 community 65000:1,65000:2 large-community 64512:1:2";

    /** gobgpd.toml: the global section; {@code neighbors} are {@link #neighbor} blocks. */
    static String config(String self, long as, int port, String neighbors) {
        return """
                [global.config]
                  as = %d
                  router-id = "%s"
                  port = %d
                  local-address-list = ["%s"]
                %s""".formatted(as, self, port, self, neighbors);
    }

    /**
     * One neighbor, IPv4 and IPv6 unicast, short timers. {@code configExtra} goes under
     * [neighbors.config] (auth-password), {@code extra} at the end of [[neighbors]] (route-reflector).
     * GoBGP ignores keys it does not know: passive-mode, auth-password and the reflector keys are
     * each proven by a test's outcome, the timers by the negotiated values {@code gobgp neighbor} shows.
     */
    static String neighbor(String self, String peer, int peerPort, long peerAs, boolean passive, String configExtra, String extra) {
        return """
                [[neighbors]]
                  [neighbors.config]
                    neighbor-address = "%s"
                    peer-as = %d
                    %s
                  [neighbors.transport.config]
                    local-address = "%s"
                    remote-port = %d
                    passive-mode = %b
                  [neighbors.timers.config]
                    connect-retry = 1
                    hold-time = 9
                    keepalive-interval = 3
                  [[neighbors.afi-safis]]
                    [neighbors.afi-safis.config]
                      afi-safi-name = "ipv4-unicast"
                  [[neighbors.afi-safis]]
                    [neighbors.afi-safis.config]
                      afi-safi-name = "ipv6-unicast"
                %s
                """.formatted(peer, peerAs, configExtra, self, peerPort, passive, extra);
    }

    /**
     * GoBGP treats an UPDATE whose NEXT_HOP is in 127/8 as withdraw ("invalid nexthop address"), so
     * the routes Ocelot originates name a TEST-NET-1 next hop (RFC 5737): an attribute only, gobgpd
     * installs nothing in the kernel, no packet goes there.
     */
    static final String OCELOT_NEXT_HOP = "192.0.2.12";

    static BgpSpeaker speaker(String self, long as, int clusterId, RecordingFib fib) {
        InetAddress a = IpAddresses.inet(self);
        return new BgpSpeaker(new SpeakerConfig(a, 0, as, IpAddresses.toInt(a), clusterId, IpAddresses.inet(OCELOT_NEXT_HOP),
                IpAddresses.inet("fd00:12::1")), fib);
    }

    static PeerSettings peer(String peer, int port, String self, long as, long peerAs, boolean passive) {
        InetAddress s = IpAddresses.inet(self);
        return new PeerSettings(SessionConfig.of(IpAddresses.inet(peer), as, peerAs, IpAddresses.toInt(s))
                .withPorts(port).withLocalAddress(s).withTimers(9, 1).withPassive(passive), false, false, "global");
    }

    private void exchange(String self, String gobgp, long gobgpAs, boolean ocelotPassive) throws Exception {
        boolean ebgp = gobgpAs != AS;
        RecordingFib fib = new RecordingFib();
        InetAddress gobgpAddr = IpAddresses.inet(gobgp);
        int gobgpPort = Loopback.freePort(gobgp);
        Prefix attributed = Prefix.parse("10.22.0.0/24");
        Prefix plain = Prefix.parse("10.22.1.0/24");
        Prefix theirsV6 = Prefix.parse("fd00:22::/64");
        // Over eBGP Ocelot's IPv4 NEXT_HOP is its session address, 127/8, which GoBGP refuses (see
        // OCELOT_NEXT_HOP): Ocelot -> GoBGP is then shown with IPv6 routes (next hop fd00:12::1).
        String ours = ebgp ? "fd00:12:9::/64" : "10.12.0.0/24"; // as the CLI prints them
        String oursLater = ebgp ? "fd00:12:2::/64" : "10.12.2.0/24";
        String oursV6 = "fd00:12:1::/64";
        String ourNextHop = ebgp ? "fd00:12::1" : OCELOT_NEXT_HOP;
        try (BgpSpeaker speaker = speaker(self, AS, 0, fib)) {
            int port = speaker.start();
            try (GoBgpDaemon d = GoBgpDaemon.start(gobgp, config(gobgp, gobgpAs, gobgpPort,
                    neighbor(gobgp, self, port, AS, !ocelotPassive, "", "")))) {
                d.addRoute(attributed.toString(), ("nexthop " + gobgp + " " + ATTRIBUTES).split(" "));
                d.addRoute(plain.toString(), "nexthop", gobgp);
                d.addRoute(theirsV6.toString(), "nexthop", "fd00:22::2");
                speaker.announce(Prefix.parse(ours));
                speaker.announce(Prefix.parse(oursV6));
                speaker.addPeer(peer(gobgp, gobgpPort, self, AS, gobgpAs, ocelotPassive));
                assertTrue(waitFor(WAIT, () -> speaker.state(gobgpAddr) == SessionState.ESTABLISHED && d.established(self)),
                        () -> "not established; GoBGP log:\n" + d.log());
                String session = d.neighbor(self);
                assertTrue(session.contains("Hold time is 9, keepalive interval is 3 seconds"), session);
                assertTrue(waitFor(WAIT, () -> fib.routes.size() == 3), () -> "routes from GoBGP: " + fib.routes + "\n" + d.log());
                assertEquals(gobgpAddr, fib.routes.get(plain));
                assertTrue(fib.routes.containsKey(theirsV6), () -> "IPv6 next hop " + fib.routes.get(theirsV6));

                // GoBGP's attributes as Ocelot's RIB holds them.
                PathAttributes a = speaker.queryRib(r -> r.best(attributed)).attributes();
                assertEquals((ebgp ? gobgpAs + " " : "") + "65001 65002", a.asPath().toString());
                assertArrayEquals(new int[]{65000 << 16 | 1, 65000 << 16 | 2}, a.communities());
                assertArrayEquals(new int[]{64512, 1, 2}, a.largeCommunities());
                assertEquals(50, a.med());
                assertEquals(PathAttributes.ORIGIN_EGP, a.origin());
                if (!ebgp) assertEquals(200, a.localPref());

                // Ocelot's routes as GoBGP holds them: our next hop, our AS (eBGP) or local-pref 100 (iBGP).
                assertTrue(waitFor(WAIT, () -> !d.route(ours).isEmpty() && !d.route(oursV6).isEmpty()),
                        () -> d.gobgp("global", "rib", "-a", "ipv4") + d.gobgp("global", "rib", "-a", "ipv6") + d.log());
                String view = d.route(ours);
                assertTrue(view.contains(ours + " ") && view.contains(" " + ourNextHop + " "), view);
                assertTrue(ebgp ? view.contains("  " + AS + "  ") : view.contains("{LocalPref: 100}"), view);
                assertTrue(d.route(oursV6).contains("fd00:12::1"), () -> d.route(oursV6));

                // Withdraws both ways.
                speaker.withdraw(Prefix.parse(ours));
                assertTrue(waitFor(WAIT, () -> d.route(ours).isEmpty()), () -> d.route(ours));
                d.deleteRoute(plain.toString());
                assertTrue(waitFor(WAIT, () -> fib.routes.size() == 2 && !fib.routes.containsKey(plain)),
                        () -> "after GoBGP withdrew " + plain + ": " + fib.routes);

                // Peer restart: gobgpd is killed (no NOTIFICATION) and comes back with no routes of its own.
                // Only where Ocelot dials: gobgpd's first dial waits 5-10 s (its minimum connect retry),
                // which the passive variants pay once already.
                if (ocelotPassive) return;
                speaker.announce(Prefix.parse(oursLater));
                d.restart();
                assertTrue(waitFor(WAIT, () -> speaker.status(gobgpAddr).timesEstablished() >= 2
                        && speaker.state(gobgpAddr) == SessionState.ESTABLISHED && d.established(self)),
                        () -> "no recovery; GoBGP log:\n" + d.log());
                assertTrue(waitFor(WAIT, () -> !d.route(oursLater).isEmpty() && d.route(ours).isEmpty()),
                        () -> d.gobgp("global", "rib", "-a", "ipv4") + d.gobgp("global", "rib", "-a", "ipv6"));
                assertTrue(waitFor(WAIT, fib.routes::isEmpty), () -> "the dead gobgpd's routes stayed: " + fib.routes);
                d.addRoute(attributed.toString(), ("nexthop " + gobgp + " " + ATTRIBUTES).split(" "));
                assertTrue(waitFor(WAIT, () -> fib.routes.containsKey(attributed)), () -> "after GoBGP's restart: " + fib.routes);
                assertEquals(a, speaker.queryRib(r -> r.best(attributed)).attributes());
            }
        }
    }

    @Test
    void ibgpOcelotDialling() throws Exception {
        exchange("127.12.1.1", "127.12.1.2", AS, false);
    }

    @Test
    void ibgpOcelotPassive() throws Exception {
        exchange("127.12.2.1", "127.12.2.2", AS, true);
    }

    @Test
    void ebgpOcelotDialling() throws Exception {
        exchange("127.12.3.1", "127.12.3.2", GOBGP_EBGP_AS, false);
    }

    @Test
    void ebgpOcelotPassive() throws Exception {
        exchange("127.12.4.1", "127.12.4.2", GOBGP_EBGP_AS, true);
    }
}
