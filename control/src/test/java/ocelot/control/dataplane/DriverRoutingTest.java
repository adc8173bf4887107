package ocelot.control.dataplane;

import static ocelot.control.dataplane.TestNode.CALI1_MAC;
import static ocelot.control.dataplane.TestNode.EP1_MAC;
import static ocelot.control.dataplane.TestNode.GW_MAC;
import static ocelot.control.dataplane.TestNode.PEER_MAC;
import static ocelot.control.dataplane.TestNode.TAP_MAC;
import static ocelot.control.dataplane.TestNode.UPLINK_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import ocelot.bgp.wire.Prefix;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.node.LearnedRouteTable;
import ocelot.fastpath.Frames;
import ocelot.fastpath.counter.Counter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes and pools through the driver: BGP-learned routes via the uplink (plain and IPIP for a
 * cross-subnet pool), NAT outgoing to the fabric, and the host endpoint on the uplink with
 * Calico's failsafe ports. Node 10.0.0.1/24, default gateway 10.0.0.254, ep1 10.65.0.2 on cali1.
 */
class DriverRoutingTest {
    static final String POOLS = """
            - apiVersion: v1
              kind: ipPool
              metadata: {cidr: 10.67.0.0/16}
              spec:
                ipip: {enabled: true, mode: cross-subnet}
            """;

    @TempDir
    Path dir;
    TestNode node;
    final LearnedRouteTable learned = new LearnedRouteTable(TestNode.NODE);
    int sourcePort = 30000;

