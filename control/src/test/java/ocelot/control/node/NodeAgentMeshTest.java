package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.bgp.session.SessionConfig;
import ocelot.bgp.speaker.BgpSpeaker;
import ocelot.bgp.speaker.PeerSettings;
import ocelot.bgp.speaker.PeerStatus;
import ocelot.bgp.speaker.SpeakerConfig;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.IpAddresses;
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
import ocelot.control.resource.WorkloadEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two node agents in one JVM on the embedded datastore (127.0.0.1 and 127.0.0.2, one BGP port):
 * the node-to-node mesh forms from the datastore, each node announces its affine IPAM block and
 * learns the other's; unrelated changes leave the session alone; {@code nodeToNodeMesh off}
 * tears the mesh down; a global bgpPeer (a route reflector speaker on 127.0.0.3) brings both
 * nodes back in touch through it.
 */
class NodeAgentMeshTest {
    @TempDir
    Path dir;

    @Test
    void meshFromDatastoreThenMeshOffThenGlobalReflector() throws Exception {
        InetAddress a1 = InetAddress.getByName("127.0.0.1");
        InetAddress a2 = InetAddress.getByName("127.0.0.2");
        InetAddress rrAddress = InetAddress.getByName("127.0.0.3");
        int port = NodeTesting.freePort(a1, a2, rrAddress);
        try (EmbeddedDatastore store = EmbeddedDatastore.open(dir.resolve("data"))) {
            ResourceStore resources = new ResourceStore(store);
            resources.apply(List.of(
                    new IpPool(Cidr.parse("10.65.0.0/16"), null, true, null, null),
                    new NodeResource("node1", new NodeResource.Bgp(null, Cidr.parseInterface("127.0.0.1/8"), null)),
                    new NodeResource("node2", new NodeResource.Bgp(null, Cidr.parseInterface("127.0.0.2/8"), null))));
            BlockAffinityIpam ipam = new BlockAffinityIpam(store);
            Prefix block1 = NodeTesting.assignBlock(ipam, "node1", "w1");
            Prefix block2 = NodeTesting.assignBlock(ipam, "node2", "w2");

            LearnedRouteTable fib1 = new LearnedRouteTable("node1");
            LearnedRouteTable fib2 = new LearnedRouteTable("node2");
            try (BgpNodeAgent n1 = new BgpNodeAgent(store, "node1", port, fib1, Clock.systemUTC());
                 BgpNodeAgent n2 = new BgpNodeAgent(store, "node2", port, fib2, Clock.systemUTC())) {
                n1.start();
                n2.start();
                assertEquals(Set.of(block1), n1.localRoutes());
                NodeTesting.await("node1 learns node2's block", () -> a2.equals(fib1.nextHop(block2)));
                NodeTesting.await("node2 learns node1's block", () -> a1.equals(fib2.nextHop(block1)));
                PeerStatus mesh = n1.status().getFirst();
                assertEquals("127.0.0.2", mesh.peerAddress());
                assertEquals("node-to-node mesh", mesh.peerType());
                assertTrue(mesh.established(), mesh.toString());

                // A local endpoint address outside node1's blocks (borrowed) is announced as a /32.
                resources.apply(List.of(new WorkloadEndpoint("eth0", "pod-x", "k8s", "node1", Map.of(), "cali1", null,
                        List.of(Cidr.parse("10.65.9.7/32")), null, null)));
                Prefix borrowed = Prefix.parse("10.65.9.7/32");
                NodeTesting.await("node2 learns node1's borrowed /32", () -> a1.equals(fib2.nextHop(borrowed)));
                // ... and an address outside every pool is not announced (Calico's export filter).
                resources.apply(List.of(new WorkloadEndpoint("eth0", "pod-y", "k8s", "node1", Map.of(), "cali2", null,
                        List.of(Cidr.parse("172.31.0.9/32")), null, null)));
                NodeTesting.await("node1 reconciled the second endpoint", () -> n1.passes() >= 3);
                assertEquals(Set.of(block1, borrowed), n1.localRoutes());
                assertEquals(1, n1.status().getFirst().timesEstablished(), "route changes must not restart the session");
                assertEquals(1, n2.status().getFirst().timesEstablished(), "route changes must not restart the session");

                resources.setSetting(ClusterSetting.NODE_TO_NODE_MESH, "off");
                NodeTesting.await("mesh torn down", () -> n1.status().isEmpty() && n2.status().isEmpty());
                NodeTesting.await("routes via the mesh withdrawn", () -> fib1.nextHop(block2) == null && fib2.nextHop(block1) == null);

                SpeakerConfig rrConfig = new SpeakerConfig(rrAddress, port, 64512, IpAddresses.toInt(rrAddress),
                        IpAddresses.toInt(rrAddress), rrAddress, null);
                try (BgpSpeaker rr = new BgpSpeaker(rrConfig, new LearnedRouteTable("rr"))) {
                    rr.start();
                    rr.applyPeers(List.of(client(rrAddress, a1, port), client(rrAddress, a2, port)));
                    resources.apply(List.of(new BgpPeer(BgpPeer.Scope.GLOBAL, null, IpAddress.parse("127.0.0.3"), AsNumber.of(64512))));
                    NodeTesting.await("node1's global peer up", () -> n1.status().size() == 1 && n1.status().getFirst().established());
                    NodeTesting.await("node2's global peer up", () -> n2.status().size() == 1 && n2.status().getFirst().established());
                    assertEquals("global", n1.status().getFirst().peerType());
                    NodeTesting.await("node1 learns node2's block via the reflector", () -> a2.equals(fib1.nextHop(block2)));
                    NodeTesting.await("node2 learns node1's block via the reflector", () -> a1.equals(fib2.nextHop(block1)));

                    // A damaged record is refused; what runs stays.
                    long refused = n1.refusedPasses();
                    store.put(NodeRoutingState.PEERS + "global/127.0.0.9", "{not json");
                    NodeTesting.await("damaged bgpPeer refused", () -> n1.refusedPasses() > refused);
                    assertTrue(n1.status().getFirst().established());
                    assertEquals(a2, fib1.nextHop(block2));
                }
            }
        }
    }

