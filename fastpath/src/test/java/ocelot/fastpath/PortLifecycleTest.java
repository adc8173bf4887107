package ocelot.fastpath;

import ocelot.acl.Classifier;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.port.SoftwarePort;
import ocelot.fastpath.state.Endpoint;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.Route;

import static ocelot.fastpath.Frames.ip;
import static ocelot.fastpath.Topology.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Workload ports joining and leaving a running node (invoker mode: deterministic). */
class PortLifecycleTest {
    static final long W3_MAC = 0xEEEE_EEEE_EE03L, EP3_MAC = 0x0A58_0A41_0004L;
    Topology t = new Topology();

    @AfterEach
    void close() {
        t.closeConserving();
    }

    private SoftwarePort w3() { return new SoftwarePort("w3", PortRole.WORKLOAD, W3_MAC, pool); }

    private void withEp3() {
        t.extraEndpoints.add(new Endpoint("ep3", "w3", EP3_MAC, List.of(ip("10.65.0.4")), (Classifier) null, (Classifier) null));
        t.extraRoutes.add(Route.of("10.65.0.4/32", new NextHop.ToEndpoint("ep3")));
    }

    /** w3 added at runtime and ep3 behind it published. */
    private SoftwarePort addW3WithEp3() {
        SoftwarePort w3 = w3();
        t.fastpath.control().addPort(w3);
        withEp3();
        t.publish();
        return w3;
    }

    private void withoutEp3() {
        t.extraEndpoints.clear();
        t.extraRoutes.clear();
    }

