package ocelot.control.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import ocelot.bgp.wire.Prefix;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.Mutation;
import ocelot.control.node.LearnedRouteTable;
import ocelot.control.resource.Resource;
import ocelot.control.resource.ResourceCodec;
import ocelot.fastpath.Frames;
import ocelot.fastpath.state.DataplaneState;
import ocelot.fastpath.state.HostEndpointPolicy;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.NodeAddress;
import ocelot.fastpath.state.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver in router mode, its published states read directly: each rack port's address is a
 * local address with a host route and its subnet on-link through the port; a learned route leaves
 * through the port whose subnet holds its next hop (the border otherwise, ECMP members each on
 * theirs); a hostEndpoint on a router port gets forward stages, one on an unknown interface is
 * reported naming the router ports.
 */
class DriverRouterModeTest {
    @TempDir
    Path dir;

    static final DriverConfig ROUTER = DriverConfig.of("tor", "10.0.0.1/24", "up0", "tap", 0x0200_0000_00FEL)
            .withRouterPorts(List.of(new DriverConfig.RouterPort("rk1", NodeAddress.of("10.1.1.1/24")),
                    new DriverConfig.RouterPort("rk2", NodeAddress.of("10.1.2.1/24"))));

    @Test
    void rackPortsRoutesAndHostEndpoints() throws Exception {
        AtomicReference<DataplaneState> last = new AtomicReference<>();
        LearnedRouteTable learned = new LearnedRouteTable("tor");
        try (EmbeddedDatastore store = EmbeddedDatastore.open(dir)) {
            DataplaneDriver driver = new DataplaneDriver(store, ROUTER, last::set).followLearnedRoutes(learned);
            try {
                driver.start(Set.of());
                learned.install(Prefix.parse("10.65.1.0/26"), InetAddress.getByName("10.1.1.2"));
                learned.install(Prefix.parse("172.31.0.0/24"), InetAddress.getByName("10.0.0.2"));
                learned.installMultipath(Prefix.parse("10.65.9.0/26"), List.of(InetAddress.getByName("10.1.1.2"), InetAddress.getByName("10.1.2.2")));
                driver.sync();
                DataplaneState s = last.get();
                assertEquals(List.of(Frames.ip("10.1.1.1"), Frames.ip("10.1.2.1")), s.tunnelAddresses(), "rack port addresses are the node's");
                assertEquals(new NextHop.ToHost(), hop(s, "10.1.1.1/32"));
                assertEquals(new NextHop.Via(0, "rk2"), hop(s, "10.1.2.0/24"));
                assertEquals(new NextHop.Via(0, "up0"), hop(s, "10.0.0.0/24"));
                assertEquals(new NextHop.Via(Frames.ip("10.1.1.2"), "rk1"), hop(s, "10.65.1.0/26"));
                assertEquals(new NextHop.Via(Frames.ip("10.0.0.2"), "up0"), hop(s, "172.31.0.0/24"));
                assertEquals(new NextHop.Ecmp(List.of(new NextHop.Via(Frames.ip("10.1.1.2"), "rk1"), new NextHop.Via(Frames.ip("10.1.2.2"), "rk2"))),
                        hop(s, "10.65.9.0/26"));

                long revision = commit(store, """
                        - apiVersion: v1
                          kind: profile
                          metadata: {name: open}
                          spec: {ingress: [{action: allow}], egress: [{action: allow}]}
                        - apiVersion: v1
                          kind: hostEndpoint
                          metadata: {name: rack1, node: tor}
                          spec: {interfaceName: rk1, profiles: [open]}
                        - apiVersion: v1
                          kind: hostEndpoint
                          metadata: {name: stray, node: tor}
                          spec: {interfaceName: eth9}
                        """);
                assertTrue(driver.awaitRevision(revision, Duration.ofSeconds(20)));
                List<HostEndpointPolicy> hosts = last.get().hostEndpoints();
                assertEquals(1, hosts.size(), hosts::toString);
                HostEndpointPolicy rk1 = hosts.getFirst();
                assertEquals("rk1", rk1.port());
                assertEquals(2, rk1.ingress().size(), "failsafes, then the profile");
                assertNotNull(rk1.forwardIngress(), "a router port's host endpoint polices forwarded flows");
                assertEquals(1, rk1.forwardEgress().size(), "the profile alone: no failsafes for transit");
                String problem = driver.problems().entrySet().stream().filter(e -> e.getKey().contains("stray")).map(java.util.Map.Entry::getValue)
                        .findFirst().orElse("");
                assertTrue(problem.contains("eth9") && problem.contains("rk1, rk2"), problem);
            } finally {
                driver.close();
            }
        }
    }

    @Test
    void aNodesHostEndpointHasNoForwardStages() throws Exception {
        AtomicReference<DataplaneState> last = new AtomicReference<>();
        try (EmbeddedDatastore store = EmbeddedDatastore.open(dir)) {
            DataplaneDriver driver = new DataplaneDriver(store, DriverConfig.of("n1", "10.0.0.1/24", "up0", "tap", 0x0200_0000_00FEL), last::set);
            try {
                commit(store, """
                        apiVersion: v1
                        kind: hostEndpoint
                        metadata: {name: up, node: n1}
                        spec: {interfaceName: up0}
                        """);
                driver.start(Set.of());
                HostEndpointPolicy up = last.get().hostEndpoints().getFirst();
                assertNull(up.forwardIngress());
                assertNull(up.forwardEgress());
            } finally {
                driver.close();
            }
        }
    }

    @Test
    void badRouterPortsAreRefusedNamingThem() {
        var e = assertThrows(IllegalArgumentException.class, () -> DriverConfig.of("tor", "10.0.0.1/24", "up0", "tap", 1)
                .withRouterPorts(List.of(new DriverConfig.RouterPort("up0", NodeAddress.of("10.1.1.1/24")))));
        assertTrue(e.getMessage().contains("up0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DriverConfig.of("tor", "10.0.0.1/24", "up0", "tap", 1)
                .withRouterPorts(List.of(new DriverConfig.RouterPort("rk1", NodeAddress.of("10.0.0.1/24")))));
        assertTrue(e.getMessage().contains("rk1") && e.getMessage().contains("10.0.0.1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ROUTER.withRouterPorts(List.of(
                new DriverConfig.RouterPort("rk1", NodeAddress.of("10.1.1.1/24")), new DriverConfig.RouterPort("rk2", NodeAddress.of("10.1.0.1/16")))));
        assertTrue(e.getMessage().contains("rk2's subnet 10.1.0.1/16 overlaps rk1's 10.1.1.1/24"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ROUTER.withRouterPorts(List.of(
                new DriverConfig.RouterPort("rk1", NodeAddress.of("10.0.0.7/28")))));
        assertTrue(e.getMessage().contains("overlaps up0's 10.0.0.1/24"), e.getMessage());
    }

    static NextHop hop(DataplaneState s, String cidr) {
        Route want = Route.of(cidr, new NextHop.Blackhole());
        for (Route r : s.routes()) if (r.prefix() == want.prefix() && r.length() == want.length()) return r.nextHop();
        return null;
    }

    static long commit(EmbeddedDatastore store, String yaml) {
        List<Mutation> puts = new ArrayList<>();
        for (Resource r : ResourceCodec.parse(yaml, "test")) puts.add(new Mutation.Put(r.key().datastoreKey(), ResourceCodec.toStored(r)));
        return store.commit(puts);
    }
}
