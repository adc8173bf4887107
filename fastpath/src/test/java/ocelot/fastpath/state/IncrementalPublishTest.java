package ocelot.fastpath.state;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import ocelot.acl.Classifier;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.port.PortTable;
import ocelot.fastpath.port.SoftwarePort;
import ocelot.lpm.Ipv4RouteTable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The incremental compiler against a whole compile of the same state: 600 random publishes
 * (routes added, removed, changed, reordered and duplicated; endpoints coming, going and moving
 * port; tunnelled pool routes whose underlay changes; pools changed; bad states refused) and
 * after each one every probe address resolves to the same next hop (kind, port, endpoint, MAC,
 * neighbour, tunnel, ECMP members) with the same tunnel peers and endpoint layout by name. A
 * bridge snapshot resolves as the state before it.
 */
class IncrementalPublishTest {
    static final int NODE = Ipv4.parse("192.168.0.10");
    final SplittableRandom random = new SplittableRandom(42);
    PortTable ports = PortTable.empty(16);

    IncrementalPublishTest() {
        for (int i = 0; i < 8; i++) ports = ports.with(new SoftwarePort("w" + i, PortRole.WORKLOAD, 0xEE00 + i, null));
        ports = ports.with(new SoftwarePort("fabric", PortRole.FABRIC, 0x0200_0000_0010L, null));
        ports = ports.with(new SoftwarePort("fabric2", PortRole.FABRIC, 0x0200_0000_0011L, null));
        ports = ports.with(new SoftwarePort("tap", PortRole.EXCEPTION, 0x0200_0000_00FFL, null));
    }

    @Test
    void everyPublishResolvesAsAWholeCompileOfTheSameState() {
        SnapshotCompiler compiler = new SnapshotCompiler();
        List<Endpoint> endpoints = new ArrayList<>();
        List<Route> routes = new ArrayList<>();
        IpPool.IpipMode mode = IpPool.IpipMode.CROSS_SUBNET;
        DataplaneState published = null;
        int refused = 0, bridges = 0, incremental = 0;
        ForwardingSnapshot last = null;
        for (int step = 0; step < 600; step++) {
            List<Endpoint> nextEndpoints = new ArrayList<>(endpoints);
            List<Route> nextRoutes = new ArrayList<>(routes);
            IpPool.IpipMode nextMode = random.nextInt(60) == 0 ? IpPool.IpipMode.values()[random.nextInt(3)] : mode;
            mutate(nextEndpoints, nextRoutes);
            boolean bad = random.nextInt(15) == 0;
            if (bad) nextRoutes.add(random.nextInt(nextRoutes.size() + 1), badRoute());
            DataplaneState next = state(nextEndpoints, nextRoutes, nextMode);
            if (bad || dangling(nextEndpoints, nextRoutes)) {
                assertThrows(IllegalArgumentException.class, () -> compiler.prepare(next, ports));
                refused++;
            } else {
                SnapshotCompiler.Plan plan = compiler.prepare(next, ports);
                ForwardingSnapshot bridge = plan.bridgeSnapshot(2L * step);
                if (bridge != null) {
                    bridges++;
                    assertSame(published, bridge, "bridge before step " + step, false);
                }
                if (!plan.rebuilt) incremental++;
                ForwardingSnapshot now = plan.apply(2L * step + 1);
                // a worker still on the snapshot before (or on the bridge) meets the moved table
                if (!plan.rebuilt && last != null) assertResolvable(bridge != null ? bridge : last, now, "step " + step);
                last = now;
                published = next;
                endpoints = nextEndpoints;
                routes = nextRoutes;
                mode = nextMode;
            }
            if (published != null) {
                last = compiler.withPorts(2L * step + 1, ports);
                assertSame(published, last, "step " + step, true);
            }
        }
        assertTrue(refused > 20 && bridges > 20 && incremental > 300, "refused " + refused + " bridges " + bridges + " incremental " + incremental);
    }

    @Test
    void aPortUsedByTheStateIsNamed() {
        SnapshotCompiler compiler = new SnapshotCompiler();
        assertNull(compiler.usesPort("fabric"));
        compiler.prepare(state(List.of(new Endpoint("e1", "w1", 0x0A58_0000_0001L, List.of(Ipv4.parse("10.65.0.3")), (Classifier) null, (Classifier) null)),
                List.of(Route.of("10.0.0.0/8", new NextHop.Ecmp(List.of(new NextHop.Via(NODE - 9, "fabric"), new NextHop.Via(NODE - 8, "fabric2"))))),
                IpPool.IpipMode.NEVER), ports).apply(1);
        assertEquals("route 10.0.0.0/8", compiler.usesPort("fabric2"));
        assertEquals("endpoint e1", compiler.usesPort("w1"));
        assertNull(compiler.usesPort("w2"));
    }

    private DataplaneState state(List<Endpoint> endpoints, List<Route> routes, IpPool.IpipMode mode) {
        return new DataplaneState(new NodeAddress(NODE, 24), List.of(), endpoints, routes,
                List.of(IpPool.of("10.65.0.0/16", mode, true)), List.of());
    }