    @Test
    void aNodesOwnAsChangeReplacesItsSpeakerAndTheMeshComesBackAsEbgp() throws Exception {
        InetAddress a1 = InetAddress.getByName("127.0.0.1");
        InetAddress a2 = InetAddress.getByName("127.0.0.2");
        int port = NodeTesting.freePort(a1, a2);
        try (EmbeddedDatastore store = EmbeddedDatastore.open(dir.resolve("data2"))) {
            ResourceStore resources = new ResourceStore(store);
            resources.apply(List.of(
                    new IpPool(Cidr.parse("10.67.0.0/16"), null, true, null, null),
                    new NodeResource("node1", new NodeResource.Bgp(null, Cidr.parseInterface("127.0.0.1/8"), null)),
                    new NodeResource("node2", new NodeResource.Bgp(null, Cidr.parseInterface("127.0.0.2/8"), null))));
            Prefix block2 = NodeTesting.assignBlock(new BlockAffinityIpam(store), "node2", "w2");
            LearnedRouteTable fib1 = new LearnedRouteTable("node1");
            try (BgpNodeAgent n1 = new BgpNodeAgent(store, "node1", port, fib1, Clock.systemUTC());
                 BgpNodeAgent n2 = new BgpNodeAgent(store, "node2", port, new LearnedRouteTable("node2"), Clock.systemUTC())) {
                n1.start();
                n2.start();
                NodeTesting.await("node1 learns node2's block over iBGP", () -> a2.equals(fib1.nextHop(block2)));
                resources.apply(List.of(new NodeResource("node2", new NodeResource.Bgp(AsNumber.of(65002), Cidr.parseInterface("127.0.0.2/8"), null))));
                NodeTesting.await("node1's session to node2 comes back as eBGP",
                        () -> n1.passes() >= 2 && n2.passes() >= 2 && n1.status().size() == 1
                                && n1.status().getFirst().established() && a2.equals(fib1.nextHop(block2)));
                assertEquals(1, n2.status().size());
                assertTrue(n2.status().getFirst().established(), n2.status().toString());
            }
        }
    }

    private static PeerSettings client(InetAddress local, InetAddress peer, int port) {
        SessionConfig s = new SessionConfig(peer, port, local, 64512, 64512, IpAddresses.toInt(local), 90, 1, false, null,
                EnumSet.of(AddressFamily.IPV4_UNICAST), 0);
        return new PeerSettings(s, true, false, "reflector client");
    }
}
