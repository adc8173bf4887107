package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import ocelot.control.resource.ResourceCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A top-of-rack node with one bgpPeer for its whole rack: peerIP 127.9.41.0/29 (a listen range,
 * Ocelot's extension), asNumber "64601-64603", listenLimit 2. Three rack nodes in their own ASes
 * each have a node-scoped bgpPeer to the ToR and dial it: the first two come up and the ToR learns
 * their blocks, the third is refused (Cease/Connection Rejected); deleting one rack node's bgpPeer
 * frees a slot for the third. No bgpPeer per rack node on the ToR.
 */
class NodeDynamicNeighbourTest {
    @TempDir
    Path dir;

    @Test
    void torAcceptsItsRackThroughOneListenRange() throws Exception {
        InetAddress tor = InetAddress.getByName("127.9.40.1");
        InetAddress[] rack = {InetAddress.getByName("127.9.41.1"), InetAddress.getByName("127.9.41.2"), InetAddress.getByName("127.9.41.3")};
        int port = NodeTesting.freePort(tor, rack[0], rack[1], rack[2]);
        try (EmbeddedDatastore store = EmbeddedDatastore.open(dir.resolve("data"))) {
            ResourceStore resources = new ResourceStore(store);
            resources.setSetting(ClusterSetting.NODE_TO_NODE_MESH, "off");
            resources.setSetting(ClusterSetting.AS_NUMBER, "64512");
            BgpPeer rangeOnTor = (BgpPeer) ResourceCodec.parse("""
                    kind: bgpPeer
                    apiVersion: v1
                    metadata:
                      scope: node
                      node: tor
                      peerIP: 127.9.41.0/29
                    spec:
                      asNumber: 64601-64603
                      listenLimit: 2
                      bfd: {interval: 100, multiplier: 3}
                    """, "tor.yaml").getFirst();
            BgpPeer.Bfd bfd = new BgpPeer.Bfd(100, 3);
            List<BgpPeer> toTor = List.of(
                    new BgpPeer(BgpPeer.Scope.NODE, "rack-a", IpAddress.parse("127.9.40.1"), AsNumber.of(64512), null, 0, 0, 0, null, bfd),
                    new BgpPeer(BgpPeer.Scope.NODE, "rack-b", IpAddress.parse("127.9.40.1"), AsNumber.of(64512), null, 0, 0, 0, null, bfd),
                    new BgpPeer(BgpPeer.Scope.NODE, "rack-c", IpAddress.parse("127.9.40.1"), AsNumber.of(64512)));
            resources.apply(List.of(
                    new IpPool(Cidr.parse("10.67.0.0/16"), null, true, null, null),
                    new NodeResource("tor", new NodeResource.Bgp(null, Cidr.parseInterface("127.9.40.1/8"), null)),
                    new NodeResource("rack-a", new NodeResource.Bgp(AsNumber.of(64601), Cidr.parseInterface("127.9.41.1/8"), null)),
                    new NodeResource("rack-b", new NodeResource.Bgp(AsNumber.of(64602), Cidr.parseInterface("127.9.41.2/8"), null)),
                    new NodeResource("rack-c", new NodeResource.Bgp(AsNumber.of(64603), Cidr.parseInterface("127.9.41.3/8"), null)),
                    rangeOnTor, toTor.get(0), toTor.get(1)));
            BlockAffinityIpam ipam = new BlockAffinityIpam(store);
            Prefix blockA = NodeTesting.assignBlock(ipam, "rack-a", "wa");
            Prefix blockB = NodeTesting.assignBlock(ipam, "rack-b", "wb");
            Prefix blockC = NodeTesting.assignBlock(ipam, "rack-c", "wc");
            LearnedRouteTable torFib = new LearnedRouteTable("tor");
            try (BgpNodeAgent torAgent = new BgpNodeAgent(store, "tor", port, torFib, Clock.systemUTC());
                 BgpNodeAgent a = new BgpNodeAgent(store, "rack-a", port, new LearnedRouteTable("rack-a"), Clock.systemUTC());
                 BgpNodeAgent b = new BgpNodeAgent(store, "rack-b", port, new LearnedRouteTable("rack-b"), Clock.systemUTC());
                 BgpNodeAgent c = new BgpNodeAgent(store, "rack-c", port, new LearnedRouteTable("rack-c"), Clock.systemUTC())) {
                torAgent.start();
                a.start();
                b.start();
                NodeTesting.await("the ToR learns rack-a's and rack-b's blocks", () -> rack[0].equals(torFib.nextHop(blockA))
                        && rack[1].equals(torFib.nextHop(blockB)));
                assertEquals(2, torAgent.status().size());
                assertTrue(torAgent.status().stream().allMatch(s -> s.peerType().startsWith("dynamic 127.9.41.0/29")), torAgent.status()::toString);
                // spec.bfd on both sides: BFD (port 3784 on each node's address) Up between the ToR and each rack node
                NodeTesting.await("BFD Up between the ToR and rack-a/rack-b", () -> torAgent.bfdStates().get(rack[0]) == ocelot.bgp.bfd.BfdState.UP
                        && torAgent.bfdStates().get(rack[1]) == ocelot.bgp.bfd.BfdState.UP && a.bfdStates().get(tor) == ocelot.bgp.bfd.BfdState.UP);

                resources.apply(List.of(toTor.get(2)));
                c.start();
                NodeTesting.await("rack-c refused over the limit", () -> c.status().size() == 1
                        && c.status().getFirst().info().toLowerCase(java.util.Locale.ROOT).contains("connection rejected"));
                assertNull(torFib.nextHop(blockC));

                resources.delete(List.of(toTor.get(0)), false);
                NodeTesting.await("rack-a's block withdrawn and rack-c's learned", () -> torFib.nextHop(blockA) == null
                        && rack[2].equals(torFib.nextHop(blockC)));
            }
        }
    }
}
