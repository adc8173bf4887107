package ocelot.fastpath;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import ocelot.fastpath.counter.Counter;

import static ocelot.fastpath.Topology.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Millions of malformed frames: truncations of valid frames at every length, corrupted IHL,
 * lengths, versions, fragment bits and checksums, VLAN stacks, and plain random bytes. The
 * worker must neither crash nor stall nor leak an mbuf, and every frame must be accounted for
 * (rx == tx + drop + punt), with the validation counters showing the reasons.
 */
class MalformedPacketFuzzTest {
    static final int FRAMES = 2_000_000;

    @Test
    void millionsOfMalformedFramesNeverCrashStallOrLeak() {
        try (Topology t = new Topology()) {
            t.ipv6 = Nat66Test.plane(true); // Ipv6ForwardingTest's addresses, plus a nat-outgoing pool and a default route
            t.publish();
            SplittableRandom rnd = new SplittableRandom(7);
            byte[][] seeds = seeds(t);
            long injected = t.counter(Counter.RX); // the two binding frames
            while (injected < FRAMES) {
                for (int k = 0; k < 256; k++, injected++) {
                    byte[] f = mutate(seeds[rnd.nextInt(seeds.length)], rnd);
                    (rnd.nextBoolean() ? t.w1 : t.fabric).inject(f);
                }
                int processed = t.fastpath.pollUntilIdle(100);
                assertTrue(processed > 0 || t.w1.pendingRx() + t.fabric.pendingRx() == 0, "worker stalled");
                t.w1.drainTransmitted();
                t.w2.drainTransmitted();
                t.fabric.drainTransmitted();
                t.tap.drainTransmitted();
            }
            assertEquals(injected, t.counter(Counter.RX));
            assertEquals(t.counter(Counter.RX), t.counter(Counter.TX) + t.counter(Counter.DROPPED) + t.counter(Counter.PUNTED),
                    t.fastpath.counters().describeNonZero());
            assertEquals(0, Topology.pool.inUse(), "mbuf leak");
            String counters = t.fastpath.counters().describeNonZero();
            for (Counter c : new Counter[] {Counter.DROP_RUNT, Counter.DROP_IP_HEADER_LENGTH, Counter.DROP_IP_LENGTH,
                    Counter.DROP_IP_CHECKSUM, Counter.DROP_FRAGMENT, Counter.DROP_L4_TRUNCATED, Counter.DROP_IP_VERSION,
                    Counter.DROP_ND, Counter.ND_ADVERTS, Counter.ICMP_ERRORS, Counter.SNAT, Counter.SNAT_REVERSE, Counter.ICMP_RELATED}) {
                assertTrue(t.counter(c) > 0, c + " never counted: " + counters);
            }
        }
    }

