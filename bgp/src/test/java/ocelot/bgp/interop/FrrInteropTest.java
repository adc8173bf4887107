package ocelot.bgp.interop;

import ocelot.bgp.rib.Path;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ocelot against a real FRR bgpd (standalone, no zebra) on 127.11.x.x: iBGP and eBGP (FRR in a
 * 4-octet AS) with Ocelot dialling and with Ocelot passive; IPv4 and IPv6 over MP-BGP (RFC 4760)
 * both ways (eBGP Ocelot -> FRR: IPv6 only, see OCELOT_NEXT_HOP); FRR's AS path, communities,
 * large communities, MED, origin and (iBGP) local-pref as Ocelot's RIB holds them; Ocelot's routes
 * as FRR holds them; withdraws both ways; FRR killed and restarted.
 */
@Tag("frr")
class FrrInteropTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final long AS = 64512;
    /** A 4-octet AS (RFC 6793): FRR's AS_PATH reaches us, and ours reaches FRR, through the AS4 capability. */
    static final long FRR_EBGP_AS = 4200000013L;

    /**
     * bgpd.conf for one neighbor. {@code frr defaults datacenter}: no advertisement interval, short
     * timers; ATTRS is what FRR stamps on 10.x.0.0/24; NH6 gives IPv6 routes a global next hop (FRR
     * would otherwise send an IPv4-mapped one over an IPv4 session); THIRD_PARTY_NH4, when a test
     * applies it, a next hop other peers accept (not 127/8, see OCELOT_NEXT_HOP).
     */
    static String config(String self, long as, String neighbor, int neighborPort, long neighborAs, String neighborExtra,
                         String afi4, String afi6) {
        String n = " neighbor " + neighbor + " ";
        return """
                frr defaults datacenter
                hostname frr-%1$s
                log stdout informational
                debug bgp neighbor-events
                !
                route-map ATTRS permit 10
                 set community 65000:1 65000:2
                 set large-community 64512:1:2
                 set metric 50
                 set local-preference 200
                 set origin egp
                 set as-path prepend 65001 65002
                !
                route-map NH6 permit 10
                 set ipv6 next-hop global fd00:11::2
                !
                route-map THIRD_PARTY_NH4 permit 10
                 set ip next-hop 192.0.2.41
                !
                router bgp %2$d
                 bgp router-id %1$s
                 no bgp ebgp-requires-policy
                 no bgp network import-check
                %3$sremote-as %4$d
                %3$sport %5$d
                %3$supdate-source %1$s
                %3$stimers 3 9
                %3$stimers connect 1
                %6$s
                 address-family ipv4 unicast
                %7$s exit-address-family
                 address-family ipv6 unicast
                %3$sactivate
                %3$sroute-map NH6 out
                %8$s exit-address-family
                """.formatted(self, as, n, neighborAs, neighborPort, neighborExtra, afi4, afi6);
    }

    static String networks(String... lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) sb.append("  network ").append(l).append('\n');
        return sb.toString();
    }

    /**
     * FRR 8.4 rejects a NEXT_HOP in 127/8 with a NOTIFICATION (3/8, "Martian nexthop", no knob), so
     * the routes Ocelot originates name a TEST-NET-1 next hop (RFC 5737): an attribute only, FRR runs
     * without zebra and installs nothing, no packet goes there.
     */
    static final String OCELOT_NEXT_HOP = "192.0.2.11";

    static BgpSpeaker speaker(String self, long as, int clusterId, RecordingFib fib) {
        InetAddress a = IpAddresses.inet(self);
        return new BgpSpeaker(new SpeakerConfig(a, 0, as, IpAddresses.toInt(a), clusterId, IpAddresses.inet(OCELOT_NEXT_HOP),
                IpAddresses.inet("fd00:11::1")), fib);
    }

    static PeerSettings peer(String peer, int port, String self, long as, long peerAs) {
        InetAddress s = IpAddresses.inet(self);
        return new PeerSettings(SessionConfig.of(IpAddresses.inet(peer), as, peerAs, IpAddresses.toInt(s))
                .withPorts(port).withLocalAddress(s).withTimers(9, 1), false, false, "global");
    }

    private void exchange(String self, String frr, long frrAs, boolean ocelotPassive) throws Exception {
        boolean ebgp = frrAs != AS;
        RecordingFib fib = new RecordingFib();
        InetAddress selfAddr = IpAddresses.inet(self);
        InetAddress frrAddr = IpAddresses.inet(frr);
        int frrPort = Loopback.freePort(frr);
        Prefix attributed = Prefix.parse("10.21.0.0/24");
        Prefix plain = Prefix.parse("10.21.1.0/24");
        Prefix frrV6 = Prefix.parse("fd00:21::/64");
        try (BgpSpeaker speaker = speaker(self, AS, 0, fib)) {
            int port = speaker.start();
            String extra = (ocelotPassive ? "" : " neighbor " + self + " passive\n") + (ebgp ? " neighbor " + self + " ebgp-multihop 2\n" : "");
            try (FrrDaemon d = FrrDaemon.start(frr, frrPort, config(frr, frrAs, self, port, AS, extra,
                    networks(attributed + " route-map ATTRS", plain.toString()), networks(frrV6.toString())))) {
                // Over eBGP Ocelot's IPv4 NEXT_HOP is its session address, 127/8, which FRR 8.4 refuses (see
                // OCELOT_NEXT_HOP): Ocelot -> FRR is then shown with IPv6 routes (next hop fd00:11::1).
                Prefix ours = Prefix.parse(ebgp ? "fd00:11:9::/64" : "10.11.0.0/24");
                Prefix oursLater = Prefix.parse(ebgp ? "fd00:11:2::/64" : "10.11.2.0/24");
                Prefix oursV6 = Prefix.parse("fd00:11:1::/64");
                String ourNextHop = ebgp ? "fd00:11::1" : OCELOT_NEXT_HOP;
                speaker.announce(ours);
                speaker.announce(oursV6);
                PeerSettings p = peer(frr, frrPort, self, AS, frrAs);
                speaker.addPeer(new PeerSettings(p.session().withPassive(ocelotPassive), false, false, "global"));
                assertTrue(waitFor(WAIT, () -> speaker.state(frrAddr) == SessionState.ESTABLISHED && d.established(self)),
                        () -> "not established; FRR log:\n" + d.log());
                assertTrue(waitFor(WAIT, () -> fib.routes.size() == 3), () -> "routes from FRR: " + fib.routes + "\n" + d.log());
                assertEquals(frrAddr, fib.routes.get(plain));
                assertEquals(IpAddresses.inet("fd00:11::2"), fib.routes.get(frrV6));

                // FRR's attributes as Ocelot's RIB holds them.
                PathAttributes a = speaker.queryRib(r -> r.best(attributed)).attributes();
                assertEquals((ebgp ? frrAs + " " : "") + "65001 65002", a.asPath().toString());
                assertArrayEquals(new int[]{65000 << 16 | 1, 65000 << 16 | 2}, a.communities());
                assertArrayEquals(new int[]{64512, 1, 2}, a.largeCommunities());
                assertEquals(50, a.med());
                assertEquals(PathAttributes.ORIGIN_EGP, a.origin());
                if (!ebgp) assertEquals(200, a.localPref());

                // Ocelot's routes as FRR holds them: selected, our next hop, our AS (eBGP) or local-pref 100 (iBGP).
                assertTrue(waitFor(WAIT, () -> d.route(ours.toString()).contains("best") && d.route(oursV6.toString()).contains("best")),
                        () -> d.vtysh("show bgp ipv4 unicast") + d.vtysh("show bgp ipv6 unicast") + d.log());
                String view = d.route(ours.toString());
                assertTrue(view.contains(ourNextHop + " from " + self), view);
                assertTrue(ebgp ? view.contains("\n  " + AS + "\n") : view.contains("localpref 100") && view.contains("Local"), view);
                assertTrue(d.route(oursV6.toString()).contains("fd00:11::1 from " + self), () -> d.route(oursV6.toString()));

                // Withdraws both ways.
                speaker.withdraw(ours);
                assertTrue(waitFor(WAIT, () -> d.route(ours.toString()).isEmpty()), () -> d.route(ours.toString()));
                d.configure("router bgp " + frrAs, "address-family ipv4 unicast", "no network " + plain);
                assertTrue(waitFor(WAIT, () -> fib.routes.size() == 2 && !fib.routes.containsKey(plain)),
                        () -> "after FRR withdrew " + plain + ": " + fib.routes);

                // Peer restart: bgpd is killed (no NOTIFICATION) and comes back from bgpd.conf.
                speaker.announce(oursLater);
                d.restart();
                assertTrue(waitFor(WAIT, () -> speaker.status(frrAddr).timesEstablished() >= 2
                        && speaker.state(frrAddr) == SessionState.ESTABLISHED && d.established(self)),
                        () -> "no recovery; FRR log:\n" + d.log());
                assertTrue(waitFor(WAIT, () -> d.route(oursLater.toString()).contains("best") && d.route(ours.toString()).isEmpty()),
                        () -> d.vtysh("show bgp ipv4 unicast") + d.vtysh("show bgp ipv6 unicast"));
                assertTrue(waitFor(WAIT, () -> fib.routes.size() == 3 && fib.routes.containsKey(plain)), () -> "after FRR's restart: " + fib.routes);
                Path again = speaker.queryRib(r -> r.best(attributed));
                assertNotNull(again);
                assertEquals(a, again.attributes());
            }
        }
    }

    @Test
    void ibgpOcelotDialling() throws Exception {
        exchange("127.11.1.1", "127.11.1.2", AS, false);
    }

    @Test
    void ibgpOcelotPassive() throws Exception {
        exchange("127.11.2.1", "127.11.2.2", AS, true);
    }

    @Test
    void ebgpOcelotDialling() throws Exception {
        exchange("127.11.3.1", "127.11.3.2", FRR_EBGP_AS, false);
    }

    @Test
    void ebgpOcelotPassive() throws Exception {
        exchange("127.11.4.1", "127.11.4.2", FRR_EBGP_AS, true);
    }
}
