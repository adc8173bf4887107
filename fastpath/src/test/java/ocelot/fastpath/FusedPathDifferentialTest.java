package ocelot.fastpath;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ocelot.acl.Action;
import ocelot.acl.Rule;
import ocelot.fastpath.conntrack.ConntrackTable;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.port.SoftwarePort;
import ocelot.fastpath.state.Neighbour;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.Route;
import ocelot.fastpath.worker.FastpathConfig;

import static ocelot.fastpath.Frames.ip;
import static ocelot.fastpath.Topology.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fused established-flow pass against the node graph alone: two identical nodes, one with
 * the fused pass (the default) and one without, get the same random traffic in the same bursts
 * at the same injected times: new, established and reply flows (UDP and TCP with random flags,
 * to an endpoint, source-NATed to the fabric and their replies, IPIP out and in, ICMP echo,
 * policy-denied ports), ARP, IPv6, and damaged copies (TTL 1, bad checksums, VLAN tags, IP
 * options, fragments, multicast or foreign MACs, truncation, random bytes); with time jumps
 * past the timeouts and republished state. Every port's output must be byte-identical in the
 * same order, and every counter equal (but the one saying which path forwarded).
 */
class FusedPathDifferentialTest {
    static final int ROUNDS = 400;
    final Topology fused = new Topology();
    final Topology graph = new Topology(FastpathConfig.defaults().withFlowFastPath(false));
    final Random rnd = new Random(0x0CE107L);
    /** Source-NAT bindings seen on the fabric (proto, node port, remote port), so replies can be sent to them. */
    final List<int[]> natBindings = new ArrayList<>();
    /** This round sends only TCP/UDP between endpoints and to/from the NAT, undamaged: long runs for the fused pass. */
    boolean clean;

    @AfterEach
    void close() {
        fused.close();
        graph.close();
        assertEquals(0, Topology.pool.inUse());
    }

    @Test
    void fusedPassForwardsExactlyWhatTheGraphForwards() {
        for (Topology t : List.of(fused, graph)) {
            t.ep2Ingress = rules(Rule.builder(1).action(Action.ALLOW).src("10.65.0.0/16").protocol(17).dstPorts(53, 53).build(),
                    Rule.builder(2).action(Action.ALLOW).src("10.65.0.0/16").protocol(6).dstPorts(80, 80).build(),
                    Rule.builder(3).action(Action.ALLOW).protocol(1).build());
            t.publish();
        }
        for (int round = 0; round < ROUNDS; round++) {
            if (rnd.nextInt(40) == 0) republish();
            // mostly short steps; now and then past a TCP closing state's or UDP's timeout, or past all but established
            long[] jumps = {11_000_000_000L, 35_000_000_000L, 130_000_000_000L, 200_000_000_000L};
            long step = rnd.nextInt(10) == 0 ? jumps[rnd.nextInt(jumps.length)] : rnd.nextInt(2_000_000_000);
            fused.nanos.addAndGet(step);
            graph.nanos.addAndGet(step);
            int frames = 1 + rnd.nextInt(150); // more than one burst at times
            clean = rnd.nextInt(3) == 0;
            for (int k = 0; k < frames; k++) {
                int port = rnd.nextInt(3);
                byte[] f = clean ? frame(port) : damage(frame(port));
                (port == 0 ? fused.w1 : port == 1 ? fused.w2 : fused.fabric).inject(f);
                (port == 0 ? graph.w1 : port == 1 ? graph.w2 : graph.fabric).inject(f.clone());
            }
            fused.run();
            graph.run();
            compare(round);
        }
        assertTrue(fused.counter(Counter.FLOW_FUSED) * 3 > fused.counter(Counter.FLOW_CACHE_HIT), "the fused pass forwarded too little to be tested: " + fused.fastpath.counters().describeNonZero());
        assertEquals(0, graph.counter(Counter.FLOW_FUSED));
        for (Counter c : List.of(Counter.SNAT, Counter.SNAT_REVERSE, Counter.IPIP_ENCAP, Counter.IPIP_DECAP, Counter.ICMP_ERRORS, Counter.CT_EXPIRED,
                Counter.ARP_REPLIES, Counter.DROP_IP_CHECKSUM, Counter.DROP_FRAGMENT, Counter.DROP_TTL_EXPIRED, Counter.DROP_POLICY_INGRESS, Counter.PUNTED)) {
            assertTrue(graph.counter(c) > 0, c + " never happened: the traffic mix is too narrow");
        }
    }

