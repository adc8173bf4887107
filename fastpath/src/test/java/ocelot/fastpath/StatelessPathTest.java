package ocelot.fastpath;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ocelot.acl.Action;
import ocelot.acl.Rule;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.port.SoftwarePort;
import ocelot.fastpath.state.IpPool;
import ocelot.fastpath.worker.FastpathConfig;

import static ocelot.fastpath.Frames.ip;
import static ocelot.fastpath.Topology.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The stateless routing path (issue 19) on software ports: the test node with no policy, no
 * nat-outgoing and no IPIP, so every port and every untunnelled, non-ECMP hop is stateless.
 */
class StatelessPathTest {
    final Topology stateless = statelessNode(FastpathConfig.defaults());
    final Topology tracked = statelessNode(FastpathConfig.defaults().withStatelessPath(false));
    final Random rnd = new Random(0x5747E1E55L);
    /** Per TCP flow of the differential traffic, how far its handshake got (0: nothing sent). */
    final int[] tcpStep = new int[16];
    /** TCP flows that sent a packet this round: one each, so a SYN-ACK is never polled before its SYN (other port, other burst). */
    final boolean[] tcpStepped = new boolean[16];

    static Topology statelessNode(FastpathConfig config) {
        Topology t = new Topology(config);
        t.natOutgoing = false;
        t.ipip = IpPool.IpipMode.NEVER;
        t.ipv6 = Ipv6ForwardingTest.plane(); // no NAT66 pool: IPv6 is stateless too
        return t;
    }

    @AfterEach
    void close() {
        stateless.closeConserving();
        tracked.closeConserving();
    }

    /**
     * The same random traffic through the node with the stateless path and through one that
     * tracks every flow: wherever the tracked node forwards (valid TCP starts, UDP, ICMP echo,
     * to endpoints, the gateway and on-link), and wherever it answers or drops (TTL 1 and 0, bad
     * checksums, martian sources and destinations, spoofed sources, the node's address, ECMP,
     * blackhole, unresolved neighbours, IP options, VLAN tags, foreign and multicast MACs,
     * truncation, ARP, IPv6), every port's output is byte-identical in the same order and every
     * traffic and drop counter equal, but conntrack's and the ones naming the path.
     */
    @Test
    void statelessPathForwardsExactlyWhatTheTrackedPathForwards() {
        stateless.publish();
        tracked.publish();
        for (int round = 0; round < 300; round++) {
            int frames = 1 + rnd.nextInt(150);
            java.util.Arrays.fill(tcpStepped, false);
            for (int k = 0; k < frames; k++) {
                int drawn = rnd.nextInt(3);
                byte[] f = frame(drawn);
                long to = Frames.dmac(f); // a TCP flow's packet comes from its sender's port, whichever port was drawn
                int port = to == W1_MAC ? 0 : to == W2_MAC ? 1 : to == FABRIC_MAC ? 2 : drawn;
                // a lost handshake packet would make the tracked node drop the flow's SYN-ACK as invalid
                if (Frames.ethertype(f) != 0x0800 || Frames.proto(f, 14) != Frames.TCP) f = damage(f);
                (port == 0 ? stateless.w1 : port == 1 ? stateless.w2 : stateless.fabric).inject(f);
                (port == 0 ? tracked.w1 : port == 1 ? tracked.w2 : tracked.fabric).inject(f.clone());
            }
            long step = rnd.nextInt(2_000_000_000);
            stateless.nanos.addAndGet(step);
            tracked.nanos.addAndGet(step);
            stateless.run();
            tracked.run();
            compare(round);
        }
        long forwarded = stateless.counter(Counter.STATELESS_FORWARDS);
        assertTrue(forwarded * 2 > stateless.counter(Counter.TX), "the stateless path forwarded too little to be tested: " + stateless.fastpath.counters().describeNonZero());
        assertEquals(0, tracked.counter(Counter.STATELESS_FORWARDS));
        long metConntrack = stateless.counter(Counter.CT_NEW) + stateless.counter(Counter.CT_HIT), trackedMet = tracked.counter(Counter.CT_NEW) + tracked.counter(Counter.CT_HIT);
        assertTrue(metConntrack * 3 < trackedMet, "packets that met conntrack: stateless " + metConntrack + ", tracked " + trackedMet);
        for (Counter c : List.of(Counter.ICMP_ERRORS, Counter.DROP_IP_CHECKSUM, Counter.DROP_IP_SOURCE, Counter.DROP_IP_DESTINATION, Counter.DROP_TTL_EXPIRED,
                Counter.DROP_BLACKHOLE, Counter.ARP_REQUESTS, Counter.PUNTED, Counter.DROP_L2_NOT_FOR_US, Counter.DROP_IP_HEADER_LENGTH, Counter.ND_SOLICITS)) {
            assertTrue(tracked.counter(c) > 0, c + " never happened: the traffic mix is too narrow");
        }
    }

