package ocelot.fastpath;

import static ocelot.fastpath.Topology.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import ocelot.acl.Action;
import ocelot.acl.Rule;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.port.SoftwarePort;
import ocelot.fastpath.state.DataplaneState;
import ocelot.fastpath.state.HostEndpointPolicy;
import ocelot.fastpath.state.IpPool;
import ocelot.fastpath.state.Neighbour;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.NodeAddress;
import ocelot.fastpath.state.Route;
import ocelot.fastpath.worker.Fastpath;
import ocelot.fastpath.worker.FastpathConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A router's ports (the node process in router mode): two RACK ports and a FABRIC border
 * uplink. natOutgoing translates only at the border; a host endpoint's forward stages classify
 * flows forwarded in and out of their port, not the host's own traffic.
 */
class RouterPortTest {
    static final long RACK1_MAC = 0x0200_0000_0A01L, RACK2_MAC = 0x0200_0000_0A02L, UP_MAC = 0x0200_0000_0B01L, TAP_MAC = 0x0200_0000_0BFFL;
    static final long NODE1_MAC = 0x0200_0000_1101L, NODE2_MAC = 0x0200_0000_1102L, SPINE_MAC = 0x0200_0000_2201L;
    final SoftwarePort rack1 = new SoftwarePort("rack1", PortRole.RACK, RACK1_MAC, Topology.sharedPool());
    final SoftwarePort rack2 = new SoftwarePort("rack2", PortRole.RACK, RACK2_MAC, Topology.sharedPool());
    final SoftwarePort up = new SoftwarePort("up", PortRole.FABRIC, UP_MAC, Topology.sharedPool());
    final SoftwarePort tap = new SoftwarePort("tap", PortRole.EXCEPTION, TAP_MAC, Topology.sharedPool());
    final Fastpath fastpath = new Fastpath(List.of(rack1, rack2, up, tap), FastpathConfig.defaults(), () -> 1_000_000_000L);

    @AfterEach
    void close() {
        long rx = fastpath.counters().get(Counter.RX), tx = fastpath.counters().get(Counter.TX);
        long drop = fastpath.counters().get(Counter.DROPPED), punt = fastpath.counters().get(Counter.PUNTED);
        fastpath.close();
        for (SoftwarePort p : List.of(rack1, rack2, up, tap)) p.drainTransmitted();
        assertEquals(rx, tx + drop + punt, "rx == tx + drop + punt");
        assertEquals(0, Topology.pool.inUse(), "every mbuf went back to the pool");
    }

    DataplaneState state(List<HostEndpointPolicy> hosts) {
        return new DataplaneState(NodeAddress.of("10.0.0.1/24"), List.of(Frames.ip("10.1.1.1"), Frames.ip("10.1.2.1")), List.of(),
                List.of(Route.of("10.1.1.0/24", new NextHop.Via(0, "rack1")), Route.of("10.1.2.0/24", new NextHop.Via(0, "rack2")),
                        Route.of("10.0.0.0/24", new NextHop.Via(0, "up")),
                        Route.of("10.65.1.0/26", new NextHop.Via(Frames.ip("10.1.1.2"), "rack1")),
                        Route.of("10.65.2.0/26", new NextHop.Via(Frames.ip("10.1.2.2"), "rack2")),
                        Route.of("172.31.0.0/24", new NextHop.Via(Frames.ip("10.0.0.2"), "up"))),
                List.of(IpPool.of("10.65.0.0/16", IpPool.IpipMode.NEVER, true)),
                List.of(new Neighbour(Frames.ip("10.1.1.2"), NODE1_MAC, "rack1"), new Neighbour(Frames.ip("10.1.2.2"), NODE2_MAC, "rack2"),
                        new Neighbour(Frames.ip("10.0.0.2"), SPINE_MAC, "up")), TAP_MAC).withHostEndpoints(hosts);
    }

    void run() {
        fastpath.pollUntilIdle(1000);
    }

