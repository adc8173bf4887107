package ocelot.bench.node;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import ocelot.control.dataplane.DataplaneDriver;
import ocelot.control.dataplane.DriverConfig;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.node.LearnedRouteTable;
import ocelot.dpdk.Eal;
import ocelot.dpdk.Mempool;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.port.SoftwarePort;
import ocelot.fastpath.worker.Fastpath;
import ocelot.fastpath.worker.FastpathConfig;

/**
 * What BGP route churn costs the node's own path into the fastpath: the speaker's FIB calls
 * ({@link LearnedRouteTable#installIpv4}, what {@code BgpSpeaker} calls per route it installs)
 * into the node's learned-route table, the real {@link DataplaneDriver} (coalescing the changes
 * that arrive while it works into one batch: calculation, lowering to a {@code DataplaneState},
 * publish) and the fastpath's {@code FastpathControl.publish} (route diff, LPM updated in place).
 * ROUTES learned /26 routes first, then UPDATES a second for SECONDS, each moving a random route
 * to the other of two gateways (an implicit withdraw and announce). Reports the driver thread's
 * CPU per second of churn by phase, the publishes, the route changes per publish, and how long
 * after the last change the fastpath had it.
 *
 * <p>Usage: {@code LearnedRouteChurn ROUTES UPDATES_PER_SECOND SECONDS}
 */
public final class LearnedRouteChurn {
    static final String NODE = "churn-node";
    static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        int routes = Integer.parseInt(args[0]);
        int updatesPerSecond = Integer.parseInt(args[1]);
        double seconds = Double.parseDouble(args[2]);
        Path dir = Files.createTempDirectory("ocelot-churn-bench");
        Eal.initInMemory(1024);
        Eal.registerThread();
        InetAddress[] gateways = {InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.3")};
        try (Mempool pool = Mempool.create("bench_learned_pool", 4095, 0, Mempool.DEFAULT_DATA_ROOM);
             EmbeddedDatastore store = EmbeddedDatastore.open(dir)) {
            System.out.printf("routes %,d, %,d updates/s for %.0f s; load %s%n", routes, updatesPerSecond, seconds, DriverLatencyBenchmark.load());
            List<SoftwarePort> ports = List.of(new SoftwarePort("uplink", PortRole.FABRIC, 0x0200_0000_0001L, pool),
                    new SoftwarePort("tap", PortRole.EXCEPTION, 0x0200_0000_00FEL, pool));
            try (Fastpath fastpath = new Fastpath(ports, FastpathConfig.defaults(), System::nanoTime)) {
                LearnedRouteTable learned = new LearnedRouteTable(NODE);
                long t = System.nanoTime();
                for (int r = 0; r < routes; r++) learned.installIpv4(route(r), 26, gateways[r & 1]);
                System.out.printf("learned-route table filled: %.1f s%n", (System.nanoTime() - t) / 1e9);
                DataplaneDriver driver = new DataplaneDriver(store, DriverConfig.of(NODE, "10.0.0.1/16", "uplink", "tap", 0x0200_0000_00FDL),
                        fastpath.control()::publish).followLearnedRoutes(learned);
                t = System.nanoTime();
                driver.start(Set.of());
                long[] cpu0 = driver.metrics().cpuNanosByPhase();
                System.out.printf("first state (%,d routes) published: %.1f s wall; driver CPU calc %.0f ms, lower %.0f ms, publish %.0f ms%n",
                        driver.metrics().fibRoutes(), (System.nanoTime() - t) / 1e9, cpu0[0] / 1e6, cpu0[1] / 1e6, cpu0[2] / 1e6);
                if (driver.metrics().fibRoutes() < routes) throw new IllegalStateException("only " + driver.metrics().fibRoutes() + " routes published");

                // the BGP side: the speaker's RIB thread installing changes at the given rate
                AtomicBoolean done = new AtomicBoolean();
                long[] applied = {0};
                long publishes0 = driver.metrics().publishes();
                long start = System.nanoTime();
                Thread bgp = Thread.ofPlatform().name("rib").start(() -> {
                    SplittableRandom random = new SplittableRandom(19);
                    byte[] which = new byte[routes];
                    long end = start + (long) (seconds * 1e9);
                    long n = 0;
                    for (long now; (now = System.nanoTime()) < end; ) {
                        long due = (now - start) * updatesPerSecond / 1_000_000_000L;
                        for (; n < due; n++) {
                            int r = random.nextInt(routes);
                            which[r] ^= 1;
                            learned.installIpv4(route(r), 26, gateways[(r & 1) ^ which[r]]);
                        }
                        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    }
                    applied[0] = n;
                    done.set(true);
                });
                // the fastpath's invoker polls meanwhile (software ports: nothing arrives; snapshots are taken up)
                while (!done.get()) {
                    fastpath.pollOnce();
                    Thread.onSpinWait();
                }
                bgp.join();
                long churnEnd = System.nanoTime();
                driver.sync(); // returns once every change scheduled so far is published
                long caughtUp = System.nanoTime();
                long[] cpu1 = driver.metrics().cpuNanosByPhase();
                double churnSeconds = (churnEnd - start) / 1e9;
                long publishes = driver.metrics().publishes() - publishes0;
                System.out.printf("churn: %,d route changes in %.1f s (%,.0f/s) -> %d publishes (%.0f changes each, %.2f publishes/s)%n",
                        applied[0], churnSeconds, applied[0] / churnSeconds, publishes, (double) applied[0] / Math.max(1, publishes),
                        publishes / churnSeconds);
                System.out.printf("driver thread CPU per second of churn: calc %.0f ms, lower %.0f ms, publish %.0f ms, total %.0f ms (of 1,000)%n",
                        (cpu1[0] - cpu0[0]) / 1e6 / churnSeconds, (cpu1[1] - cpu0[1]) / 1e6 / churnSeconds,
                        (cpu1[2] - cpu0[2]) / 1e6 / churnSeconds,
                        ((cpu1[0] - cpu0[0]) + (cpu1[1] - cpu0[1]) + (cpu1[2] - cpu0[2])) / 1e6 / churnSeconds);
                System.out.printf("last change in the fastpath %.0f ms after it was installed; per publish CPU: %.0f ms; load %s%n",
                        (caughtUp - churnEnd) / 1e6, (cpu1[0] - cpu0[0] + cpu1[1] - cpu0[1] + cpu1[2] - cpu0[2]) / 1e6 / Math.max(1, publishes),
                        DriverLatencyBenchmark.load());
                driver.close();
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Route r: 11.0.0.0/26 upwards, Calico-block-sized. */
    static int route(int r) {
        return 0x0B00_0000 + (r << 6);
    }

    private LearnedRouteChurn() {}
}
