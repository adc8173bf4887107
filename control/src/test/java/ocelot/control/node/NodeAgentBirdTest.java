package ocelot.control.node;

import ocelot.bgp.interop.BirdDaemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import ocelot.bgp.wire.Prefix;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.ipam.BlockAffinityIpam;
import ocelot.control.resource.AsNumber;
import ocelot.control.resource.BgpPeer;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.ClusterSetting;
import ocelot.control.resource.IpAddress;
import ocelot.control.resource.IpPool;
import ocelot.control.resource.NodeResource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calico's route-reflector topology with a real BIRD 2: nodeToNodeMesh off, one global bgpPeer
 * that is BIRD reflecting for both node agents. Each node's affine block reaches the other
 * through BIRD with the original next hop, BIRD's own route reaches both, and deleting the
 * bgpPeer from the datastore closes the sessions and BIRD drops the nodes' routes.
 */
@Tag("bird")
class NodeAgentBirdTest {
    @TempDir
    Path dir;

    @Test
    void birdAsGlobalRouteReflector() throws Exception {
        InetAddress a1 = InetAddress.getByName("127.9.0.1");
        InetAddress a2 = InetAddress.getByName("127.9.0.2");
        InetAddress rr = InetAddress.getByName("127.9.0.3");
        int port = NodeTesting.freePort(a1, a2, rr);
        try (EmbeddedDatastore store = EmbeddedDatastore.open(dir.resolve("data"))) {
            ResourceStore resources = new ResourceStore(store);
            resources.setSetting(ClusterSetting.NODE_TO_NODE_MESH, "off");
            resources.setSetting(ClusterSetting.AS_NUMBER, "64513");
            BgpPeer reflector = new BgpPeer(BgpPeer.Scope.GLOBAL, null, IpAddress.parse("127.9.0.3"), AsNumber.of(64513));
            resources.apply(List.of(
                    // Ocelot's extension: the pool's routes carry these RFC 4360 extended communities.
                    new IpPool(Cidr.parse("10.66.0.0/16"), null, true, null, null, List.of("rt:64513:66")),
                    new NodeResource("rack1-a", new NodeResource.Bgp(null, Cidr.parseInterface("127.9.0.1/8"), null)),
                    new NodeResource("rack1-b", new NodeResource.Bgp(null, Cidr.parseInterface("127.9.0.2/8"), null)),
                    reflector));
            BlockAffinityIpam ipam = new BlockAffinityIpam(store);
            Prefix block1 = NodeTesting.assignBlock(ipam, "rack1-a", "w1");
            Prefix block2 = NodeTesting.assignBlock(ipam, "rack1-b", "w2");
            Prefix birdRoute = Prefix.parse("10.99.0.0/24");

            String config = """
                    log stderr all;
                    router id 127.9.0.3;
                    protocol device { }
                    protocol static s4 { ipv4; route 10.99.0.0/24 blackhole; }
                    template bgp nodes {
                      local 127.9.0.3 port %1$d as 64513;
                      strict bind; # listen on 127.9.0.3 only: the nodes use the same port on their addresses
                      rr client; rr cluster id 127.9.0.3;
                      hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
                      ipv4 { import all; export all; };
                    }
                    protocol bgp a from nodes { neighbor 127.9.0.1 port %1$d as 64513; }
                    protocol bgp b from nodes { neighbor 127.9.0.2 port %1$d as 64513; }
                    """.formatted(port);
            LearnedRouteTable fib1 = new LearnedRouteTable("rack1-a");
            LearnedRouteTable fib2 = new LearnedRouteTable("rack1-b");
            try (BirdDaemon bird = BirdDaemon.bird2(config);
                 BgpNodeAgent n1 = new BgpNodeAgent(store, "rack1-a", port, fib1, Clock.systemUTC());
                 BgpNodeAgent n2 = new BgpNodeAgent(store, "rack1-b", port, fib2, Clock.systemUTC())) {
                n1.start();
                n2.start();
                NodeTesting.await("rack1-a learns rack1-b's block through BIRD (" + bird.log() + ")", () -> a2.equals(fib1.nextHop(block2)));
                NodeTesting.await("rack1-b learns rack1-a's block through BIRD", () -> a1.equals(fib2.nextHop(block1)));
                NodeTesting.await("both learn BIRD's own route", () -> rr.equals(fib1.nextHop(birdRoute)) && rr.equals(fib2.nextHop(birdRoute)));
                assertEquals("global", n1.status().getFirst().peerType());
                assertTrue(n1.status().getFirst().established());
                String birdView = bird.birdc("show", "route", block1.toString(), "all");
                assertTrue(birdView.contains("BGP.next_hop: 127.9.0.1"), birdView);
                assertTrue(birdView.contains("BGP.ext_community: (rt, 64513, 66)"), birdView);
                // A changed pool re-announces its routes with the new communities.
                resources.apply(List.of(new IpPool(Cidr.parse("10.66.0.0/16"), null, true, null, null, List.of("ro:64513:7", "rt:64513:66"))));
                NodeTesting.await("BIRD sees rack1-a's block with the pool's new extended communities", () ->
                        bird.birdc("show", "route", block1.toString(), "all").contains("BGP.ext_community: (rt, 64513, 66) (ro, 64513, 7)")
                        || bird.birdc("show", "route", block1.toString(), "all").contains("BGP.ext_community: (ro, 64513, 7) (rt, 64513, 66)"));

                resources.delete(List.of(reflector), false);
                NodeTesting.await("sessions to BIRD closed", () -> n1.status().isEmpty() && n2.status().isEmpty());
                NodeTesting.await("BIRD dropped rack1-a's block", () -> !bird.birdc("show", "route", block1.toString()).contains(block1.toString()));
                NodeTesting.await("nodes dropped BIRD's routes", () -> fib1.snapshot().isEmpty() && fib2.snapshot().isEmpty());
            }
        }
    }
}