    @Test
    void natOutgoingOnlyAtTheBorder() {
        fastpath.control().publish(state(List.of()));
        rack1.inject(Frames.udp(RACK1_MAC, NODE1_MAC, "10.65.1.5", "172.31.0.9", 5000, 53, 64, 8));
        rack1.inject(Frames.udp(RACK1_MAC, NODE1_MAC, "10.65.1.5", "10.1.2.2", 5001, 53, 64, 8));
        rack1.inject(Frames.udp(RACK1_MAC, NODE1_MAC, "10.65.1.5", "10.65.2.7", 5002, 53, 64, 8));
        run();
        List<byte[]> border = up.drainTransmitted();
        assertEquals(1, border.size());
        assertEquals(Frames.ip("10.0.0.1"), Frames.u32(border.getFirst(), 26), "leaving the fabric: source NATed to the border's address");
        List<byte[]> rack = rack2.drainTransmitted();
        assertEquals(2, rack.size());
        for (byte[] f : rack) assertEquals(Frames.ip("10.65.1.5"), Frames.u32(f, 26), "into the rack (a node's address, a pool): source kept");
        assertEquals(1, fastpath.counters().get(Counter.SNAT));
        assertEquals(2, fastpath.counters().get(Counter.STATELESS_FORWARDS), "rack to rack needs no conntrack; the border's NAT does");
        // the reply to the translated flow finds its way back to the rack node
        up.inject(Frames.udp(UP_MAC, SPINE_MAC, "172.31.0.9", "10.0.0.1", 53, Frames.u16(border.getFirst(), 34), 64, 8));
        run();
        List<byte[]> back = rack1.drainTransmitted();
        assertEquals(1, back.size());
        assertEquals(Frames.ip("10.65.1.5"), Frames.u32(back.getFirst(), 30));
        assertEquals(5000, Frames.u16(back.getFirst(), 36));
    }

    @Test
    void forwardStagesClassifyForwardedFlowsOnTheirPortOnly() {
        var egress = rules(Rule.builder(1).action(Action.DENY).protocol(17).dstPorts(9999, 9999).build(),
                Rule.builder(2).action(Action.ALLOW).build());
        var ingress = rules(Rule.builder(3).action(Action.DENY).protocol(17).dstPorts(7777, 7777).build(),
                Rule.builder(4).action(Action.ALLOW).build());
        fastpath.control().publish(state(List.of(new HostEndpointPolicy("up", null, null, List.of(ingress), List.of(egress)))));
        rack1.inject(Frames.udp(RACK1_MAC, NODE1_MAC, "10.65.1.5", "172.31.0.9", 5000, 9999, 64, 8));
        rack1.inject(Frames.udp(RACK1_MAC, NODE1_MAC, "10.65.1.5", "172.31.0.9", 5001, 9998, 64, 8));
        rack1.inject(Frames.udp(RACK1_MAC, NODE1_MAC, "10.65.1.5", "10.65.2.7", 5002, 9999, 64, 8));
        run();
        List<byte[]> border = up.drainTransmitted();
        assertEquals(1, border.size(), "9999 out of the border denied, 9998 allowed");
        assertEquals(9998, Frames.u16(border.getFirst(), 36));
        assertEquals(1, rack2.drainTransmitted().size(), "9999 between the racks: no policy on those ports");
        assertEquals(1, fastpath.counters().get(Counter.DROP_POLICY_EGRESS));

        up.inject(Frames.udp(UP_MAC, SPINE_MAC, "172.31.0.9", "10.65.1.5", 4000, 7777, 64, 8));
        up.inject(Frames.udp(UP_MAC, SPINE_MAC, "172.31.0.9", "10.65.1.5", 4001, 7778, 64, 8));
        run();
        List<byte[]> in = rack1.drainTransmitted();
        assertEquals(1, in.size(), "7777 forwarded in through the border denied, 7778 allowed");
        assertEquals(7778, Frames.u16(in.getFirst(), 36));
        assertEquals(1, fastpath.counters().get(Counter.DROP_POLICY_INGRESS));

        // the host's own traffic is not forwarded traffic: forward stages do not apply to it
        tap.inject(Frames.udp(TAP_MAC, UP_MAC, "10.0.0.1", "172.31.0.9", 6000, 9999, 64, 8));
        run();
        assertEquals(1, up.drainTransmitted().size());
    }
}
