package ocelot.fastpath;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import ocelot.acl.Classifier;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.port.SoftwarePort;
import ocelot.fastpath.state.Endpoint;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.Route;
import ocelot.fastpath.worker.FastpathConfig;
import ocelot.fastpath.worker.IdleMode;

import static ocelot.fastpath.Frames.ip;
import static ocelot.fastpath.Topology.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two worker threads forward a stream to a workload port while it is unpublished and removed:
 * once {@code removePort} returns, nothing may touch the port (a closed software port counts
 * every receive or transmit), and every mbuf of the stream, including those in flight to the
 * port at the swap, is sent, dropped or punted exactly once.
 */
class PortRemovalUnderTrafficTest {
    private static SoftwarePort addW3(Topology t) {
        SoftwarePort w3 = new SoftwarePort("w3", PortRole.WORKLOAD, 0xEEEE_EEEE_EE03L, pool);
        t.fastpath.control().addPort(w3);
        return w3;
    }

    @Test
    void removePortReturnsOnlyWhenNoWorkerCanTouchThePort() throws Exception {
        Topology t = new Topology(FastpathConfig.defaults().withWorkers(2).withIdle(IdleMode.BACKOFF));
        try {
            SoftwarePort w3 = addW3(t);
            t.extraEndpoints.add(new Endpoint("ep3", "w3", 0x0A58_0A41_0004L, List.of(ip("10.65.0.4")), (Classifier) null, (Classifier) null));
            t.extraRoutes.add(Route.of("10.65.0.4/32", new NextHop.ToEndpoint("ep3")));
            t.publish();
            t.fastpath.start();
            int sent = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // traffic until the port has carried some, so the removal meets packets in flight
            while (t.fastpath.counters().port("w3", ocelot.fastpath.counter.CounterRecord.PORT_TX) < 200 && System.nanoTime() < deadline) {
                for (int i = 0; i < 32; i++) t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.4", 1024 + (sent++ & 0x3FFF), 53, 64, 20));
                Thread.onSpinWait();
            }
            for (int i = 0; i < 256; i++) t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.4", 1024 + (sent++ & 0x3FFF), 53, 64, 20));
            t.extraEndpoints.clear();
            t.extraRoutes.clear();
            t.publish();
            t.fastpath.control().removePort("w3");
            w3.close();
            for (int i = 0; i < 512; i++) t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.4", 1024 + (sent++ & 0x3FFF), 53, 64, 20));
            while ((t.w1.pendingRx() > 0 || t.counter(Counter.RX) < sent) && System.nanoTime() < deadline) Thread.sleep(5);
            t.fastpath.close();
            assertEquals(sent, t.counter(Counter.RX), "every frame was received before the deadline");
            assertEquals(0, w3.usesAfterClose(), "a worker touched the port after removePort returned");
            assertEquals(0, t.fastpath.workerErrors());
            assertTrue(w3.drainTransmitted().size() >= 200);
        } finally {
            t.closeConserving();
        }
    }

    @Test
    void endpointsComingAndGoingWithTheirRoutesUnderTraffic() throws Exception {
        Topology t = new Topology(FastpathConfig.defaults().withWorkers(2).withIdle(IdleMode.BACKOFF));
        try {
            SoftwarePort w3 = addW3(t);
            t.publish();
            t.fastpath.start();
            int sent = 0;
            // each publish moves the route table in place: ep3 and its /32 appear and vanish while
            // workers forward to its address (never to a next hop or endpoint their snapshot lacks)
            for (int round = 0; round < 300; round++) {
                if (round % 2 == 0) {
                    t.extraEndpoints.add(new Endpoint("ep3", "w3", 0x0A58_0A41_0004L, List.of(ip("10.65.0.4")), (Classifier) null, (Classifier) null));
                    t.extraRoutes.add(Route.of("10.65.0.4/32", new NextHop.ToEndpoint("ep3")));
                } else {
                    t.extraEndpoints.clear();
                    t.extraRoutes.clear();
                }
                t.publish();
                for (int i = 0; i < 8; i++) t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.4", 1024 + (sent++ & 0x3FFF), 53, 64, 20));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((t.w1.pendingRx() > 0 || t.counter(Counter.RX) < sent) && System.nanoTime() < deadline) Thread.sleep(5);
            t.fastpath.close();
            assertEquals(sent, t.counter(Counter.RX), "every frame was received before the deadline");
            assertEquals(0, t.fastpath.workerErrors(), "a worker failed while the routes moved");
            w3.drainTransmitted();
        } finally {
            t.closeConserving();
        }
    }
}