    private void compare(int round) {
        SoftwarePort[][] ports = {{stateless.w1, stateless.w2, stateless.fabric, stateless.tap}, {tracked.w1, tracked.w2, tracked.fabric, tracked.tap}};
        for (int p = 0; p < 4; p++) {
            List<byte[]> a = ports[0][p].drainTransmitted(), b = ports[1][p].drainTransmitted();
            if (a.size() != b.size()) fail("round " + round + " port " + ports[0][p].name() + ": stateless sent " + a.size() + " frames, tracked " + b.size()
                    + "\n stateless " + stateless.fastpath.counters().describeNonZero() + "\n tracked " + tracked.fastpath.counters().describeNonZero());
            for (int k = 0; k < a.size(); k++) {
                if (!java.util.Arrays.equals(a.get(k), b.get(k))) {
                    fail("round " + round + " port " + ports[0][p].name() + " frame " + k + "\n stateless " + HexFormat.of().formatHex(a.get(k))
                            + "\n tracked   " + HexFormat.of().formatHex(b.get(k)));
                }
            }
            for (int which : new int[] {CounterRecord.PORT_RX, CounterRecord.PORT_TX, CounterRecord.PORT_DROP}) {
                assertEquals(tracked.fastpath.counters().port(p, which), stateless.fastpath.counters().port(p, which), "round " + round + " port " + p + " counter " + which);
            }
        }
        Map<Counter, Long> a = new EnumMap<>(stateless.fastpath.counters().all()), b = new EnumMap<>(tracked.fastpath.counters().all());
        for (Counter c : List.of(Counter.CT_NEW, Counter.CT_HIT, Counter.CT_EXPIRED, Counter.POLICY_ALLOWED, Counter.FLOW_CACHE_HIT, Counter.FLOW_FUSED,
                Counter.STATELESS_FORWARDS)) {
            a.remove(c);
            b.remove(c);
        }
        assertEquals(b, a, "round " + round + " counters");
    }