    @BeforeEach
    void start() {
        node = new TestNode(dir, EmbeddedDatastore.Options.DEFAULTS, DataplaneDriverTest.BASE + POOLS, learned);
        resolve("10.0.0.254", GW_MAC);
        resolve("10.0.0.2", PEER_MAC);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    /** Teaches the fastpath a fabric neighbour, as its ARP reply would. */
    void resolve(String address, long mac) {
        node.send(node.uplink, Frames.arpReply(UPLINK_MAC, mac, address, "10.0.0.1"));
        node.tap.drainTransmitted(); // the kernel sees the reply too
        node.uplink.drainTransmitted();
    }

    byte[] fromEp1(String dst) {
        node.send(node.cali1, Frames.udp(CALI1_MAC, EP1_MAC, "10.65.0.2", dst, sourcePort++, 7000, 64, 16));
        List<byte[]> out = node.uplink.drainTransmitted();
        return out.isEmpty() ? null : out.getLast();
    }

    @Test
    void aLearnedRouteForwardsViaItsNextHopAndItsWithdrawalStopsIt() throws Exception {
        learned.install(Prefix.parse("10.66.1.0/26"), InetAddress.getByName("10.0.0.2"));
        node.driver.sync();
        byte[] out = fromEp1("10.66.1.5");
        assertEquals(PEER_MAC, Frames.dmac(out), "to the BGP next hop");
        assertEquals(Frames.UDP, Frames.proto(out, 14));
        learned.remove(Prefix.parse("10.66.1.0/26"));
        node.driver.sync();
        out = fromEp1("10.66.1.5");
        assertEquals(GW_MAC, Frames.dmac(out), "withdrawn: the default route takes it");
    }

    /**
     * BGP multipath through the driver: a learned route with two next hops is one resilient ECMP
     * route; flows spread over both; one member leaving (as BFD next-hop tracking removes it)
     * moves exactly the flows it carried, the survivor's flows stay where they were.
     */
    @Test
    void aMultipathRouteSpreadsFlowsAndALeavingMemberMovesOnlyItsOwn() throws Exception {
        long secondMac = 0x0200_0000_0A03L;
        resolve("10.0.0.3", secondMac);
        Prefix p = Prefix.parse("10.66.2.0/24");
        learned.installMultipath(p, List.of(InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.3")));
        node.driver.sync();
        int flows = 400;
        long[] before = new long[flows];
        int onSecond = 0;
        for (int f = 0; f < flows; f++) {
            before[f] = Frames.dmac(flow(f));
            assertTrue(before[f] == PEER_MAC || before[f] == secondMac, "flow " + f + " to a member");
            if (before[f] == secondMac) onSecond++;
        }
        assertTrue(onSecond > flows / 5 && onSecond < flows * 4 / 5, "flows spread over both members: " + onSecond + " of " + flows + " on the second");

        learned.install(p, InetAddress.getByName("10.0.0.2"));
        node.driver.sync();
        for (int f = 0; f < flows; f++) {
            assertEquals(PEER_MAC, Frames.dmac(flow(f)), "flow " + f + ": on the survivor (it was on " + Long.toHexString(before[f]) + ")");
        }
        learned.installMultipath(p, List.of(InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.3")));
        node.driver.sync();
        for (int f = 0; f < flows; f++) assertEquals(before[f], Frames.dmac(flow(f)), "flow " + f + ": back where it was with both members");
    }

    /** One of many 5-tuples to 10.66.2.0/24 (same source port for the same flow number). */
    private byte[] flow(int f) {
        node.send(node.cali1, Frames.udp(CALI1_MAC, EP1_MAC, "10.65.0.2", "10.66.2." + (1 + f % 200), 20000 + f, 7000, 64, 16));
        List<byte[]> out = node.uplink.drainTransmitted();
        assertEquals(1, out.size(), "flow " + f + " forwarded once");
        return out.getFirst();
    }

    @Test
    void aCrossSubnetPoolTunnelsOnlyToNodesOnAnotherSubnet() throws Exception {
        learned.install(Prefix.parse("10.67.1.0/26"), InetAddress.getByName("10.1.0.2"));
        learned.install(Prefix.parse("10.67.2.0/26"), InetAddress.getByName("10.0.0.2"));
        node.driver.sync();
        byte[] far = fromEp1("10.67.1.9");
        assertEquals(Frames.IPIP, Frames.proto(far, 14), "another subnet: IPIP");
        assertEquals(Frames.ip("10.0.0.1"), Frames.src(far, 14));
        assertEquals(Frames.ip("10.1.0.2"), Frames.dst(far, 14), "to the remote node");
        assertEquals(GW_MAC, Frames.dmac(far), "through the default gateway");
        assertEquals(Frames.ip("10.67.1.9"), Frames.dst(far, 34), "the inner packet unchanged but for the TTL");
        byte[] near = fromEp1("10.67.2.9");
        assertEquals(Frames.UDP, Frames.proto(near, 14), "same subnet: routed natively");
        assertEquals(PEER_MAC, Frames.dmac(near));
    }

    @Test
    void natOutgoingSourceNatsTrafficLeavingThePools() throws Exception {
        byte[] out = fromEp1("10.0.0.254");
        assertEquals(Frames.ip("10.0.0.1"), Frames.src(out, 14), "natOutgoing: the node's address");
        node.apply("""
                apiVersion: v1
                kind: ipPool
                metadata: {cidr: 10.65.0.0/16}
                spec: {nat-outgoing: false}
                """);
        out = fromEp1("10.0.0.254");
        assertEquals(Frames.ip("10.65.0.2"), Frames.src(out, 14), "natOutgoing off: the workload's own address");
    }

    @Test
    void ipv6EndpointsAndLearnedRoutes() throws Exception {
        node.apply(DataplaneDriverTest.endpoint("ep1", "cali1", "0a:58:0a:41:00:02", "10.65.0.2/32, fd00:65::2/128", "role: client", "open")
                + DataplaneDriverTest.endpoint("ep2", "cali2", "0a:58:0a:41:00:03", "fd00:65::3/128", "role: server", "open"));
        node.send(node.cali1, ocelot.fastpath.Frames6.udp(CALI1_MAC, EP1_MAC, "fd00:65::2", "fd00:65::3", 4000, 5000, 64));
        List<byte[]> out = node.cali2.drainTransmitted();
        assertEquals(1, out.size(), "IPv6 to an IPv6-only endpoint");
        assertEquals(63, ocelot.fastpath.Frames6.hopLimit(out.getFirst()));
        learned.install(Prefix.parse("fd00:66::/64"), InetAddress.getByName("fd00:10::2"));
        node.driver.sync();
        assertTrue(node.driver.published().ipv6().routes().stream().anyMatch(r -> r.length() == 64
                && r.nextHop() instanceof ocelot.fastpath.state.NextHop.Via6 v && ocelot.fastpath.state.Ip6.parse("fd00:10::2").equals(v.address())),
                node.driver.published().ipv6().routes().toString());
        node.send(node.cali1, ocelot.fastpath.Frames6.udp(CALI1_MAC, EP1_MAC, "fd00:65::2", "fd00:66::9", 4001, 5000, 64));
        out = node.uplink.drainTransmitted();
        assertEquals(1, out.size(), "the learned route's next hop is solicited on the uplink");
        assertEquals(ocelot.fastpath.Frames6.ICMPV6, ocelot.fastpath.Frames6.next(out.getFirst()));
    }

    int toHost(int protocol, int dport) {
        byte[] frame = protocol == Frames.TCP
                ? Frames.tcp(UPLINK_MAC, GW_MAC, "10.0.0.254", "10.0.0.1", sourcePort++, dport, 0x02, 64)
                : Frames.udp(UPLINK_MAC, GW_MAC, "10.0.0.254", "10.0.0.1", sourcePort++, dport, 64, 8);
        node.send(node.uplink, frame);
        return node.tap.drainTransmitted().size();
    }

    @Test
    void aHostEndpointOnTheUplinkKeepsTheFailsafePortsOpen() throws Exception {
        assertEquals(1, toHost(Frames.TCP, 80), "no host endpoint: the host is open");
        node.apply("""
                apiVersion: v1
                kind: hostEndpoint
                metadata: {name: uplink, node: node1, labels: {role: host}}
                spec: {interfaceName: uplink}
                """);
        assertEquals(0, toHost(Frames.TCP, 80), "a host endpoint without policy denies");
        for (int port : Failsafe.INBOUND_TCP) assertEquals(1, toHost(Frames.TCP, port), "failsafe TCP " + port);
        assertEquals(1, toHost(Frames.UDP, 68), "failsafe DHCP");
        assertEquals(0, toHost(Frames.UDP, 53), "DNS is failsafe outbound only");
        node.tap.inject(Frames.tcp(UPLINK_MAC, TAP_MAC, "10.0.0.1", "10.0.0.2", 41000, 179, 0x02, 64));
        node.tap.inject(Frames.tcp(UPLINK_MAC, TAP_MAC, "10.0.0.1", "10.0.0.2", 41001, 443, 0x02, 64));
        node.fastpath.pollUntilIdle(16);
        List<byte[]> out = node.uplink.drainTransmitted();
        assertEquals(1, out.size(), "BGP out is failsafe, 443 is not");
        assertEquals(179, Frames.u16(out.getFirst(), 36));
        node.apply("""
                apiVersion: v1
                kind: policy
                metadata: {name: web-on-hosts}
                spec:
                  selector: role == 'host'
                  ingress: [{action: allow, protocol: tcp, destination: {ports: [80]}}]
                  egress: [{action: allow}]
                """);
        assertEquals(1, toHost(Frames.TCP, 80), "a policy on the host endpoint opens port 80");
        assertEquals(0, toHost(Frames.TCP, 81));
        assertTrue(node.fastpath.counters().get(Counter.DROP_POLICY_INGRESS) >= 3);
    }
}