    /**
     * Within one burst a flow's conntrack touches happen in burst order: an established, cached
     * TCP flow gets a RST the graph must handle (TTL 1; VLAN-tagged, whose flow the fused pass
     * cannot know) and then a SYN it could forward alone. The graph's order (RST closes, the SYN
     * reopens: SYN_SENT) must hold, not the SYN's touch first (the RST would leave it CLOSE).
     */
    @Test
    void touchesOfOneFlowKeepBurstOrder() {
        fused.publish();
        graph.publish();
        int round = 0;
        for (boolean vlan : new boolean[] {false, true}) {
            int sport = vlan ? 2100 : 2101;
            for (int flags : new int[] {0x02, 0x12, 0x10, 0x10, 0x10}) { // handshake, then ACKs: cached both ways
                for (Topology t : List.of(fused, graph)) {
                    if (flags == 0x12) t.w2.inject(Frames.tcp(W2_MAC, EP2_MAC, "10.65.0.3", "10.65.0.2", 80, sport, flags, 64));
                    else t.w1.inject(Frames.tcp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", sport, 80, flags, 64));
                    t.run();
                }
                compare(round++);
            }
            byte[] rst = Frames.tcp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", sport, 80, 0x04, 64);
            if (vlan) {
                byte[] tagged = new byte[rst.length + 4];
                System.arraycopy(rst, 0, tagged, 0, 12);
                ByteBuffer.wrap(tagged).putShort(12, (short) 0x8100).putShort(14, (short) 7);
                System.arraycopy(rst, 12, tagged, 16, rst.length - 12);
                rst = tagged;
            } else {
                setIp(rst, 22, 1);
            }
            long fusedBefore = fused.counter(Counter.FLOW_FUSED);
            for (Topology t : List.of(fused, graph)) {
                t.w1.inject(rst.clone());
                t.w1.inject(Frames.tcp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", sport, 80, 0x02, 64));
                t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 1000, 53, 64, 0)); // a new flow: touches nothing
                t.run();
            }
            compare(round++);
            assertEquals(ocelot.fastpath.conntrack.FlowState.SYN_SENT, graph.fastpath.workers().getFirst().conntrack()
                    .state(graph.fastpath.workers().getFirst().conntrack().lookup(ip("10.65.0.2"), ip("10.65.0.3"), sport, 80, 6) >>> 1));
            assertEquals(fusedBefore, fused.counter(Counter.FLOW_FUSED), "the SYN after the RST is the graph's");
        }
        assertTrue(fused.counter(Counter.FLOW_FUSED) > 0);
    }

    private void compare(int round) {
        SoftwarePort[][] ports = {{fused.w1, fused.w2, fused.fabric, fused.tap}, {graph.w1, graph.w2, graph.fabric, graph.tap}};
        for (int p = 0; p < 4; p++) {
            List<byte[]> a = ports[0][p].drainTransmitted(), b = ports[1][p].drainTransmitted();
            if (p == 2) learnNat(b);
            if (a.size() != b.size()) fail("round " + round + " port " + ports[0][p].name() + ": fused sent " + a.size() + " frames, graph " + b.size());
            for (int k = 0; k < a.size(); k++) {
                if (!java.util.Arrays.equals(a.get(k), b.get(k))) {
                    fail("round " + round + " port " + ports[0][p].name() + " frame " + k + "\n fused " + HexFormat.of().formatHex(a.get(k))
                            + "\n graph " + HexFormat.of().formatHex(b.get(k)));
                }
            }
            for (int which : new int[] {CounterRecord.PORT_RX, CounterRecord.PORT_TX, CounterRecord.PORT_DROP}) {
                assertEquals(graph.fastpath.counters().port(p, which), fused.fastpath.counters().port(p, which), "round " + round + " port " + p + " counter " + which);
            }
        }
        Map<Counter, Long> a = new EnumMap<>(fused.fastpath.counters().all()), b = new EnumMap<>(graph.fastpath.counters().all());
        a.remove(Counter.FLOW_FUSED);
        b.remove(Counter.FLOW_FUSED);
        assertEquals(b, a, "round " + round + " counters");
        for (int rule = 1; rule <= 3; rule++) assertEquals(graph.fastpath.counters().ruleHits(rule), fused.fastpath.counters().ruleHits(rule));
        // the same flows in the same slots, in the same TCP states, expiring at the same tick
        ConntrackTable ca = fused.fastpath.workers().getFirst().conntrack(), cb = graph.fastpath.workers().getFirst().conntrack();
        assertEquals(cb.size(), ca.size(), "round " + round + " conntrack size");
        for (int f = 0; f < ca.capacity(); f++) {
            if (ca.state(f) != cb.state(f) || ca.expiryTick(f) != cb.expiryTick(f)) {
                fail("round " + round + " flow slot " + f + ": fused state " + ca.state(f) + " expiry " + ca.expiryTick(f) + ", graph state " + cb.state(f) + " expiry " + cb.expiryTick(f));
            }
        }
    }

