package ocelot.fastpath;

import ocelot.acl.Classifier;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import ocelot.dpdk.DpdkPort;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.port.DpdkEthPort;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.state.Endpoint;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.Route;
import ocelot.fastpath.worker.FastpathConfig;

import static ocelot.fastpath.Frames.ip;
import static ocelot.fastpath.Topology.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real DPDK device created while the node runs ({@code DpdkPort.createVdev}, a net_ring
 * loopback: what the fastpath sends on it comes back as received), added, forwarded to,
 * removed and closed; the mempool gets every mbuf back.
 */
@Tag("dpdk")
class RuntimeVdevPortTest {
    static final long EP3_MAC = 0x0A58_0A41_0004L;

    @Test
    void aVdevCreatedAtRuntimeJoinsForwardsAndLeavesCleanly() {
        Topology t = new Topology();
        String vdev = "net_ring_rt" + ProcessHandle.current().pid();
        DpdkPort device = DpdkPort.createVdev(vdev, "", pool, DpdkPort.Config.defaults());
        try {
            DpdkEthPort w3 = new DpdkEthPort("w3", device, PortRole.WORKLOAD, 0xEEEE_EEEE_EE03L);
            t.fastpath.control().addPort(w3);
            t.extraEndpoints.add(new Endpoint("ep3", "w3", EP3_MAC, List.of(ip("10.65.0.4")), (Classifier) null, (Classifier) null));
            t.extraRoutes.add(Route.of("10.65.0.4/32", new NextHop.ToEndpoint("ep3")));
            t.publish();
            t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.4", 5000, 53, 64, 20));
            t.run();
            // sent on the ring, received back from it: addressed to ep3's MAC, not the port's, so not for us
            assertEquals(1, t.fastpath.counters().port("w3", CounterRecord.PORT_TX), t.fastpath.counters().describeNonZero());
            assertEquals(1, t.fastpath.counters().port("w3", CounterRecord.PORT_RX), t.fastpath.counters().describeNonZero());
            assertEquals(1, t.counter(Counter.DROP_L2_NOT_FOR_US));
            assertEquals(1, device.stats().txPackets());

            t.extraEndpoints.clear();
            t.extraRoutes.clear();
            t.publish();
            t.fastpath.control().removePort("w3");
            device.close();
            device = null;
            assertEquals(List.of("w1", "w2", "fabric", "tap"), t.fastpath.ports().stream().map(p -> p.name()).toList());
            t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5000, 53, 64, 20));
            t.run();
            assertEquals(1, t.w2.drainTransmitted().size(), "the node forwards on after the device is gone");
        } finally {
            if (device != null) device.close();
            t.closeConserving();
        }
    }

    @Test
    void aPortWithFewerTxQueuesThanWorkersIsRefusedNamingIt() {
        Topology t = new Topology(FastpathConfig.defaults().withWorkers(2));
        String vdev = "net_ring_q" + ProcessHandle.current().pid();
        DpdkPort oneQueue = DpdkPort.createVdev(vdev, "", pool, DpdkPort.Config.defaults());
        DpdkPort twoQueues = DpdkPort.createVdev(vdev + "b", "", pool, new DpdkPort.Config(1, 2, 1024, 1024, true));
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> t.fastpath.control().addPort(new DpdkEthPort("w3", oneQueue, PortRole.WORKLOAD, 0xEEEE_EEEE_EE03L)));
            assertTrue(e.getMessage().contains("w3") && e.getMessage().contains("txQueues >= 2"), e.getMessage());
            // one rx queue: polled by worker 0 only; two tx queues: both workers may send to it
            t.fastpath.control().addPort(new DpdkEthPort("w4", twoQueues, PortRole.WORKLOAD, 0xEEEE_EEEE_EE04L));
            t.publish();
            t.run();
            t.fastpath.control().removePort("w4");
        } finally {
            oneQueue.close();
            twoQueues.close();
            t.closeConserving();
        }
    }
}
