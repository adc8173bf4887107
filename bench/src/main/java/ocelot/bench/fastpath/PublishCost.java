package ocelot.bench.fastpath;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import ocelot.acl.Classifier;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.port.SoftwarePort;
import ocelot.fastpath.state.DataplaneState;
import ocelot.fastpath.state.Endpoint;
import ocelot.fastpath.state.IpPool;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.NodeAddress;
import ocelot.fastpath.state.Route;
import ocelot.fastpath.worker.Fastpath;
import ocelot.fastpath.worker.FastpathConfig;

/**
 * What one {@code FastpathControl.publish} costs on a node the size issue 17 names: ENDPOINTS
 * local endpoints (each on its own workload port, with its /32), the node's blocks, POOL_BLOCKS
 * remote /26 blocks learned over BGP (IPIP cross-subnet to 64 remote nodes) and ROUTES
 * Internet-like BGP routes via four fabric gateways. Times the first (whole) publish, then
 * CHANGES publishes that each differ from the one before by one route (a /24 added or
 * removed), then by one endpoint (added or removed with its /32): the steady state of a node
 * publishing on every datastore change. Wall-clock ms of the publishing thread and its CPU ms.
 *
 * <pre>java ... ocelot.bench.fastpath.PublishCost [ENDPOINTS] [ROUTES] [POOL_BLOCKS] [CHANGES]</pre>
 */
public final class PublishCost {
    public static void main(String[] args) {
        int endpoints = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int routes = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int poolBlocks = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        int changes = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        List<SoftwarePort> ports = new ArrayList<>();
        ports.add(new SoftwarePort("fabric", PortRole.FABRIC, 0x0200_0000_0010L, null));
        ports.add(new SoftwarePort("tap", PortRole.EXCEPTION, 0x0200_0000_00FFL, null));
        for (int e = 0; e <= endpoints; e++) ports.add(new SoftwarePort("cali" + e, PortRole.WORKLOAD, 0xEE00_0000_0000L + e, null));
        FastpathConfig config = FastpathConfig.defaults().withMaxPorts(ports.size());
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (Fastpath fp = new Fastpath(ports, config, System::nanoTime)) {
            List<Endpoint> eps = new ArrayList<>();
            List<Route> base = new ArrayList<>();
            for (int e = 0; e < endpoints; e++) {
                eps.add(endpoint(e));
                base.add(new Route(endpointAddress(e), 32, new NextHop.ToEndpoint("ep" + e)));
            }
            // the node's own blocks (blackholed for unassigned addresses, as Calico does)
            for (int b = 0; b < (endpoints + 63) / 64; b++) base.add(new Route(0x0A40_0000 + b * 64, 26, new NextHop.Blackhole()));
            base.add(new Route(0xC0A8_0000, 16, new NextHop.Via(0xC0A8_0001, "fabric")));
            for (int b = 0; b < poolBlocks; b++) {
                int remoteNode = 0xC0A8_0000 | ((b % 4) << 8) | (20 + b % 64); // 192.168.0-3.x: a quarter on-subnet
                base.add(new Route(0x0A60_0000 + b * 64, 26, new NextHop.Via(remoteNode, "fabric")));
            }
            SplittableRandom r = new SplittableRandom(17);
            int[] gateways = {0xC0A8_0001, 0xC0A8_0002, 0xC0A8_0003, 0xC0A8_0004};
            java.util.Set<Long> seen = new java.util.HashSet<>();
            while (seen.size() < routes) {
                int len = 16 + r.nextInt(9);
                int prefix = (int) (0x0B00_0000L + r.nextLong(0xC000_0000L - 0x0B00_0000L)) & (int) (0xFFFF_FFFFL << (32 - len));
                if (!seen.add(((long) prefix << 8) | len)) continue;
                base.add(new Route(prefix, len, new NextHop.Via(gateways[r.nextInt(4)], "fabric")));
            }
            DataplaneState state = state(eps, base);
            long t0 = System.nanoTime(), c0 = mx.getCurrentThreadCpuTime();
            fp.control().publish(state);
            System.out.printf("initial publish: %d endpoints, %d routes: %.1f ms (%.1f ms CPU)%n", endpoints, state.routes().size(),
                    (System.nanoTime() - t0) / 1e6, (mx.getCurrentThreadCpuTime() - c0) / 1e6);

            measure("one route added/removed", fp, changes, mx, i -> {
                List<Route> next = new ArrayList<>(base);
                if (i % 2 == 0) next.add(new Route(0x0A00_0000 | (i << 8), 24, new NextHop.Via(gateways[0], "fabric")));
                return state(eps, next);
            });
            measure("one endpoint added/removed", fp, changes, mx, i -> {
                List<Endpoint> nextEps = new ArrayList<>(eps);
                List<Route> next = new ArrayList<>(base);
                if (i % 2 == 0) {
                    nextEps.add(endpoint(endpoints));
                    next.add(new Route(endpointAddress(endpoints), 32, new NextHop.ToEndpoint("ep" + endpoints)));
                }
                return state(nextEps, next);
            });
        }
    }

    /** Publishes {@code changes} states, each built (untimed) by {@code stateAt}, and reports the publish times. */
    static void measure(String what, Fastpath fp, int changes, ThreadMXBean mx, java.util.function.IntFunction<DataplaneState> stateAt) {
        double[] wall = new double[changes], cpu = new double[changes];
        for (int i = 0; i < changes; i++) {
            DataplaneState s = stateAt.apply(i);
            long w = System.nanoTime(), c = mx.getCurrentThreadCpuTime();
            fp.control().publish(s);
            wall[i] = (System.nanoTime() - w) / 1e6;
            cpu[i] = (mx.getCurrentThreadCpuTime() - c) / 1e6;
        }
        report(what, wall, cpu);
    }

    static int endpointAddress(int e) { return 0x0A40_0000 + e; }

    static Endpoint endpoint(int e) {
        return new Endpoint("ep" + e, "cali" + e, 0x0A58_0000_0000L + e + 1, List.of(endpointAddress(e)), (Classifier) null, (Classifier) null);
    }

    static DataplaneState state(List<Endpoint> eps, List<Route> routes) {
        return new DataplaneState(NodeAddress.of("192.168.0.10/24"), List.of(), eps, routes,
                List.of(IpPool.of("10.64.0.0/10", IpPool.IpipMode.CROSS_SUBNET, true)), List.of());
    }

    static void report(String what, double[] wall, double[] cpu) {
        double[] w = wall.clone(), c = cpu.clone();
        Arrays.sort(w);
        Arrays.sort(c);
        System.out.printf("%s: publish median %.2f ms, max %.2f ms (CPU median %.2f ms, max %.2f ms) over %d%n",
                what, w[w.length / 2], w[w.length - 1], c[c.length / 2], c[c.length - 1], w.length);
    }
}