    /** A route to 8.8.8.0/24 through node 2 comes and goes; every publish is a new generation either way. */
    private void republish() {
        boolean via2 = rnd.nextBoolean();
        for (Topology t : List.of(fused, graph)) {
            t.extraRoutes.clear();
            t.extraNeighbours.clear();
            if (via2) {
                t.extraRoutes.add(Route.of("8.8.8.0/24", new NextHop.Via(ip("192.168.0.2"), "fabric")));
                t.extraNeighbours.add(new Neighbour(ip("192.168.0.2"), NODE2_MAC, "fabric"));
            }
            t.publish();
        }
    }

    /** A well-formed frame arriving on port 0 (w1, ep1), 1 (w2, ep2) or 2 (fabric). */
    private byte[] frame(int port) {
        int flow = rnd.nextInt(24); // few flows: most packets find theirs established
        boolean tcp = rnd.nextBoolean();
        int[] flags = {0x02, 0x12, 0x10, 0x18, 0x11, 0x04};
        int flag = flags[rnd.nextInt(flags.length)];
        int ttl = 2 + rnd.nextInt(62);
        if (port == 0) {
            return switch (rnd.nextInt(clean ? 5 : 10)) {
                case 0, 1, 2 -> tcp ? Frames.tcp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 2000 + flow, 80, flag, ttl)
                        : Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 1000 + flow, rnd.nextInt(8) == 0 ? 54 : 53, ttl, rnd.nextInt(30));
                case 3, 4 -> tcp ? Frames.tcp(W1_MAC, EP1_MAC, "10.65.0.2", "8.8.8.8", 3000 + flow, 443, flag, ttl)
                        : Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "8.8.8.8", 3000 + flow, 53, ttl, rnd.nextInt(30));
                case 5 -> Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.1.5", 4000 + flow, 53, ttl, 4); // IPIP to node 2
                case 6 -> Frames.icmpEcho(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 8, flow, ttl);
                case 7 -> Frames.arpRequest(EP1_MAC, "10.65.0.2", "10.65.0.1");
                case 8 -> Frames6.udp(W1_MAC, EP1_MAC, "fd00::2", "fd00::3", 1000 + flow, 53, ttl);
                default -> Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.2." + flow, 5000 + flow, 53, ttl, 2); // ECMP
            };
        }
        if (port == 1) {
            return switch (rnd.nextInt(clean ? 2 : 4)) { // ep2's replies to ep1, and its own echo replies
                case 0, 1 -> tcp ? Frames.tcp(W2_MAC, EP2_MAC, "10.65.0.3", "10.65.0.2", 80, 2000 + flow, flag, ttl)
                        : Frames.udp(W2_MAC, EP2_MAC, "10.65.0.3", "10.65.0.2", 53, 1000 + flow, ttl, rnd.nextInt(30));
                case 2 -> Frames.icmpEcho(W2_MAC, EP2_MAC, "10.65.0.3", "10.65.0.2", 0, flow, ttl);
                default -> Frames.udp(W2_MAC, EP2_MAC, "10.65.0.3", "10.65.0.2", 7000 + flow, 53, ttl, 0);
            };
        }
        if ((clean || rnd.nextBoolean()) && !natBindings.isEmpty()) { // a reply to a source-NATed flow
            int[] b = natBindings.get(rnd.nextInt(natBindings.size()));
            return b[0] == Frames.TCP ? Frames.tcp(FABRIC_MAC, GW_MAC, "8.8.8.8", "192.168.0.10", b[2], b[1], flag, ttl)
                    : Frames.udp(FABRIC_MAC, GW_MAC, "8.8.8.8", "192.168.0.10", b[2], b[1], ttl, 3);
        }
        byte[] inner = rnd.nextBoolean() ? Frames.udp(0, 0, "10.65.1.5", "10.65.0.2", 53, 4000 + flow, ttl, 4)
                : Frames.udp(0, 0, "10.65.1.6", "10.65.0.3", 6000 + flow, 53, ttl, 4);
        return Frames.ipip(FABRIC_MAC, NODE2_MAC, "192.168.0.2", "192.168.0.10", inner);
    }

    /** Most frames stay whole; the rest get one of the damages the fused pass must leave to the graph. */
    private byte[] damage(byte[] f) {
        boolean ipv4 = Frames.ethertype(f) == 0x0800;
        int kind = rnd.nextInt(30);
        if (kind >= 10 || !ipv4) return f;
        ByteBuffer b = ByteBuffer.wrap(f);
        switch (kind) {
            case 0 -> setIp(f, 22, 1); // TTL 1: time exceeded
            case 1 -> f[24] ^= 0x5A; // header checksum
            case 2 -> setIp(f, 20, 0x20); // more fragments
            case 3 -> { // VLAN tag
                byte[] t = new byte[f.length + 4];
                System.arraycopy(f, 0, t, 0, 12);
                ByteBuffer.wrap(t).putShort(12, (short) 0x8100).putShort(14, (short) 7);
                System.arraycopy(f, 12, t, 16, f.length - 12);
                return t;
            }
            case 4 -> { // a 4-byte IP option (NOPs): IHL 6
                byte[] t = new byte[f.length + 4];
                System.arraycopy(f, 0, t, 0, 34);
                t[34] = t[35] = t[36] = t[37] = 1;
                System.arraycopy(f, 34, t, 38, f.length - 34);
                t[14] = 0x46;
                ByteBuffer.wrap(t).putShort(16, (short) (Frames.totalLength(f, 14) + 4)).putShort(24, (short) 0);
                ByteBuffer.wrap(t).putShort(24, (short) Frames.checksum(t, 14, 24, 0));
                return t;
            }
            case 5 -> b.putShort(0, (short) 0x0100).putInt(2, 0x5E00_0001); // multicast destination MAC
            case 6 -> b.putShort(0, (short) 0x0200).putInt(2, 0x0000_7777); // someone else's MAC
            case 7 -> { return java.util.Arrays.copyOf(f, 14 + rnd.nextInt(f.length - 14)); }
            case 8 -> f[14 + rnd.nextInt(f.length - 14)] ^= (byte) (1 << rnd.nextInt(8));
            default -> setIp(f, 22, 0); // TTL 0
        }
        return f;
    }

    /** Sets byte {@code off} of the frame and fixes the IPv4 header checksum. */
    private static void setIp(byte[] f, int off, int value) {
        f[off] = (byte) value;
        ByteBuffer.wrap(f).putShort(24, (short) 0);
        ByteBuffer.wrap(f).putShort(24, (short) Frames.checksum(f, 14, 20, 0));
    }

    private void learnNat(List<byte[]> sent) {
        for (byte[] f : sent) {
            if (Frames.ethertype(f) != 0x0800 || Frames.src(f, 14) != ip("192.168.0.10") || Frames.dst(f, 14) != ip("8.8.8.8")) continue;
            int proto = Frames.proto(f, 14);
            if (proto != Frames.TCP && proto != Frames.UDP) continue;
            int[] binding = {proto, Frames.u16(f, 34), Frames.u16(f, 36)};
            if (natBindings.stream().noneMatch(x -> java.util.Arrays.equals(x, binding))) natBindings.add(binding);
        }
    }
}
