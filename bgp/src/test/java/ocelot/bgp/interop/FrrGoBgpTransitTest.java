package ocelot.bgp.interop;

import ocelot.bgp.session.SessionState;
import ocelot.bgp.speaker.BgpSpeaker;
import ocelot.bgp.speaker.SpeakerConfig;
import ocelot.bgp.wire.IpAddresses;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static ocelot.bgp.interop.BirdDaemon.waitFor;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attributes survive the trip through Ocelot, judged by the receiving daemon: FRR (eBGP, AS 64513)
 * -> Ocelot (AS 64512) -> GoBGP (iBGP) for an IPv4 route, GoBGP -> Ocelot -> FRR for an IPv6 one:
 * AS path (with our AS prepended towards eBGP), communities, large communities, origin; MED and
 * LOCAL_PREF as RFC 4271 §5.1.4/§5.1.5 want them on each side. A withdraw travels the same way.
 */
@Tag("frr")
@Tag("gobgp")
class FrrGoBgpTransitTest {
    static final String SELF = "127.13.1.1";
    static final String FRR = "127.13.1.2";
    static final String GOBGP = "127.13.1.3";
    static final long AS = 64512;
    static final long FRR_AS = 64513;

    @Test
    void attributesSurviveBothWaysThroughOcelot() throws Exception {
        RecordingFib fib = new RecordingFib();
        InetAddress frr = IpAddresses.inet(FRR);
        InetAddress gobgp = IpAddresses.inet(GOBGP);
        int frrPort = Loopback.freePort(FRR);
        int gobgpPort = Loopback.freePort(GOBGP);
        try (BgpSpeaker speaker = new BgpSpeaker(new SpeakerConfig(IpAddresses.inet(SELF), 0, AS,
                IpAddresses.toInt(IpAddresses.inet(SELF)), 0, IpAddresses.inet("192.0.2.13"), IpAddresses.inet("fd00:13::1")), fib)) {
            int port = speaker.start();
            // FRR sends its IPv4 route with a third-party next hop: Ocelot passes it unchanged to its iBGP
            // peer GoBGP, which refuses 127/8 next hops (GoBgpInteropTest.OCELOT_NEXT_HOP).
            String frrConfig = FrrInteropTest.config(FRR, FRR_AS, SELF, port, AS, " neighbor " + SELF + " ebgp-multihop 2\n",
                    FrrInteropTest.networks("10.62.0.0/24 route-map ATTRS") + "  neighbor " + SELF + " route-map THIRD_PARTY_NH4 out\n", "");
            try (FrrDaemon f = FrrDaemon.start(FRR, frrPort, frrConfig);
                 GoBgpDaemon g = GoBgpDaemon.start(GOBGP, GoBgpInteropTest.config(GOBGP, AS, gobgpPort,
                         GoBgpInteropTest.neighbor(GOBGP, SELF, port, AS, true, "", "")))) {
                g.addRoute("fd00:61::/64", ("nexthop fd00:61::3 " + GoBgpInteropTest.ATTRIBUTES).split(" "));
                speaker.addPeer(FrrInteropTest.peer(FRR, frrPort, SELF, AS, FRR_AS));
                speaker.addPeer(GoBgpInteropTest.peer(GOBGP, gobgpPort, SELF, AS, AS, false));
                assertTrue(waitFor(FrrInteropTest.WAIT, () -> speaker.state(frr) == SessionState.ESTABLISHED
                        && speaker.state(gobgp) == SessionState.ESTABLISHED), () -> f.log() + g.log());

                // FRR -> Ocelot -> GoBGP (iBGP): next hop unchanged, FRR's AS first, MED kept, LOCAL_PREF ours.
                assertTrue(waitFor(FrrInteropTest.WAIT, () -> !g.route("10.62.0.0/24").isEmpty()),
                        () -> "not at GoBGP; Ocelot has " + fib.routes + "\n" + g.gobgp("global", "rib", "-a", "ipv4"));
                String atGoBgp = g.route("10.62.0.0/24");
                for (String expected : List.of(" 192.0.2.41 ", " " + FRR_AS + " 65001 65002 ", "{Origin: e}", "{Med: 50}", "{LocalPref: 100}",
                        "{Communities: 65000:1, 65000:2}", "{LargeCommunity: [ 64512:1:2]}")) {
                    assertTrue(atGoBgp.contains(expected), () -> "GoBGP's view lacks " + expected + ":\n" + atGoBgp);
                }

                // GoBGP -> Ocelot -> FRR (eBGP): our IPv6 next hop, our AS prepended, no MED, no LOCAL_PREF.
                assertTrue(waitFor(FrrInteropTest.WAIT, () -> f.route("fd00:61::/64").contains("best")),
                        () -> "not at FRR; Ocelot has " + fib.routes + "\n" + f.vtysh("show bgp ipv6 unicast"));
                String atFrr = f.route("fd00:61::/64");
                for (String expected : List.of("\n  " + AS + " 65001 65002\n", "fd00:13::1 from " + SELF, "Origin EGP", "external",
                        "Community: 65000:1 65000:2", "Large Community: 64512:1:2")) {
                    assertTrue(atFrr.contains(expected), () -> "FRR's view lacks " + expected.strip() + ":\n" + atFrr);
                }
                assertTrue(!atFrr.contains("metric") && !atFrr.contains("localpref 200"), atFrr);

                // Withdraws travel the same way.
                g.deleteRoute("fd00:61::/64");
                f.configure("router bgp " + FRR_AS, "address-family ipv4 unicast", "no network 10.62.0.0/24");
                assertTrue(waitFor(FrrInteropTest.WAIT, () -> f.route("fd00:61::/64").isEmpty() && g.route("10.62.0.0/24").isEmpty()),
                        () -> f.route("fd00:61::/64") + g.route("10.62.0.0/24"));
                assertTrue(fib.routes.isEmpty(), () -> "Ocelot's FIB: " + fib.routes);
            }
        }
    }
}
