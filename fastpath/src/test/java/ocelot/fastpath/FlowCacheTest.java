package ocelot.fastpath;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ocelot.acl.Action;
import ocelot.acl.Rule;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.state.Neighbour;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.Route;

import static ocelot.fastpath.Frames.ip;
import static ocelot.fastpath.Topology.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The established-flow fast path: packets of a tracked flow are forwarded from the result
 * cached in its conntrack entry, and every change that would route or admit them differently
 * (a published route or endpoint, a learned neighbour MAC, TTL running out) reaches the very
 * next packet. FLOW_CACHE_HIT tells which packets took the cache.
 */
class FlowCacheTest {
    static final long NEW_MAC = 0x0200_0000_0022L;
    /** Every flow tracked: without nat-outgoing these flows would otherwise take the stateless path (StatelessPathTest), which caches nothing. */
    Topology t = new Topology(ocelot.fastpath.worker.FastpathConfig.defaults().withStatelessPath(false));

    @AfterEach
    void close() {
        t.closeConserving();
    }

    /** One packet of ep1's UDP flow to {@code dst}, run through; returns what {@code out} sent. */
    List<byte[]> send(String dst, int ttl, ocelot.fastpath.port.SoftwarePort out) {
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", dst, 5000, 53, ttl, 8));
        t.run();
        return out.drainTransmitted();
    }

    @Test
    void aRouteChangeReachesTheNextPacketOfAnEstablishedFlow() {
        t.natOutgoing = false;
        t.publish();
        for (int k = 0; k < 3; k++) assertEquals(GW_MAC, Frames.dmac(send("8.8.8.8", 64, t.fabric).getFirst()));
        assertEquals(2, t.counter(Counter.FLOW_CACHE_HIT));

        t.extraRoutes.add(Route.of("8.8.8.0/24", new NextHop.Via(ip("192.168.0.2"), "fabric")));
        t.extraNeighbours.add(new Neighbour(ip("192.168.0.2"), NODE2_MAC, "fabric"));
        t.publish();
        List<byte[]> out = send("8.8.8.8", 64, t.fabric);
        assertEquals(NODE2_MAC, Frames.dmac(out.getFirst()), "the new route, not the cached one");
        assertEquals(2, t.counter(Counter.FLOW_CACHE_HIT));
        assertEquals(NODE2_MAC, Frames.dmac(send("8.8.8.8", 64, t.fabric).getFirst()));
        assertEquals(3, t.counter(Counter.FLOW_CACHE_HIT), "cached again under the new generation");

        t.extraRoutes.set(0, Route.of("8.8.8.0/24", new NextHop.Blackhole()));
        t.publish();
        assertEquals(0, send("8.8.8.8", 64, t.fabric).size());
        assertEquals(1, t.counter(Counter.DROP_BLACKHOLE));

        t.extraRoutes.set(0, Route.of("8.8.8.0/24", new NextHop.ToHost()));
        t.publish();
        assertEquals(1, send("8.8.8.8", 64, t.tap).size());
        assertEquals(3, t.counter(Counter.FLOW_CACHE_HIT));
    }

    @Test
    void aLearnedNeighbourChangeReachesTheNextPacketWithoutAPublish() {
        t.natOutgoing = false;
        t.staticGatewayNeighbour = false;
        t.publish();
        assertEquals(0x0806, Frames.ethertype(send("8.8.8.8", 64, t.fabric).getFirst())); // the ARP request
        t.fabric.inject(Frames.arpReply(FABRIC_MAC, GW_MAC, "192.168.0.1", "192.168.0.10"));
        t.run();
        assertEquals(GW_MAC, Frames.dmac(send("8.8.8.8", 64, t.fabric).getFirst()));
        assertEquals(GW_MAC, Frames.dmac(send("8.8.8.8", 64, t.fabric).getFirst()));
        assertEquals(1, t.counter(Counter.FLOW_CACHE_HIT));

        t.fabric.inject(Frames.arpReply(FABRIC_MAC, GW_MAC, "192.168.0.1", "192.168.0.10")); // same answer: cache stays
        t.run();
        assertEquals(GW_MAC, Frames.dmac(send("8.8.8.8", 64, t.fabric).getFirst()));
        assertEquals(2, t.counter(Counter.FLOW_CACHE_HIT));

        t.fabric.inject(Frames.arpReply(FABRIC_MAC, NEW_MAC, "192.168.0.1", "192.168.0.10")); // the gateway moved
        t.run();
        assertEquals(NEW_MAC, Frames.dmac(send("8.8.8.8", 64, t.fabric).getFirst()));
        assertEquals(2, t.counter(Counter.FLOW_CACHE_HIT));
        assertEquals(NEW_MAC, Frames.dmac(send("8.8.8.8", 64, t.fabric).getFirst()));
        assertEquals(3, t.counter(Counter.FLOW_CACHE_HIT));
    }