    /**
     * Valid frames of every kind the node handles (the fuzzers' seeds too). Binds a NAT44 and a
     * NAT66 flow on {@code t} first, so that the reply and the ICMP errors about them, both ways,
     * find their flow.
     */
    static byte[][] seeds(Topology t) {
        // NAT44: bind the IPv4 UDP seed's flow first (after the NAT66 one, which keeps the share's first port) so its
        // reply and the ICMP errors about it, both ways, can be seeds that find it
        t.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, Nat66Test.EP1, Nat66Test.INTERNET, 5, 53, 64));
        t.run();
        t.fabric.drainTransmitted();
        byte[] natUdp = Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", Nat44Test.INTERNET, 5, 53, 64, 8);
        t.w1.inject(natUdp);
        t.run();
        int natPort = Frames.u16(Nat44Test.single(t.fabric.drainTransmitted()), Nat44Test.L4);
        byte[] natReply = Frames.udp(FABRIC_MAC, GW_MAC, Nat44Test.INTERNET, Nat44Test.NODE, 53, natPort, 60, 8);
        byte[] natLeft = Frames.udp(0, 0, Nat44Test.NODE, Nat44Test.INTERNET, natPort, 53, 63, 8);
        byte[] natGot = Frames.udp(0, 0, Nat44Test.INTERNET, "10.65.0.2", 53, 5, 59, 8);
        return new byte[][] {
                Frames.tcp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 40000, 80, 0x02, 64),
                Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5, 53, 64, 30),
                Frames.icmpEcho(W1_MAC, EP1_MAC, "10.65.0.2", "1.1.1.1", 8, 9, 64),
                Frames.ipip(W1_MAC, EP1_MAC, "192.168.0.2", "192.168.0.10", Frames.udp(0, 0, "10.65.1.2", "10.65.0.2", 1, 2, 64, 10)),
                Frames.arpRequest(EP1_MAC, "10.65.0.2", "169.254.1.1"),
                Frames6.udp(W1_MAC, EP1_MAC, Ipv6ForwardingTest.EP1, Ipv6ForwardingTest.EP2, 5, 53, 64),
                Frames6.udp(W1_MAC, EP1_MAC, Ipv6ForwardingTest.EP1, Ipv6ForwardingTest.REMOTE, 5, 53, 1),
                Frames6.echo(W1_MAC, EP1_MAC, Ipv6ForwardingTest.EP1, "2001:db8::1", 128, 9, 64),
                Frames6.solicit(EP1_MAC, Ipv6ForwardingTest.EP1, "fe80::1", 255),
                Frames6.advert(FABRIC_MAC, 0x0200_0000_0005L, "fd00:192::5", Ipv6ForwardingTest.NODE, "fd00:192::5", 0x0200_0000_0005L),
                // NAT66: flows out of the nat-outgoing pool, a reply to the first binding (the share's first port), an error about it
                Frames6.udp(W1_MAC, EP1_MAC, Nat66Test.EP1, Nat66Test.INTERNET, 5, 53, 64),
                Frames6.tcp(W1_MAC, EP1_MAC, Nat66Test.EP1, Nat66Test.INTERNET, 40000, 443, 0x02, 64),
                Frames6.udp(FABRIC_MAC, GW_MAC, Nat66Test.INTERNET, Nat66Test.NODE, 53, Nat66Test.NAT_LOW, 60),
                natError(),
                natUdp,
                natReply,
                Nat44Test.icmpError(FABRIC_MAC, GW_MAC, Nat44Test.ROUTER, Nat44Test.NODE, 3, 4, 1400, natLeft, 28), // frag-needed to the node
                Nat44Test.icmpError(FABRIC_MAC, GW_MAC, Nat44Test.ROUTER, Nat44Test.NODE, 11, 0, 0, natLeft, 36), // time exceeded, whole quote
                Nat44Test.icmpError(W1_MAC, EP1_MAC, "10.65.0.2", Nat44Test.INTERNET, 3, 3, 0, natGot, 36), // ep1 about the reply
        };
    }

    /** Port unreachable to the node about the NATed UDP seed as it left (node:32768 -> 2001:db8::53:53). */
    static byte[] natError() {
        byte[] sent = Frames6.udp(0, 0, Nat66Test.NODE, Nat66Test.INTERNET, Nat66Test.NAT_LOW, 53, 63);
        byte[] error = new byte[8 + 40 + 18];
        error[0] = 1;
        error[1] = 4;
        System.arraycopy(sent, Frames6.L3, error, 8, 40 + 18);
        return Frames6.ipv6(FABRIC_MAC, GW_MAC, Nat66Test.INTERNET, Nat66Test.NODE, Frames6.ICMPV6, 60, error);
    }

    static byte[] mutate(byte[] seed, SplittableRandom rnd) {
        int mode = rnd.nextInt(8);
        byte[] f;
        switch (mode) {
            case 0 -> f = java.util.Arrays.copyOf(seed, 1 + rnd.nextInt(seed.length)); // truncated
            case 1 -> {
                f = seed.clone();
                f[14] = (byte) (0x40 | rnd.nextInt(16)); // IHL anything
            }
            case 2 -> {
                f = seed.clone();
                int len = rnd.nextInt(65536);
                f[16] = (byte) (len >>> 8);
                f[17] = (byte) len;
                fixIpChecksum(f);
            }
            case 3 -> {
                f = seed.clone();
                f[20] = (byte) rnd.nextInt(256); // fragment bits
                f[21] = (byte) rnd.nextInt(256);
                fixIpChecksum(f);
            }
            case 4 -> {
                f = seed.clone();
                for (int k = 0; k < 1 + rnd.nextInt(4); k++) f[rnd.nextInt(f.length)] ^= (byte) (1 + rnd.nextInt(255));
            }
            case 5 -> {
                f = seed.clone();
                f[14] = (byte) ((rnd.nextInt(16) << 4) | 5); // version
                fixIpChecksum(f);
            }
            case 6 -> {
                f = new byte[1 + rnd.nextInt(200)];
                rnd.nextBytes(f);
                if (rnd.nextBoolean() && f.length > 14) {
                    System.arraycopy(seed, 0, f, 0, 12); // right MAC so parsing goes deeper
                    f[12] = (byte) (rnd.nextBoolean() ? 0x08 : 0x81);
                    f[13] = 0;
                }
            }
            default -> {
                f = java.util.Arrays.copyOf(seed, seed.length);
                int ihl = (f[14] & 0xF) * 4;
                int cut = 14 + Math.max(20, ihl) + rnd.nextInt(8); // transport header cut short, IP length consistent
                f = java.util.Arrays.copyOf(f, Math.min(cut, f.length));
                int total = f.length - 14;
                if (f.length > 17) {
                    f[16] = (byte) (total >>> 8);
                    f[17] = (byte) total;
                    fixIpChecksum(f);
                }
            }
        }
        return f;
    }

    static void fixIpChecksum(byte[] f) {
        if (f.length < 34) return;
        f[24] = 0;
        f[25] = 0;
        int c = Frames.checksum(f, 14, 20, 0);
        f[24] = (byte) (c >>> 8);
        f[25] = (byte) c;
    }
}
