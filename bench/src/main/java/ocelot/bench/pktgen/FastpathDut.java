package ocelot.bench.pktgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import ocelot.acl.Action;
import ocelot.acl.Rule;
import ocelot.acl.TupleMergeClassifier;
import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Eal;
import ocelot.dpdk.Mempool;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.port.DpdkEthPort;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.state.DataplaneState;
import ocelot.fastpath.state.Endpoint;
import ocelot.fastpath.state.IpPool;
import ocelot.fastpath.state.Neighbour;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.NodeAddress;
import ocelot.fastpath.state.Route;
import ocelot.fastpath.worker.Fastpath;
import ocelot.fastpath.worker.FastpathConfig;

/**
 * The device under test for pktgen: an Ocelot fastpath in its own process with two memif
 * server ports, forwarding on one core (invoker mode on the main thread) until SIGTERM. Frames
 * arrive on the fabric port (memif id 0, MAC {@link #FABRIC_MAC}) from outside addresses to the
 * workload endpoint ep2 (10.65.0.3, on the second memif), through the full pipeline: parse and
 * validation, conntrack, ingress policy of {@code rules} TupleMerge rules on each new flow, LPM
 * over {@code routes} /26 blocks, TTL and MAC rewrite. pktgen's defaults for the fastpath profile
 * (bench/pktgen/side-by-side.sh) match: destination 10.65.0.3:7000, sources 10.1.0.0/16.
 *
 * <p>Usage: {@code FastpathDut SOCKET_DIR ROUTES RULES CONNTRACK_CAPACITY [LCORE]}
 */
public final class FastpathDut {
    static final long FABRIC_MAC = 0x0200_0000_0010L, W2_MAC = 0x0200_0000_0020L, EP2_MAC = 0x0A58_0A41_0003L;

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: FastpathDut SOCKET_DIR ROUTES RULES CONNTRACK_CAPACITY [LCORE]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int routes = Integer.parseInt(args[1]), rules = Integer.parseInt(args[2]), capacity = Integer.parseInt(args[3]);
        String lcore = args.length > 4 ? args[4] : "1";
        String prefix = "ocelot-dut" + ProcessHandle.current().pid();
        Eal.init("fastpath-dut", "--no-huge", "-m", "512", "--no-pci", "--file-prefix=" + prefix, "-l", lcore,
                "--log-level", "lib.eal:error", "--no-telemetry",
                "--vdev", "net_memif0,role=server,id=0,socket=" + dir.resolve("fabric.sock"),
                "--vdev", "net_memif1,role=server,id=0,socket=" + dir.resolve("workload.sock"));
        CountDownLatch stopped = new CountDownLatch(1);
        Thread main = Thread.currentThread();
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.set(true);
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                main.interrupt();
            }
            deleteTree(Path.of("/var/run/dpdk", prefix));
        }, "dut-stop"));
        try (Mempool pool = Mempool.create("dut", 16383, 256, Mempool.DEFAULT_DATA_ROOM)) {
            DpdkPort.Config config = new DpdkPort.Config(1, 1, 1024, 1024, true);
            DpdkPort fabricDev = DpdkPort.open("net_memif0", pool, config);
            DpdkPort workloadDev = DpdkPort.open("net_memif1", pool, config);
            DpdkEthPort fabric = new DpdkEthPort("fabric", fabricDev, PortRole.FABRIC, FABRIC_MAC);
            DpdkEthPort w2 = new DpdkEthPort("w2", workloadDev, PortRole.WORKLOAD, W2_MAC);
            FastpathConfig fc = FastpathConfig.defaults().withBurstSize(32).withConntrackCapacity(capacity);
            try (Fastpath fp = new Fastpath(List.of(fabric, w2), fc, System::nanoTime)) {
                fp.control().publish(state(routes, rules));
                System.out.println("dut-ready fabric=" + dir.resolve("fabric.sock") + " workload=" + dir.resolve("workload.sock"));
                System.out.flush();
                while (!stop.get()) for (int k = 0; k < 256; k++) fp.pollOnce();
                System.out.printf("dut-counters rx=%d tx=%d dropped=%d conntrack_created=%d%n", fp.counters().get(Counter.RX),
                        fp.counters().get(Counter.TX), fp.counters().get(Counter.DROPPED), fp.counters().get(Counter.CT_NEW));
            }
            workloadDev.close();
            fabricDev.close();
        } finally {
            stopped.countDown();
        }
    }

    /** ep2 on w2 behind an ingress policy; the rest of the node as PipelineThroughput's. */
    static DataplaneState state(int routes, int rules) {
        List<Rule> ingress = new ArrayList<>();
        for (int r = 0; r < rules - 2; r++) { // rules the stream does not match: classification does real work
            ingress.add(Rule.builder(r).action(Action.DENY).src(String.format("172.%d.%d.0/24", 16 + (r >> 8) % 16, r & 255)).build());
        }
        ingress.add(Rule.builder(rules - 1).action(Action.ALLOW).src("10.1.0.0/16").protocol(17).build());
        ingress.add(Rule.builder(rules).action(Action.ALLOW).src("10.1.0.0/16").protocol(6).build());
        List<Route> table = new ArrayList<>();
        table.add(Route.of("10.65.0.3/32", new NextHop.ToEndpoint("ep2")));
        NextHop.Via node2 = new NextHop.Via(Ipv4.parse("192.168.0.2"), "fabric");
        for (int r = 0; r < routes; r++) table.add(new Route(0x0B00_0000 + (r << 6), 26, node2)); // 11.0.0.0/26 ... Calico blocks
        table.add(Route.of("192.168.0.0/24", new NextHop.Via(0, "fabric")));
        return new DataplaneState(NodeAddress.of("192.168.0.10/24"), List.of(),
                List.of(new Endpoint("ep2", "w2", EP2_MAC, List.of(Ipv4.parse("10.65.0.3")), new TupleMergeClassifier(ingress), null)),
                table, List.of(IpPool.of("10.65.0.0/16", IpPool.IpipMode.NEVER, false)),
                List.of(new Neighbour(Ipv4.parse("192.168.0.2"), 0x0200_0000_0002L, "fabric")));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // best effort
        }
    }
}