    @Test
    void policyChangesActOnEstablishedFlowsAsWithoutTheCache() {
        t.ep2Ingress = rules(Rule.builder(7).action(Action.ALLOW).src("10.65.0.2/32").protocol(17).dstPorts(53, 53).build());
        t.publish();
        for (int k = 0; k < 3; k++) assertEquals(1, send("10.65.0.3", 64, t.w2).size());
        assertEquals(2, t.counter(Counter.FLOW_CACHE_HIT));

        // ep2 now denies everything: conntrack still passes the established flow (only a flow's
        // first packet is classified), a new flow is refused
        t.ep2Ingress = rules();
        t.publish();
        assertEquals(1, send("10.65.0.3", 64, t.w2).size());
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5001, 53, 64, 8));
        t.run();
        assertEquals(0, t.w2.drainTransmitted().size());
        assertEquals(1, t.counter(Counter.DROP_POLICY_INGRESS));

        // ep1 no longer owns 10.65.0.2: anti-spoofing drops the established flow's next packet
        t.ep1Addresses = List.of(ip("10.65.0.4"));
        t.publish();
        assertEquals(0, send("10.65.0.3", 64, t.w2).size());
        assertEquals(1, t.counter(Counter.DROP_IP_SOURCE));
    }

    @Test
    void ttlExpiryOfAnEstablishedFlowIsAnsweredAndNotForwarded() {
        t.natOutgoing = false;
        t.publish();
        send("8.8.8.8", 64, t.fabric);
        send("8.8.8.8", 64, t.fabric);
        assertEquals(1, t.counter(Counter.FLOW_CACHE_HIT));
        assertEquals(0, send("8.8.8.8", 1, t.fabric).size());
        List<byte[]> back = t.w1.drainTransmitted();
        assertEquals(1, back.size());
        assertEquals(11, Frames.u8(back.getFirst(), 34)); // ICMP time exceeded
        assertEquals(1, t.counter(Counter.DROP_TTL_EXPIRED));
        assertEquals(63, Frames.ttl(send("8.8.8.8", 64, t.fabric).getFirst(), 14));
        assertEquals(2, t.counter(Counter.FLOW_CACHE_HIT));
    }

    @Test
    void cachedFlowsStillSourceNatTunnelAndTranslateReplies() {
        t.publish(); // nat-outgoing on, IPIP always
        int natPort = -1;
        for (int k = 0; k < 3; k++) {
            byte[] f = send("8.8.8.8", 64, t.fabric).getFirst();
            assertEquals(ip("192.168.0.10"), Frames.src(f, 14));
            if (natPort < 0) natPort = Frames.u16(f, 34);
            assertEquals(natPort, Frames.u16(f, 34));
            assertTrue(Frames.ipChecksumOk(f, 14) && Frames.l4ChecksumOk(f, 14));
        }
        for (int k = 0; k < 2; k++) {
            t.fabric.inject(Frames.udp(FABRIC_MAC, GW_MAC, "8.8.8.8", "192.168.0.10", 53, natPort, 60, 8));
            t.run();
            byte[] g = t.w1.drainTransmitted().getFirst();
            assertEquals(ip("10.65.0.2"), Frames.dst(g, 14));
            assertEquals(5000, Frames.u16(g, 36));
            assertEquals(EP1_MAC, Frames.dmac(g));
            assertTrue(Frames.ipChecksumOk(g, 14) && Frames.l4ChecksumOk(g, 14));
        }
        assertEquals(3, t.counter(Counter.FLOW_CACHE_HIT)); // 2 of 3 out, 1 of 2 back
        assertEquals(3, t.counter(Counter.SNAT));
        assertEquals(2, t.counter(Counter.SNAT_REVERSE));

        t.extraNeighbours.add(new Neighbour(ip("192.168.0.2"), NODE2_MAC, "fabric"));
        t.publish();
        for (int k = 0; k < 3; k++) {
            t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.1.7", 6000, 53, 64, 8));
            t.run();
            byte[] f = t.fabric.drainTransmitted().getFirst();
            assertEquals(4, Frames.proto(f, 14)); // IPIP
            assertEquals(ip("192.168.0.2"), Frames.dst(f, 14));
            assertEquals(ip("10.65.1.7"), Frames.dst(f, 34));
            assertEquals(63, Frames.ttl(f, 34));
            assertEquals(NODE2_MAC, Frames.dmac(f));
            assertTrue(Frames.ipChecksumOk(f, 14) && Frames.ipChecksumOk(f, 34));
        }
        assertEquals(3, t.counter(Counter.IPIP_ENCAP));
        assertEquals(5, t.counter(Counter.FLOW_CACHE_HIT));
    }
}
