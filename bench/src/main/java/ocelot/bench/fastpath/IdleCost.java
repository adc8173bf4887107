package ocelot.bench.fastpath;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Eal;
import ocelot.dpdk.Mempool;
import ocelot.fastpath.port.DpdkEthPort;
import ocelot.fastpath.port.Port;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.state.DataplaneState;
import ocelot.fastpath.state.NodeAddress;
import ocelot.fastpath.worker.Fastpath;
import ocelot.fastpath.worker.FastpathConfig;
import ocelot.fastpath.worker.IdleMode;

/**
 * CPU an idle node's worker uses under each idle strategy: PORTS net_ring devices (rx_burst
 * on an empty ring, as an idle uplink or TAP is polled), a published state, no traffic;
 * the worker thread's CPU time over SECONDS of wall clock.
 *
 * <pre>java ... ocelot.bench.fastpath.IdleCost [PORTS] [SECONDS]</pre>
 */
public final class IdleCost {
    public static void main(String[] args) throws Exception {
        int portCount = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        Eal.initInMemory(256);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (Mempool pool = Mempool.create("idle_cost_pool", 4095, 0, Mempool.DEFAULT_DATA_ROOM)) {
            for (IdleMode mode : IdleMode.values()) {
                List<DpdkPort> devices = new ArrayList<>();
                List<Port> ports = new ArrayList<>();
                for (int p = 0; p < portCount; p++) {
                    DpdkPort d = DpdkPort.createVdev("net_ring_i" + mode.ordinal() + p, "", pool, DpdkPort.Config.defaults());
                    devices.add(d);
                    ports.add(new DpdkEthPort("p" + p, d, p == 0 ? PortRole.FABRIC : PortRole.WORKLOAD, 0x0200_0000_0000L + p));
                }
                try (Fastpath fp = new Fastpath(ports, FastpathConfig.defaults().withIdle(mode), System::nanoTime)) {
                    fp.control().publish(new DataplaneState(NodeAddress.of("192.168.0.10/24"), List.of(), List.of(), List.of(), List.of(), List.of()));
                    fp.start();
                    Thread.sleep(500);
                    long[] before = workerCpu(mx);
                    long wall = System.nanoTime();
                    Thread.sleep((long) (seconds * 1000));
                    long[] after = workerCpu(mx);
                    double elapsed = (System.nanoTime() - wall) / 1e9;
                    System.out.printf("idle %-7s %d ports: worker CPU %.2f%% of a core over %.1f s%n",
                            mode.flag(), portCount, 100.0 * (after[0] - before[0]) / 1e9 / elapsed, elapsed);
                } finally {
                    for (DpdkPort d : devices) d.close();
                }
            }
        }
    }

    /** Summed CPU ns of the threads named ocelot-worker-*. */
    private static long[] workerCpu(ThreadMXBean mx) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("ocelot-worker-")) sum += mx.getThreadCpuTime(t.threadId());
        }
        return new long[] {sum};
    }
}