    private static Endpoint endpoint(int i, int port) {
        return new Endpoint("e" + i, "w" + port, 0x0A58_0000_0000L + i + 1, List.of(Ipv4.parse("10.65.0.2") + i), (Classifier) null, (Classifier) null);
    }

    private void mutate(List<Endpoint> endpoints, List<Route> routes) {
        int changes = 1 + random.nextInt(random.nextInt(10) == 0 ? 40 : 4);
        for (int c = 0; c < changes; c++) {
            int what = random.nextInt(10);
            if (what < 2) { // an endpoint comes (with its /32) or goes (with it)
                int i = random.nextInt(8);
                Endpoint present = endpoints.stream().filter(e -> e.name().equals("e" + i)).findFirst().orElse(null);
                Route own = new Route(Ipv4.parse("10.65.0.2") + i, 32, new NextHop.ToEndpoint("e" + i));
                if (present == null) {
                    if (endpoints.stream().noneMatch(e -> e.port().equals("w" + i))) {
                        endpoints.add(endpoint(i, i));
                        routes.add(random.nextInt(routes.size() + 1), own);
                    }
                } else {
                    endpoints.remove(present);
                    if (random.nextInt(8) != 0) routes.removeIf(r -> r.nextHop() instanceof NextHop.ToEndpoint te && te.endpoint().equals(present.name()));
                }
            } else if (what == 2 && !endpoints.isEmpty()) { // an endpoint moves to a free port
                int k = random.nextInt(endpoints.size());
                int port = random.nextInt(8);
                if (endpoints.stream().noneMatch(e -> e.port().equals("w" + port))) endpoints.set(k, endpoint(Integer.parseInt(endpoints.get(k).name().substring(1)), port));
            } else if (what < 7 || routes.isEmpty()) {
                // mostly one route per prefix (the diff's fast case); now and then a duplicate (the later one wins)
                Route r = randomRoute(endpoints);
                int same = indexOfPrefix(routes, r);
                if (same >= 0 && random.nextInt(10) != 0) routes.set(same, r);
                else routes.add(random.nextInt(routes.size() + 1), r);
            } else if (what == 7 && random.nextInt(4) == 0) { // duplicates cleared: back to one route per prefix
                java.util.Set<Long> seen = new java.util.HashSet<>();
                for (int i = routes.size() - 1; i >= 0; i--) if (!seen.add(((long) routes.get(i).prefix() << 6) | routes.get(i).length())) routes.remove(i);
            } else if (what < 9) {
                routes.remove(random.nextInt(routes.size()));
            } else if (random.nextBoolean()) {
                routes.set(random.nextInt(routes.size()), randomRoute(endpoints));
            } else {
                Collections.shuffle(routes, new java.util.Random(random.nextLong()));
            }
        }
    }

    private static int indexOfPrefix(List<Route> routes, Route r) {
        for (int i = 0; i < routes.size(); i++) if (routes.get(i).prefix() == r.prefix() && routes.get(i).length() == r.length()) return i;
        return -1;
    }

    private Route randomRoute(List<Endpoint> endpoints) {
        int kind = random.nextInt(12);
        int gw = random.nextBoolean() ? Ipv4.parse("192.168.0.1") + random.nextInt(4) : Ipv4.parse("192.168.1.1") + random.nextInt(4);
        String port = random.nextBoolean() ? "fabric" : "fabric2";
        return switch (kind) {
            case 0, 1, 2 -> new Route(Ipv4.parse("10.65.1.0") + 64 * random.nextInt(16), 26, new NextHop.Via(gw, port)); // pool blocks, tunnelled off-subnet
            case 3 -> { // underlay to the off-subnet peers: a change moves every hop tunnelling through it
                int[][] underlays = {{Ipv4.parse("192.168.1.0"), 24}, {Ipv4.parse("192.168.1.0"), 30}, {Ipv4.parse("192.168.0.0"), 16}};
                int[] u = underlays[random.nextInt(3)];
                yield new Route(u[0], u[1], new NextHop.Via(Ipv4.parse("192.168.0.1") + random.nextInt(2), port));
            }
            case 4 -> new Route(0, 0, new NextHop.Via(Ipv4.parse("192.168.0.1"), port));
            case 5 -> new Route(Ipv4.parse("10.65.2.0") + 64 * random.nextInt(4), 26, new NextHop.Ecmp(List.of(new NextHop.Via(gw, port), new NextHop.Via(gw + 1, "fabric"))));
            case 6 -> new Route(Ipv4.parse("10.65.3.0") + 64 * random.nextInt(4), 26, random.nextBoolean() ? new NextHop.Blackhole() : new NextHop.ToHost());
            case 7 -> endpoints.isEmpty() ? new Route(Ipv4.parse("10.65.0.128"), 25, new NextHop.Blackhole())
                    : new Route(Ipv4.parse("10.65.0.64") + random.nextInt(32), 32, new NextHop.ToEndpoint(endpoints.get(random.nextInt(endpoints.size())).name()));
            default -> {
                int len = 8 + random.nextInt(17);
                yield new Route((0x2000_0000 | (random.nextInt() & 0x0FFF_FFFF)) & Cidr.mask(len), len, new NextHop.Via(gw, port));
            }
        };
    }

