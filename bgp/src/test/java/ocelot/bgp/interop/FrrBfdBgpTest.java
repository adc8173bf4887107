package ocelot.bgp.interop;

import ocelot.bgp.bfd.BfdConfig;
import ocelot.bgp.bfd.BfdState;
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

import static ocelot.bgp.interop.DaemonProcess.waitFor;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BFD tied to a BGP session: Ocelot (127.14.1.1, AS 64512) peers over eBGP with FRR's bgpd on
 * 127.14.1.2 (AS 65011, exporting 10.14.1.0/24) with BFD on (100 ms x 3) against FRR's bfdd on
 * the same address (standalone bgpd has no zebra to reach bfdd, so the two run side by side; FRR's
 * BGP itself does not use BFD here). Freezing bfdd (SIGSTOP; bgpd keeps its keepalives going, so
 * only BFD can tell) makes Ocelot reset the BGP session (Cease/BFD Down, RFC 9384) and withdraw
 * FRR's route long before the 9 s hold time; bfdd resumed, the session comes back with the route.
 */
@Tag("frr")
class FrrBfdBgpTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void bfdDownResetsTheSessionAndWithdrawsItsRoutes() throws Exception {
        String self = "127.14.1.1", frr = "127.14.1.2";
        InetAddress selfAddr = IpAddresses.inet(self), frrAddr = IpAddresses.inet(frr);
        int frrPort = Loopback.freePort(frr);
        Prefix route = Prefix.parse("10.14.1.0/24");
        RecordingFib fib = new RecordingFib();
        try (FrrBfdDaemon bfdd = FrrBfdDaemon.start("""
                bfd
                 peer %s local-address %s
                  receive-interval 100
                  transmit-interval 100
                  detect-multiplier 3
                 !
                !
                """.formatted(self, frr));
             BgpSpeaker speaker = new BgpSpeaker(new SpeakerConfig(selfAddr, 0, 64512, IpAddresses.toInt(selfAddr), 0, selfAddr, null), fib)) {
            int port = speaker.start();
            try (FrrDaemon bgpd = FrrDaemon.start(frr, frrPort, """
                    frr defaults traditional
                    router bgp 65011
                     bgp router-id %1$s
                     no bgp ebgp-requires-policy
                     no bgp network import-check
                     neighbor %2$s remote-as 64512
                     neighbor %2$s port %3$d
                     neighbor %2$s update-source %1$s
                     neighbor %2$s timers 3 9
                     neighbor %2$s timers connect 1
                     address-family ipv4 unicast
                      network 10.14.1.0/24
                     exit-address-family
                    """.formatted(frr, self, port))) {
                speaker.addPeer(new PeerSettings(SessionConfig.of(frrAddr, 64512, 65011, IpAddresses.toInt(selfAddr))
                        .withPorts(frrPort).withLocalAddress(selfAddr).withTimers(9, 1), false, false, "global")
                        .withBfd(BfdConfig.defaults()));
                assertTrue(waitFor(WAIT, () -> speaker.bfdStates().get(frrAddr) == BfdState.UP),
                        () -> "BFD not Up: " + speaker.bfdStates() + "\n" + bfdd.vtysh("show bfd peers"));
                assertTrue(waitFor(WAIT, () -> fib.routes.containsKey(route)), () -> "no route from FRR: " + fib.routes + "\n" + bgpd.log());
                long established = speaker.status(frrAddr).timesEstablished();

                bfdd.pause();
                long cutAt = System.nanoTime();
                try {
                    assertTrue(waitFor(WAIT, () -> !fib.routes.containsKey(route)), "route kept after BFD down");
                    long withdrawnMillis = (System.nanoTime() - cutAt) / 1_000_000;
                    assertTrue(speaker.status(frrAddr).info().contains("BFD down") || speaker.state(frrAddr) != SessionState.ESTABLISHED
                            || speaker.status(frrAddr).timesEstablished() > established, () -> speaker.status(frrAddr).toString());
                    // a 9 s hold time could not have done it this soon: BFD did (bound not asserted, the machine is shared)
                    System.out.printf("BFD down -> BGP session reset -> route withdrawn %d ms after bfdd froze (hold time 9 s)%n", withdrawnMillis);
                } finally {
                    bfdd.resume();
                }
                assertTrue(waitFor(WAIT, () -> speaker.bfdStates().get(frrAddr) == BfdState.UP), () -> bfdd.vtysh("show bfd peers"));
                assertTrue(waitFor(WAIT, () -> fib.routes.containsKey(route)), () -> "route not back: " + fib.routes);
            }
        }
    }
}
