package ocelot.fastpath.node;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import ocelot.fastpath.conntrack.ConntrackTable;
import ocelot.fastpath.conntrack.ConntrackTimeouts;
import ocelot.fastpath.conntrack.FlowState;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.packet.Ipv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The IPv6 side of the NAT port allocator: workers' shares are disjoint (no two workers can
 * hand out the same binding), a port is free exactly when no IPv6 flow's reply tuple uses it,
 * an expired flow's binding is taken over (and counted), and only TCP, UDP and echo requests
 * translate. The IPv4 allocator is held to the same (port skipping and expired takeover).
 */
class NatPortsTest {
    static final ConntrackTimeouts T = ConntrackTimeouts.linuxDefaults();
    static final long NODE_HI = 0xFD00_0192_0000_0000L, NODE_LO = 0x10, DST_HI = 0x2001_0DB8_0000_0000L, DST_LO = 0x53;

    @Test
    void workersSharesAreDisjointAndCoverTheRange() {
        Set<Integer> seen = new HashSet<>();
        for (int w = 0; w < 3; w++) {
            NatPorts ports = NatPorts.share(w, 3);
            ConntrackTable ct6 = ConntrackTable.forIpv6(1 << 14);
            try (CounterRecord counters = new CounterRecord(0)) {
                for (int k = 0; k < (60999 - 32768 + 1) / 3; k++) {
                    int p = ports.allocate6(ct6, NODE_HI, NODE_LO, DST_HI, DST_LO, 53, Ipv4.PROTO_UDP, 0, counters);
                    assertTrue(p >= 32768 && p <= 60999, "port " + p);
                    assertTrue(seen.add(p), "port " + p + " handed out twice (worker " + w + ")");
                    bind(ct6, k, p, 0);
                }
            }
        }
        assertEquals(60999 - 32768 + 1 - (60999 - 32768 + 1) % 3, seen.size());
    }

    @Test
    void aBoundPortIsSkippedAndAnExpiredBindingIsTakenOver() {
        NatPorts ports = new NatPorts(40000, 40063); // exactly MAX_PROBES ports
        ConntrackTable ct6 = ConntrackTable.forIpv6(128);
        try (CounterRecord counters = new CounterRecord(0)) {
            for (int k = 0; k < 64; k++) bind(ct6, k, ports.allocate6(ct6, NODE_HI, NODE_LO, DST_HI, DST_LO, 53, Ipv4.PROTO_UDP, 0, counters), 0);
            assertEquals(-1, ports.allocate6(ct6, NODE_HI, NODE_LO, DST_HI, DST_LO, 53, Ipv4.PROTO_UDP, 0, counters), "all 64 bound");
            assertTrue(ports.allocate6(ct6, NODE_HI, NODE_LO, DST_HI, DST_LO, 54, Ipv4.PROTO_UDP, 0, counters) >= 40000, "another remote port is another binding");
            assertTrue(ports.allocate6(ct6, NODE_HI, NODE_LO, DST_HI, DST_LO, 53, Ipv4.PROTO_TCP, 0, counters) >= 40000, "another protocol too");
            assertEquals(0, counters.get(Counter.CT_EXPIRED));
            long later = 31_000_000_000L; // the unreplied-UDP timeout is 30 s
            int p = ports.allocate6(ct6, NODE_HI, NODE_LO, DST_HI, DST_LO, 53, Ipv4.PROTO_UDP, later, counters);
            assertTrue(p >= 40000 && p <= 40063, "an expired binding: " + p);
            assertEquals(1, counters.get(Counter.CT_EXPIRED));
            assertEquals(63, ct6.size());
        }
    }

    @Test
    void ipv4ABoundPortIsSkippedAndAnExpiredBindingIsTakenOver() {
        int node = Ipv4.parse("192.168.0.10"), dst = Ipv4.parse("1.1.1.1");
        NatPorts ports = new NatPorts(40000, 40063); // exactly MAX_PROBES ports
        ConntrackTable ct = new ConntrackTable(128);
        try (CounterRecord counters = new CounterRecord(0)) {
            Set<Integer> bound = new HashSet<>();
            for (int k = 0; k < 64; k++) {
                int p = ports.allocate(ct, node, dst, 53, Ipv4.PROTO_UDP, 0, counters);
                assertTrue(bound.add(p), "port " + p + " handed out twice");
                bind4(ct, k, node, dst, p, k < 32 ? 0 : 20_000_000_000L);
            }
            assertEquals(-1, ports.allocate(ct, node, dst, 53, Ipv4.PROTO_UDP, 25_000_000_000L, counters), "all 64 bound, none expired yet");
            assertTrue(ports.allocate(ct, node, dst, 54, Ipv4.PROTO_UDP, 0, counters) >= 40000, "another remote port is another binding");
            assertTrue(ports.allocate(ct, node, Ipv4.parse("1.1.1.2"), 53, Ipv4.PROTO_UDP, 0, counters) >= 40000, "another remote address too");
            assertEquals(0, counters.get(Counter.CT_EXPIRED));
            // 31 s: the first 32 flows (created at 0) are past the unreplied-UDP timeout, the others (created at 20 s) not
            long later = 31_000_000_000L;
            for (int k = 0; k < 32; k++) {
                int p = ports.allocate(ct, node, dst, 53, Ipv4.PROTO_UDP, later, counters);
                assertTrue(p >= 40000 && p <= 40063, "an expired binding: " + p);
                bind4(ct, 100 + k, node, dst, p, later);
            }
            assertEquals(32, counters.get(Counter.CT_EXPIRED));
            assertEquals(-1, ports.allocate(ct, node, dst, 53, Ipv4.PROTO_UDP, later, counters), "the live bindings are not taken");
            assertEquals(64, ct.size());
        }
    }

    @Test
    void onlyTcpUdpAndEchoRequestsTranslate() {
        NatPorts ports = NatPorts.share(0, 1);
        assertTrue(ports.translatable6(Ipv4.PROTO_TCP, -1));
        assertTrue(ports.translatable6(Ipv4.PROTO_UDP, -1));
        assertTrue(ports.translatable6(Ipv4.PROTO_ICMPV6, 128));
        assertFalse(ports.translatable6(Ipv4.PROTO_ICMPV6, 129), "an echo reply starts no flow to translate");
        assertFalse(ports.translatable6(Ipv4.PROTO_ICMPV6, 1));
        assertFalse(ports.translatable6(132, -1), "SCTP: no ports known to NAT");
        assertThrows(IllegalArgumentException.class, () -> new NatPorts(80, 90));
    }

    /** A NATed IPv4 UDP flow from endpoint 10.65.0.x (x from {@code k}) bound to {@code port}, as PolicyNode creates it. */
    private static void bind4(ConntrackTable ct, int k, int node, int dst, int port, long nowNs) {
        assertTrue(port > 0);
        int src = Ipv4.parse("10.65.0.2") + k;
        int f = ct.create(src, dst, 1024 + k, 53, dst, node, 53, port, Ipv4.PROTO_UDP, FlowState.UDP_UNREPLIED, nowNs, T);
        ct.setNat(f, src, 1024 + k);
    }

    /** A NATed UDP flow from endpoint source {@code k} bound to {@code port}. */
    private static void bind(ConntrackTable ct6, int k, int port, long nowNs) {
        assertTrue(port > 0);
        ct6.create6Nat(0xFD00_0065_0000_0000L, 2 + k, DST_HI, DST_LO, 1024 + k, 53, NODE_HI, NODE_LO, 53, port,
                Ipv4.PROTO_UDP, FlowState.UDP_UNREPLIED, nowNs, T);
    }
}