    private Route badRoute() {
        return random.nextBoolean() ? new Route(Ipv4.parse("172.16.0.0"), 16, new NextHop.Via(NODE + 1, "nope"))
                : new Route(Ipv4.parse("172.17.0.0"), 16, new NextHop.ToEndpoint("ghost"));
    }

    private static boolean dangling(List<Endpoint> endpoints, List<Route> routes) {
        for (Route r : routes) {
            if (r.nextHop() instanceof NextHop.ToEndpoint te && endpoints.stream().noneMatch(e -> e.name().equals(te.endpoint()))) return true;
        }
        return false;
    }

    /** Every probe resolves in {@code s} as in a whole compile of {@code state}; tunnel peers and endpoints by name agree. */
    private void assertSame(DataplaneState state, ForwardingSnapshot s, String where, boolean endpointLayout) {
        ForwardingSnapshot whole = ForwardingSnapshot.compile(0, state, ports);
        TreeSet<Integer> probes = new TreeSet<>();
        for (Route r : state.routes()) {
            probes.add(r.prefix());
            probes.add(r.prefix() | ~Cidr.mask(r.length()));
        }
        for (int i = 0; i < 64; i++) probes.add(random.nextInt());
        for (int a : probes) assertEquals(describe(whole, a), describe(s, a), where + ": " + Ipv4.format(a));
        if (!endpointLayout) return; // a bridge also holds the endpoints coming
        assertEquals(peers(whole), peers(s), where + ": tunnel peers");
        for (Endpoint e : state.endpoints()) {
            for (int a : e.addresses()) assertEquals(e.name(), s.endpoints[s.endpointByAddress.get(a)].name(), where);
            int p = ports.slot(e.port());
            assertEquals(e.name(), s.endpoints[s.portEndpoint[p]].name(), where);
        }
    }

    /** Every endpoint next hop the table now yields names an endpoint {@code held} (an older snapshot) has. */
    private static void assertResolvable(ForwardingSnapshot held, ForwardingSnapshot now, String where) {
        for (Route r : now.state.routes()) {
            int nh = now.routes.lookup(r.prefix());
            if (nh == Ipv4RouteTable.NO_ROUTE || now.nhKind[nh] != ForwardingSnapshot.NH_ENDPOINT) continue;
            int e = now.nhEndpoint[nh];
            assertTrue(e < held.endpoints.length && held.endpoints[e] != null, where + ": " + Ipv4Fib.where(r) + " reaches endpoint slot " + e + " unknown to the snapshot workers may hold");
        }
    }

    private static TreeSet<Integer> peers(ForwardingSnapshot s) {
        TreeSet<Integer> out = new TreeSet<>();
        for (var it = s.tunnelPeers.keySet().iterator(); it.hasNext(); ) out.add(it.nextValue());
        return out;
    }

    private static String describe(ForwardingSnapshot s, int address) {
        int nh = s.routes.lookup(address);
        return nh == Ipv4RouteTable.NO_ROUTE ? "none" : hop(s, nh);
    }

    private static String hop(ForwardingSnapshot s, int nh) {
        return switch (s.nhKind[nh]) {
            case ForwardingSnapshot.NH_ENDPOINT -> "endpoint " + s.endpoints[s.nhEndpoint[nh]].name() + " port " + s.nhPort[nh] + " mac " + s.endpointMac[s.nhEndpoint[nh]];
            case ForwardingSnapshot.NH_VIA -> "via " + Ipv4.format(s.nhNeighbour[nh]) + " port " + s.nhPort[nh] + " tunnel " + Ipv4.format(s.nhTunnel[nh]);
            case ForwardingSnapshot.NH_ECMP -> {
                StringBuilder b = new StringBuilder("ecmp");
                for (int k = 0; k < s.nhEcmpCount[nh]; k++) b.append(" [").append(hop(s, s.ecmpMembers[s.nhEcmpFirst[nh] + k])).append(']');
                // the resilient bucket table, as which member (by position) owns each bucket
                b.append(" buckets ");
                for (int bucket = 0; bucket < ResilientBuckets.BUCKETS; bucket++) {
                    int owner = s.ecmpBuckets[s.nhEcmpBucketFirst[nh] + bucket];
                    int k = 0;
                    while (s.ecmpMembers[s.nhEcmpFirst[nh] + k] != owner) k++;
                    b.append((char) ('a' + k));
                }
                yield b.toString();
            }
            case ForwardingSnapshot.NH_HOST -> "host";
            case ForwardingSnapshot.NH_BLACKHOLE -> "blackhole";
            default -> "kind " + s.nhKind[nh];
        };
    }
}
