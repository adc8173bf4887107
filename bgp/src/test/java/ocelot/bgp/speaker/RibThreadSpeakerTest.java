package ocelot.bgp.speaker;

import ocelot.bgp.interop.RecordingFib;
import ocelot.bgp.session.SessionConfig;
import ocelot.bgp.session.SessionState;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.Prefix;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static ocelot.bgp.interop.BirdDaemon.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Differential test of the RIB thread against the single-threaded speaker: the same randomized
 * script of announcements, quick withdraw-after-announce flips and bulk table replacements from
 * two feeders goes through a device speaker with its RIB on its own thread and through one with
 * the RIB on the event loop (eBGP, real TCP sessions on 127.8.30.x / 127.8.31.x). Both devices
 * and both downstream receivers must end with exactly the feeders' final routes; a reordered
 * hand-off (a withdraw applied before the announcement it follows) leaves a route behind or
 * loses one.
 */
class RibThreadSpeakerTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void threadedAndInlineRibEndInTheSameState() {
        long seed = new Random().nextLong();
        World inline = run("127.8.31.", false, seed);
        World threaded = run("127.8.30.", true, seed);
        assertEquals(inline.deviceFib, threaded.deviceFib, "device FIB, seed " + seed);
        assertEquals(inline.receiverFib, threaded.receiverFib, "receiver FIB, seed " + seed);
        assertEquals(inline.expected, threaded.expected);
    }

    /** What one run ended with: FIBs with next hops reduced to their last octet (the two runs use different /24s). */
    record World(Map<Prefix, Integer> deviceFib, Map<Prefix, Integer> receiverFib, Set<Prefix> expected) {
    }

    static World run(String net, boolean ribThread, long seed) {
        InetAddress dutIp = IpAddresses.inet(net + "1");
        InetAddress feederIp = IpAddresses.inet(net + "2");
        InetAddress receiverIp = IpAddresses.inet(net + "3");
        InetAddress feeder2Ip = IpAddresses.inet(net + "4");
        RecordingFib dutFib = new RecordingFib();
        RecordingFib receiverFib = new RecordingFib();
        List<BgpSpeaker> all = new ArrayList<>();
        try {
            BgpSpeaker dut = speaker(dutIp, 65000, dutFib, ribThread, all);
            BgpSpeaker feeder = speaker(feederIp, 65001, new RecordingFib(), false, all);
            BgpSpeaker feeder2 = speaker(feeder2Ip, 65003, new RecordingFib(), false, all);
            BgpSpeaker receiver = speaker(receiverIp, 65002, receiverFib, false, all);
            int dutPort = dut.start();
            feeder.start();
            feeder2.start();
            receiver.start();
            dut.addPeer(peer(dutIp, feederIp, 65000, 65001, 179, true));
            dut.addPeer(peer(dutIp, feeder2Ip, 65000, 65003, 179, true));
            dut.addPeer(peer(dutIp, receiverIp, 65000, 65002, 179, true));
            feeder.addPeer(peer(feederIp, dutIp, 65001, 65000, dutPort, false));
            feeder2.addPeer(peer(feeder2Ip, dutIp, 65003, 65000, dutPort, false));
            receiver.addPeer(peer(receiverIp, dutIp, 65002, 65000, dutPort, false));
            assertTrue(waitFor(WAIT, () -> dut.status().stream().allMatch(PeerStatus::established)), () -> dut.status().toString());

            // The script: 3,000 steps over 400 prefixes (/32s and /24s), both feeders announcing
            // some of the same prefixes (two paths), flips in quick succession, bulk replacements.
            Random r = new Random(seed);
            List<Prefix> pool = new ArrayList<>();
            for (int i = 0; i < 300; i++) pool.add(Prefix.ipv4(0x0a630000 | i, 32));
            for (int i = 0; i < 100; i++) pool.add(Prefix.ipv4(0x0b000000 | i << 8, 24));
            Set<Prefix> a = new HashSet<>();
            Set<Prefix> b = new HashSet<>();
            for (int step = 0; step < 3000; step++) {
                boolean first = r.nextBoolean();
                BgpSpeaker s = first ? feeder : feeder2;
                Set<Prefix> mine = first ? a : b;
                Prefix p = pool.get(r.nextInt(pool.size()));
                int op = r.nextInt(100);
                if (op < 45) {
                    s.announce(p);
                    mine.add(p);
                } else if (op < 85) {
                    s.withdraw(p);
                    mine.remove(p);
                } else if (op < 98) {
                    // announce, withdraw, announce: three UPDATEs the device reads in one batch
                    s.announce(p);
                    s.withdraw(p);
                    s.announce(p);
                    mine.add(p);
                } else {
                    Set<Prefix> next = new HashSet<>();
                    for (Prefix q : pool) if (r.nextInt(3) == 0) next.add(q);
                    s.replaceLocalRoutes(next);
                    mine.clear();
                    mine.addAll(next);
                }
            }
            Set<Prefix> expected = new HashSet<>(a);
            expected.addAll(b);
            assertTrue(waitFor(WAIT, () -> receiverFib.routes.keySet().equals(expected) && dutFib.routes.keySet().equals(expected)),
                    () -> "seed " + seed + (ribThread ? " RIB thread" : " inline") + ": device has " + dutFib.routes.size()
                            + ", receiver " + receiverFib.routes.size() + ", expected " + expected.size());
            // Still so once the device's RIB has taken everything it read (no late reordered change).
            int ribSize = dut.queryRib(rib -> rib.size());
            assertEquals(expected.size(), ribSize);
            assertEquals(expected, receiverFib.routes.keySet());
            for (Prefix p : expected) {
                // eBGP, equal AS path lengths: the lower router id wins (RFC 4271 §9.1.2.2 f): the first feeder.
                InetAddress want = a.contains(p) ? feederIp : feeder2Ip;
                assertEquals(want, dutFib.routes.get(p), "device next hop for " + p);
                assertEquals(dutIp, receiverFib.routes.get(p), "receiver next hop for " + p);
            }
            return new World(lastOctets(dutFib), lastOctets(receiverFib), expected);
        } finally {
            for (BgpSpeaker s : all) s.close();
        }
    }

    static Map<Prefix, Integer> lastOctets(RecordingFib fib) {
        Map<Prefix, Integer> m = new TreeMap<>((x, y) -> x.toString().compareTo(y.toString()));
        fib.routes.forEach((p, nh) -> m.put(p, nh.getAddress()[3] & 0xff));
        return m;
    }

    static BgpSpeaker speaker(InetAddress self, long as, RecordingFib fib, boolean ribThread, List<BgpSpeaker> all) {
        BgpSpeaker s = new BgpSpeaker(new SpeakerConfig(self, 0, as, IpAddresses.toInt(self), 0, self, null), fib,
                Clock.systemUTC(), ribThread);
        all.add(s);
        return s;
    }

    static PeerSettings peer(InetAddress self, InetAddress peer, long as, long peerAs, int port, boolean passive) {
        return new PeerSettings(new SessionConfig(peer, port, self, as, peerAs, IpAddresses.toInt(self), 90, 1, passive, null,
                EnumSet.of(AddressFamily.IPV4_UNICAST), 0), false, false, "global");
    }
}
