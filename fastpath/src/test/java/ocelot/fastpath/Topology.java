package ocelot.fastpath;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import ocelot.acl.Classifier;
import ocelot.acl.LinearClassifier;
import ocelot.acl.Rule;
import ocelot.dpdk.Eal;
import ocelot.dpdk.Mempool;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.port.SoftwarePort;
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
 * The test node: two workload ports (ep1 10.65.0.2, ep2 10.65.0.3), a fabric port on
 * 192.168.0.0/24 (node 192.168.0.10, gateway .1, remote node .2 owning 10.65.1.0/26 through
 * IPIP), and a TAP-like exception port. Time is a counter the test advances.
 */
public final class Topology implements AutoCloseable {
    public static final long W1_MAC = 0xEEEE_EEEE_EE01L, W2_MAC = 0xEEEE_EEEE_EE02L, FABRIC_MAC = 0x0200_0000_0010L, TAP_MAC = 0x0200_0000_00FFL;
    public static final long EP1_MAC = 0x0A58_0A41_0002L, EP2_MAC = 0x0A58_0A41_0003L, GW_MAC = 0x0200_0000_0001L, NODE2_MAC = 0x0200_0000_0002L;

    public static Mempool pool;
    public final SoftwarePort w1, w2, fabric, tap;
    public final Fastpath fastpath;
    public final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    public Classifier ep1Ingress, ep1Egress, ep2Ingress, ep2Egress;
    public IpPool.IpipMode ipip = IpPool.IpipMode.ALWAYS;
    public boolean natOutgoing = true;
    public boolean defaultRoute = true;
    public boolean staticGatewayNeighbour = true;
    /** IPv6 forwarding state; null (the default) leaves IPv6 to the kernel. */
    public ocelot.fastpath.state.Ipv6Plane ipv6;
    /** Routes and static neighbours added to the standard ones (tests that change state mid-flow). */
    public final List<Route> extraRoutes = new ArrayList<>();
    public final List<Neighbour> extraNeighbours = new ArrayList<>();
    /** Endpoints added to ep1 and ep2 (tests that add workload ports at runtime). */
    public final List<Endpoint> extraEndpoints = new ArrayList<>();
    /** ep1's addresses (anti-spoofing); tests may move it. */
    public List<Integer> ep1Addresses = List.of(Frames.ip("10.65.0.2"));

    public Topology() { this(FastpathConfig.defaults()); }

    public Topology(FastpathConfig config) {
        sharedPool();
        w1 = new SoftwarePort("w1", PortRole.WORKLOAD, W1_MAC, pool);
        w2 = new SoftwarePort("w2", PortRole.WORKLOAD, W2_MAC, pool);
        fabric = new SoftwarePort("fabric", PortRole.FABRIC, FABRIC_MAC, pool);
        tap = new SoftwarePort("tap", PortRole.EXCEPTION, TAP_MAC, pool);
        fastpath = new Fastpath(List.of(w1, w2, fabric, tap), config, nanos::get);
    }

    /** The tests' one EAL and mempool (created by the first caller), for tests that build their own ports. */
    public static synchronized Mempool sharedPool() {
        if (pool == null) {
            Eal.initInMemory(512);
            pool = Mempool.create("fastpath_test_pool", 8191, 0, Mempool.DEFAULT_DATA_ROOM);
        }
        return pool;
    }

    public static Classifier rules(Rule... rules) { return new LinearClassifier(List.of(rules)); }

    public DataplaneState state() {
        List<Route> routes = new ArrayList<>(extraRoutes);
        routes.addAll(List.of(
                Route.of("10.65.0.2/32", new NextHop.ToEndpoint("ep1")),
                Route.of("10.65.0.3/32", new NextHop.ToEndpoint("ep2")),
                Route.of("10.65.1.0/26", new NextHop.Via(Frames.ip("192.168.0.2"), "fabric")),
                Route.of("10.65.2.0/26", new NextHop.Ecmp(List.of(new NextHop.Via(Frames.ip("192.168.0.1"), "fabric"), new NextHop.Via(Frames.ip("192.168.0.2"), "fabric")))),
                Route.of("10.99.0.0/16", new NextHop.Blackhole()),
                Route.of("192.168.0.0/24", new NextHop.Via(0, "fabric"))));
        if (defaultRoute) routes.add(Route.of("0.0.0.0/0", new NextHop.Via(Frames.ip("192.168.0.1"), "fabric")));
        List<Neighbour> neighbours = new ArrayList<>(extraNeighbours);
        if (staticGatewayNeighbour) neighbours.add(new Neighbour(Frames.ip("192.168.0.1"), GW_MAC, "fabric"));
        List<Endpoint> endpoints = new ArrayList<>(List.of(new Endpoint("ep1", "w1", EP1_MAC, ep1Addresses, ep1Ingress, ep1Egress),
                new Endpoint("ep2", "w2", EP2_MAC, List.of(Frames.ip("10.65.0.3")), ep2Ingress, ep2Egress)));
        endpoints.addAll(extraEndpoints);
        return new DataplaneState(NodeAddress.of("192.168.0.10/24"), List.of(), endpoints,
                routes, List.of(IpPool.of("10.65.0.0/16", ipip, natOutgoing)), neighbours).withIpv6(ipv6);
    }

    public Topology publish() {
        fastpath.control().publish(state());
        return this;
    }

    /** Runs duty cycles until nothing is pending; asserts the per-burst conservation law over the whole run. */
    public void run() {
        fastpath.pollUntilIdle(1000);
    }

    public long counter(Counter c) { return fastpath.counters().get(c); }

    /**
     * The end of every test on this node: each received packet was sent, dropped or punted exactly
     * once (rx == tx + dropped + punted), and every mbuf went back to the pool, no worker thread
     * having failed; then {@link #close()}.
     */
    public void closeConserving() {
        // first: a worker thread that threw left its burst's mbufs allocated, and this check runs in
        // tests' finally blocks, where its failure replaces the test's own: name the cause, not the leak
        org.junit.jupiter.api.Assertions.assertEquals(0, fastpath.workerErrors(), "worker threads failed (stack traces in the test output)");
        long rx = counter(Counter.RX), tx = counter(Counter.TX), drop = counter(Counter.DROPPED), punt = counter(Counter.PUNTED);
        org.junit.jupiter.api.Assertions.assertEquals(rx, tx + drop + punt, () -> "rx == tx + drop + punt: " + fastpath.counters().describeNonZero());
        org.junit.jupiter.api.Assertions.assertEquals(0, pool.inUse(), "every mbuf went back to the pool");
        close();
    }

    @Override
    public void close() {
        fastpath.close();
        for (SoftwarePort p : List.of(w1, w2, fabric, tap)) p.drainTransmitted();
    }
}