    /** A frame the tracked node forwards or answers, arriving on port 0 (w1, ep1), 1 (w2, ep2) or 2 (fabric). */
    private byte[] frame(int port) {
        int flow = rnd.nextInt(tcpStep.length);
        int ttl = 2 + rnd.nextInt(62);
        int payload = rnd.nextInt(30);
        if (port == 0) {
            return switch (rnd.nextInt(12)) {
                case 0, 1 -> tcpFlow(flow, ttl);
                case 2, 3 -> Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 1000 + flow, 53, ttl, payload);
                case 4 -> Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "8.8.8." + flow, 3000 + flow, 53, ttl, payload); // the gateway
                case 5 -> Frames.icmpEcho(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 8, flow, ttl);
                case 6 -> Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.2." + flow, 5000 + flow, 53, ttl, 2); // ECMP: the full path
                case 7 -> Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.99.0." + flow, 5000, 53, ttl, 2); // blackhole
                case 8 -> Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "192.168.0.10", 5000, 53, ttl, 2); // the node: punted
                case 9 -> Frames.udp(W1_MAC, EP1_MAC, "10.65.0.9", "10.65.0.3", 5000, 53, ttl, 2); // spoofed
                case 10 -> Frames.arpRequest(EP1_MAC, "10.65.0.2", "10.65.0.1");
                default -> frame6(W1_MAC, EP1_MAC, "fd00:65::2", flow, ttl);
            };
        }
        if (port == 1) {
            return switch (rnd.nextInt(5)) {
                case 0, 1 -> tcpFlow(flow, ttl);
                case 4 -> frame6(W2_MAC, EP2_MAC, "fd00:65::3", flow, ttl);
                case 2 -> Frames.udp(W2_MAC, EP2_MAC, "10.65.0.3", "10.65.0.2", 53, 1000 + flow, ttl, payload);
                default -> Frames.icmpEcho(W2_MAC, EP2_MAC, "10.65.0.3", "10.65.0.2", 0, flow, ttl);
            };
        }
        return switch (rnd.nextInt(6)) {
            case 5 -> frame6(FABRIC_MAC, GW_MAC, "fd00:66::" + (1 + flow), flow, ttl);
            case 0, 1 -> Frames.udp(FABRIC_MAC, GW_MAC, "8.8.8." + flow, "10.65.0." + (2 + rnd.nextInt(2)), 53, 3000 + flow, ttl, payload);
            case 2 -> Frames.udp(FABRIC_MAC, GW_MAC, "8.8.8.8", "192.168.0." + (20 + flow), 53, 3000, ttl, payload); // on-link, unresolved: ARP
            case 3 -> Frames.udp(FABRIC_MAC, GW_MAC, "172.16.0." + flow, "9.9.9.9", 53, 3000, ttl, payload); // transit, back out of the fabric
            default -> Frames.udp(FABRIC_MAC, GW_MAC, "8.8.8.8", "10.65.1." + flow, 53, 3000, ttl, payload); // node 2, unresolved
        };
    }

    /**
     * IPv6 from {@code src}: to an endpoint, the gateway's block, on-link (unresolved: a
     * solicitation), a blackhole, the node, multicast or link-local; from a spoofed or
     * link-local source; an echo; hop limits 0 and 1 among the rest.
     */
    private byte[] frame6(long dmac, long smac, String src, int flow, int ttl) {
        int hopLimit = rnd.nextInt(8) == 0 ? rnd.nextInt(2) : ttl;
        String dst = switch (rnd.nextInt(10)) {
            case 0 -> "fd00:66::" + (1 + flow);
            case 1 -> "fd00:192::" + (20 + flow);
            case 2 -> "fd00:99::" + flow;
            case 3 -> "fd00:192::10";
            case 4 -> "ff02::1";
            case 5 -> "fe80::" + (1 + flow);
            default -> rnd.nextBoolean() ? "fd00:65::2" : "fd00:65::3";
        };
        return switch (rnd.nextInt(12)) {
            case 0 -> Frames6.udp(dmac, smac, "fd00:65::9", dst, 1000 + flow, 53, hopLimit); // spoofed if from an endpoint
            case 1 -> Frames6.udp(dmac, smac, "fe80::" + (1 + flow), dst, 1000 + flow, 53, hopLimit); // link-local source
            case 2 -> Frames6.echo(dmac, smac, src, dst, 128, flow, hopLimit);
            case 3 -> Frames6.tcp(dmac, smac, src, dst, 1000 + flow, 80, 0x02, hopLimit);
            default -> Frames6.udp(dmac, smac, src, dst, 1000 + flow, 53, hopLimit);
        };
    }

    /** The next packet of a TCP flow between ep1 (client) and ep2: SYN, SYN-ACK, then ACKs either way (valid for conntrack). */
    private byte[] tcpFlow(int flow, int ttl) {
        if (tcpStepped[flow]) return Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 1000 + flow, 53, ttl, 0);
        tcpStepped[flow] = true;
        int step = tcpStep[flow]++;
        boolean fromServer = step == 1 || (step > 1 && rnd.nextBoolean());
        int flags = step == 0 ? 0x02 : step == 1 ? 0x12 : 0x10;
        return fromServer ? Frames.tcp(W2_MAC, EP2_MAC, "10.65.0.3", "10.65.0.2", 80, 2000 + flow, flags, ttl)
                : Frames.tcp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 2000 + flow, 80, flags, ttl);
    }

    /** Most frames stay whole; the rest get what a router must answer or drop. */
    private byte[] damage(byte[] f) {
        if (Frames.ethertype(f) != 0x0800) return f;
        int kind = rnd.nextInt(40);
        if (kind >= 12) return f;
        ByteBuffer b = ByteBuffer.wrap(f);
        switch (kind) {
            case 0 -> setIp(f, 22, 1); // TTL 1: time exceeded
            case 1 -> setIp(f, 22, 0); // TTL 0
            case 2 -> f[24] ^= 0x5A; // header checksum
            case 3 -> setIp(f, 26, 127); // martian source
            case 4 -> setIp(f, 30, new int[] {0, 127, 240, 255}[rnd.nextInt(4)]); // martian destination
            case 5 -> { // 255.255.255.255
                for (int k = 30; k < 34; k++) f[k] = (byte) 0xFF;
                setIp(f, 30, 0xFF);
            }
            case 6 -> setIp(f, 14, 0x44); // IHL 4
            case 7 -> { // VLAN tag
                byte[] t = new byte[f.length + 4];
                System.arraycopy(f, 0, t, 0, 12);
                ByteBuffer.wrap(t).putShort(12, (short) 0x8100).putShort(14, (short) 7);
                System.arraycopy(f, 12, t, 16, f.length - 12);
                return t;
            }
            case 8 -> b.putShort(0, (short) 0x0100).putInt(2, 0x5E00_0001); // multicast destination MAC
            case 9 -> b.putShort(0, (short) 0x0200).putInt(2, 0x0000_7777); // someone else's MAC
            case 10 -> { return java.util.Arrays.copyOf(f, 14 + rnd.nextInt(21)); } // cut inside the IP header
            default -> setIp(f, 30, 224 + rnd.nextInt(16)); // multicast destination (unicast MAC)
        }
        return f;
    }

    /** Sets byte {@code off} of the frame and fixes the IPv4 header checksum. */
    private static void setIp(byte[] f, int off, int value) {
        f[off] = (byte) value;
        ByteBuffer.wrap(f).putShort(24, (short) 0);
        ByteBuffer.wrap(f).putShort(24, (short) Frames.checksum(f, 14, 20, 0));
    }

    @Test
    void forwardsWithoutConntrackRewritingTtlChecksumAndMacs() {
        stateless.publish();
        stateless.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5000, 53, 64, 20));
        stateless.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "8.8.8.8", 5000, 53, 9, 20));
        stateless.run();
        byte[] toEp2 = stateless.w2.drainTransmitted().getFirst();
        assertEquals(EP2_MAC, Frames.dmac(toEp2));
        assertEquals(W2_MAC, Frames.smac(toEp2));
        assertEquals(63, Frames.ttl(toEp2, 14));
        assertTrue(Frames.ipChecksumOk(toEp2, 14));
        assertTrue(Frames.l4ChecksumOk(toEp2, 14));
        byte[] out = stateless.fabric.drainTransmitted().getFirst();
        assertEquals(GW_MAC, Frames.dmac(out));
        assertEquals(FABRIC_MAC, Frames.smac(out));
        assertEquals(8, Frames.ttl(out, 14));
        assertTrue(Frames.ipChecksumOk(out, 14));
        assertEquals(2, stateless.counter(Counter.STATELESS_FORWARDS));
        assertEquals(0, stateless.counter(Counter.CT_NEW) + stateless.counter(Counter.CT_HIT));
        assertEquals(0, stateless.fastpath.workers().getFirst().conntrack().size());
    }

    /**
     * Every TTL from 255 down: the RFC 1624 patch must give the checksum a from-scratch
     * computation gives (the 0xFFFF/0x0000 edge included), and TTL 1 becomes time exceeded.
     */
    @Test
    void ttlDecrementKeepsTheChecksumValidAndTtlOneIsTimeExceeded() {
        stateless.publish();
        for (int ttl = 255; ttl >= 1; ttl--) {
            for (int id = 0; id < 4; id++) {
                byte[] f = Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5000 + id, 53, ttl, id);
                ByteBuffer.wrap(f).putShort(18, (short) (id * 16411)); // IP id: checksums all over the range
                setIp(f, 22, ttl);
                stateless.w1.inject(f);
            }
        }
        stateless.run();
        List<byte[]> out = stateless.w2.drainTransmitted();
        assertEquals(254 * 4, out.size());
        for (byte[] f : out) assertTrue(Frames.ipChecksumOk(f, 14), () -> HexFormat.of().formatHex(f));
        List<byte[]> back = stateless.w1.drainTransmitted();
        assertEquals(4, back.size());
        for (byte[] f : back) {
            assertEquals(Frames.ICMP, Frames.proto(f, 14));
            assertEquals(11, Frames.u8(f, 34)); // time exceeded
            assertEquals(0, Frames.u8(f, 35)); // in transit
            assertEquals(ip("192.168.0.10"), Frames.src(f, 14));
            assertEquals(ip("10.65.0.2"), Frames.dst(f, 14));
            assertEquals(1, Frames.ttl(f, 42)); // the quote as received
            assertTrue(Frames.ipChecksumOk(f, 14));
            assertTrue(Frames.l4ChecksumOk(f, 14));
        }
        assertEquals(4, stateless.counter(Counter.DROP_TTL_EXPIRED));
        assertEquals(4, stateless.counter(Counter.ICMP_ERRORS));
        assertEquals(254 * 4, stateless.counter(Counter.STATELESS_FORWARDS));
    }

    /** IPv6 the same way: hop limit and MACs rewritten, no conntrack; hop limit 1 answered with time exceeded by the graph. */
    @Test
    void ipv6IsForwardedStatelesslyAndHopLimitOneIsTimeExceeded() {
        stateless.publish();
        stateless.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, "fd00:65::2", "fd00:65::3", 5000, 53, 64));
        stateless.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, "fd00:65::2", "fd00:66::7", 5000, 53, 9));
        stateless.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, "fd00:65::2", "fd00:65::3", 5001, 53, 1));
        stateless.w1.inject(Frames6.udp(W1_MAC, EP1_MAC, "fd00:65::7", "fd00:66::7", 5000, 53, 64)); // spoofed
        stateless.run();
        byte[] toEp2 = stateless.w2.drainTransmitted().getFirst();
        assertEquals(EP2_MAC, Frames.dmac(toEp2));
        assertEquals(W2_MAC, Frames.smac(toEp2));
        assertEquals(63, Frames.u8(toEp2, Frames6.L3 + 7));
        List<byte[]> out = stateless.fabric.drainTransmitted();
        assertEquals(1, out.size());
        assertEquals(GW_MAC, Frames.dmac(out.getFirst()));
        assertEquals(8, Frames.u8(out.getFirst(), Frames6.L3 + 7));
        byte[] back = stateless.w1.drainTransmitted().getFirst();
        assertEquals(Frames6.ICMPV6, Frames6.next(back));
        assertEquals(3, Frames.u8(back, Frames6.L4)); // time exceeded
        assertEquals(2, stateless.counter(Counter.STATELESS_FORWARDS));
        assertEquals(1, stateless.counter(Counter.DROP_TTL_EXPIRED));
        assertEquals(1, stateless.counter(Counter.DROP_IP_SOURCE));
        assertEquals(0, stateless.counter(Counter.CT_NEW) + stateless.counter(Counter.CT_HIT));
    }

    @Test
    void badChecksumsMartiansAndSpoofedSourcesAreDroppedWithTheirReason() {
        stateless.publish();
        byte[] bad = Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5000, 53, 64, 4);
        bad[24] ^= 1;
        stateless.w1.inject(bad);
        stateless.fabric.inject(Frames.udp(FABRIC_MAC, GW_MAC, "127.0.0.1", "10.65.0.2", 53, 5000, 64, 4));
        stateless.fabric.inject(Frames.udp(FABRIC_MAC, GW_MAC, "0.0.0.0", "10.65.0.2", 68, 67, 64, 4));
        stateless.fabric.inject(Frames.udp(FABRIC_MAC, GW_MAC, "224.0.0.5", "10.65.0.2", 53, 5000, 64, 4));
        stateless.fabric.inject(Frames.udp(FABRIC_MAC, GW_MAC, "250.1.2.3", "10.65.0.2", 53, 5000, 64, 4));
        for (String dst : new String[] {"127.0.0.1", "0.1.2.3", "255.255.255.255", "240.0.0.1"}) {
            stateless.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", dst, 5000, 53, 64, 4));
        }
        stateless.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.3", "8.8.8.8", 5000, 53, 64, 4)); // ep2's address from ep1
        stateless.run();
        for (SoftwarePort p : List.of(stateless.w1, stateless.w2, stateless.fabric, stateless.tap)) assertEquals(0, p.drainTransmitted().size(), p.name());
        assertEquals(1, stateless.counter(Counter.DROP_IP_CHECKSUM));
        assertEquals(5, stateless.counter(Counter.DROP_IP_SOURCE));
        assertEquals(4, stateless.counter(Counter.DROP_IP_DESTINATION));
        assertEquals(10, stateless.counter(Counter.DROPPED));
        assertEquals(0, stateless.counter(Counter.STATELESS_FORWARDS));
        assertEquals(0, stateless.counter(Counter.CT_NEW));
    }

    /** A router forwards fragments and any protocol: the stateless path reads no port (the tracked path drops fragments). */
    @Test
    void fragmentsAreForwardedStatelessly() {
        stateless.publish();
        tracked.publish();
        for (Topology t : List.of(stateless, tracked)) {
            byte[] f = Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5000, 53, 64, 20);
            setIp(f, 20, 0x20); // more fragments
            t.w1.inject(f);
            t.run();
        }
        byte[] out = stateless.w2.drainTransmitted().getFirst();
        assertEquals(63, Frames.ttl(out, 14));
        assertTrue(Frames.ipChecksumOk(out, 14));
        assertEquals(0, tracked.w2.drainTransmitted().size());
        assertEquals(1, tracked.counter(Counter.DROP_FRAGMENT));
    }

    /**
     * Policy, nat-outgoing or a tunnel at either end takes the full path through conntrack; the
     * decision follows each publish (the snapshot's), both directions alike.
     */
    @Test
    void policyNatAndTunnelsStillGoThroughConntrack() {
        Topology t = stateless;
        t.ep2Ingress = rules(Rule.builder(1).action(Action.ALLOW).protocol(17).build());
        t.publish();
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5000, 53, 64, 4)); // to ep2's ingress policy
        t.w2.inject(Frames.udp(W2_MAC, EP2_MAC, "10.65.0.3", "8.8.8.8", 5000, 53, 64, 4)); // from ep2: tracked both ways
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "8.8.8.8", 5001, 53, 64, 4)); // ep1 to the gateway: stateless
        t.run();
        assertEquals(1, t.w2.drainTransmitted().size());
        assertEquals(2, t.fabric.drainTransmitted().size());
        assertEquals(2, t.counter(Counter.CT_NEW));
        assertEquals(1, t.counter(Counter.STATELESS_FORWARDS));
        assertEquals(1, t.fastpath.counters().ruleHits(1));

        t.ep2Ingress = null; // the next snapshot: ep2 stateless again
        t.publish();
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5002, 53, 64, 4));
        t.run();
        assertEquals(1, t.w2.drainTransmitted().size());
        assertEquals(2, t.counter(Counter.CT_NEW));
        assertEquals(2, t.counter(Counter.STATELESS_FORWARDS));

        t.natOutgoing = true; // ep1 and ep2 in a nat-outgoing pool: source NAT needs conntrack
        t.publish();
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "8.8.8.8", 5003, 53, 64, 4));
        t.run();
        byte[] natted = t.fabric.drainTransmitted().getFirst();
        assertEquals(ip("192.168.0.10"), Frames.src(natted, 14));
        assertEquals(1, t.counter(Counter.SNAT));
        assertEquals(3, t.counter(Counter.CT_NEW));

        t.natOutgoing = false;
        t.ipip = IpPool.IpipMode.ALWAYS; // node 2's block through a tunnel: encapsulated by the full path
        t.extraNeighbours.add(new ocelot.fastpath.state.Neighbour(ip("192.168.0.2"), NODE2_MAC, "fabric"));
        t.publish();
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.1.5", 5004, 53, 64, 4));
        t.run();
        byte[] tunnelled = t.fabric.drainTransmitted().getFirst();
        assertEquals(Frames.IPIP, Frames.proto(tunnelled, 14));
        assertEquals(1, t.counter(Counter.IPIP_ENCAP));
        assertEquals(4, t.counter(Counter.CT_NEW));
        assertEquals(2, t.counter(Counter.STATELESS_FORWARDS));

        long before = t.counter(Counter.STATELESS_FORWARDS);
        t.ep1Egress = rules(Rule.builder(2).action(Action.ALLOW).build()); // ep1's own egress policy: its port is tracked
        t.publish();
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5005, 53, 64, 4));
        t.run();
        assertEquals(1, t.w2.drainTransmitted().size());
        assertEquals(5, t.counter(Counter.CT_NEW));
        assertEquals(before, t.counter(Counter.STATELESS_FORWARDS));
        assertEquals(1, t.fastpath.counters().ruleHits(2));
    }
}