    private byte[] ep1ToEp3(int sport) { return Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.4", sport, 53, 64, 20); }

    @Test
    void aPortAddedAtRuntimeForwardsOnceAStateNamesIt() {
        t.publish();
        withEp3();
        assertThrows(IllegalArgumentException.class, () -> t.fastpath.control().publish(t.state()), "w3 does not exist yet");
        SoftwarePort w3 = w3();
        t.fastpath.control().addPort(w3);
        t.publish();
        t.w1.inject(ep1ToEp3(5000));
        w3.inject(Frames.udp(W3_MAC, EP3_MAC, "10.65.0.4", "10.65.0.2", 53, 5000, 64, 20));
        t.run();
        List<byte[]> out = w3.drainTransmitted();
        assertEquals(1, out.size(), t.fastpath.counters().describeNonZero());
        assertEquals(EP3_MAC, Frames.dmac(out.getFirst()));
        assertEquals(W3_MAC, Frames.smac(out.getFirst()));
        assertEquals(1, t.w1.drainTransmitted().size(), "the reply from the new port reached ep1");
        assertEquals(1, t.fastpath.counters().port("w3", CounterRecord.PORT_TX));
        assertEquals(1, t.fastpath.counters().port("w3", CounterRecord.PORT_RX));
        assertEquals(1, t.fastpath.counters().port("w1", CounterRecord.PORT_TX));
    }

    @Test
    void aPortTheStateStillUsesIsNotRemovedAndTheErrorNamesTheUser() {
        SoftwarePort w3 = addW3WithEp3();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.fastpath.control().removePort("w3"));
        assertTrue(e.getMessage().contains("w3") && e.getMessage().contains("ep3"), e.getMessage());
        // nothing changed: the port still forwards
        t.w1.inject(ep1ToEp3(5001));
        t.run();
        assertEquals(1, w3.drainTransmitted().size());
        assertEquals(List.of("w1", "w2", "fabric", "tap", "w3"), t.fastpath.ports().stream().map(p -> p.name()).toList());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> t.fastpath.control().removePort("w9"));
        assertTrue(unknown.getMessage().contains("w9"), unknown.getMessage());
    }

    @Test
    void removedPortIsNeverPolledOrSentToAndTheOthersKeepTheirCounters() {
        SoftwarePort w3 = addW3WithEp3();
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5000, 53, 64, 20));
        t.w1.inject(ep1ToEp3(5002));
        t.run();
        long w2Tx = t.fastpath.counters().port("w2", CounterRecord.PORT_TX);
        long w1Rx = t.fastpath.counters().port("w1", CounterRecord.PORT_RX);
        assertEquals(1, w2Tx);
        assertEquals(2, w1Rx);

        withoutEp3();
        t.publish();
        t.fastpath.control().removePort("w3");
        w3.close();
        w3.inject(Frames.udp(W3_MAC, EP3_MAC, "10.65.0.4", "10.65.0.2", 53, 5000, 64, 20));
        t.w1.inject(ep1ToEp3(5003)); // to ep3's old address: the default route takes it to the fabric, never to w3
        t.run();
        assertEquals(0, w3.usesAfterClose(), "the removed port was touched after removal");
        assertEquals(1, w3.pendingRx(), "the removed port is not polled");
        assertThrows(IllegalArgumentException.class, () -> t.fastpath.counters().port("w3", CounterRecord.PORT_TX));
        assertEquals(w2Tx, t.fastpath.counters().port("w2", CounterRecord.PORT_TX));
        assertEquals(w1Rx + 1, t.fastpath.counters().port("w1", CounterRecord.PORT_RX));
        assertEquals(List.of("w1", "w2", "fabric", "tap"), t.fastpath.ports().stream().map(p -> p.name()).toList());
        w3.drainTransmitted();
    }

    @Test
    void aReusedSlotStartsItsNewPortAtZero() {
        SoftwarePort w3 = w3();
        int slot = t.fastpath.control().addPort(w3);
        withEp3();
        t.publish();
        t.w1.inject(ep1ToEp3(5004));
        t.run();
        assertEquals(1, t.fastpath.counters().port("w3", CounterRecord.PORT_TX));
        withoutEp3();
        t.publish();
        t.fastpath.control().removePort("w3");
        w3.drainTransmitted();

        SoftwarePort w4 = new SoftwarePort("w4", PortRole.WORKLOAD, W3_MAC, pool);
        assertEquals(slot, t.fastpath.control().addPort(w4), "the freed slot is reused");
        assertEquals(0, t.fastpath.counters().port("w4", CounterRecord.PORT_TX));
        t.extraEndpoints.add(new Endpoint("ep3", "w4", EP3_MAC, List.of(ip("10.65.0.4")), (Classifier) null, (Classifier) null));
        t.extraRoutes.add(Route.of("10.65.0.4/32", new NextHop.ToEndpoint("ep3")));
        t.publish();
        t.w1.inject(ep1ToEp3(5005));
        t.run();
        assertEquals(1, w4.drainTransmitted().size());
        assertEquals(1, t.fastpath.counters().port("w4", CounterRecord.PORT_TX));
        assertEquals(2, t.fastpath.counters().port(slot, CounterRecord.PORT_TX), "by slot: both ports' packets");
    }

    @Test
    void duplicateNamesAndAFullTableAreRefusedNamingThePort() {
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> t.fastpath.control().addPort(new SoftwarePort("w1", PortRole.WORKLOAD, W3_MAC, pool)));
        assertTrue(dup.getMessage().contains("w1"), dup.getMessage());
        try (Topology small = new Topology(ocelot.fastpath.worker.FastpathConfig.defaults().withMaxPorts(4))) {
            IllegalStateException full = assertThrows(IllegalStateException.class, () -> small.fastpath.control().addPort(w3()));
            assertTrue(full.getMessage().contains("w3") && full.getMessage().contains("maxPorts"), full.getMessage());
        }
    }

    @Test
    void aBurstToManyPortsSendsEachItsPacketsInOrder() {
        SoftwarePort w3 = addW3WithEp3();
        for (int i = 0; i < 30; i++) {
            t.w1.inject(i % 3 == 0 ? ep1ToEp3(6000 + i) : Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", i % 3 == 1 ? "10.65.0.3" : "10.99.0.1", 6000 + i, 53, 64, 20));
        }
        t.run();
        List<byte[]> to3 = w3.drainTransmitted(), to2 = t.w2.drainTransmitted();
        assertEquals(10, to3.size());
        assertEquals(10, to2.size());
        for (int k = 0; k < 10; k++) {
            assertEquals(6000 + 3 * k, Frames.u16(to3.get(k), 34), "order kept on w3");
            assertEquals(6001 + 3 * k, Frames.u16(to2.get(k), 34), "order kept on w2");
        }
        assertEquals(10, t.counter(Counter.DROP_BLACKHOLE));
    }
}
