package ocelot.control.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.Mutation;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.resource.IpAddress;
import ocelot.control.resource.ResourceCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpamTest {
    @TempDir
    Path dir;
    EmbeddedDatastore store;
    BlockAffinityIpam ipam;

    @BeforeEach
    void open() {
        store = EmbeddedDatastore.open(dir);
        ipam = new BlockAffinityIpam(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    void pools(String yaml) {
        new ResourceStore(store).create(ResourceCodec.parse(yaml, "pools.yaml"), false);
    }

    static String pool(String cidr, String extraSpec) {
        return "apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: " + cidr + "\nspec:\n  nat-outgoing: true\n" + extraSpec + "---\n";
    }

    IpAddress assign(String node, String handle) {
        return ipam.assign(new BlockAffinityIpam.AssignRequest(node, handle, 4, Map.of("node", node))).address();
    }

    @Test
    void nodeFillsItsAffineBlockBeforeClaimingTheNext() {
        pools(pool("10.0.0.0/24", ""));
        Set<IpAddress> got = new HashSet<>();
        for (int i = 0; i < 64; i++) {
            IpAddress ip = assign("a", "h" + i);
            assertTrue(got.add(ip));
            assertEquals("10.0.0.0/26", ipam.show(ip).block().toString());
        }
        IpAddress next = assign("a", "h64");
        assertEquals("10.0.0.64", next.toString());
        assertEquals("a", ipam.show(next).affinity());
        assertTrue(ipam.check().clean(), ipam.check().toString());
    }

    @Test
    void assignsAGivenAddressClaimingItsBlockForTheNode() {
        pools(pool("10.0.0.0/24", ""));
        var req = new BlockAffinityIpam.AssignRequest("a", "fixed", 4, Map.of("node", "a"));
        assertEquals("10.0.0.77", ipam.assign(IpAddress.parse("10.0.0.77"), req).address().toString());
        var info = ipam.show(IpAddress.parse("10.0.0.77"));
        assertEquals("10.0.0.64/26", info.block().toString());
        assertEquals("a", info.affinity());
        assertEquals("fixed", info.handleId());
        // The node's next ordinary assignment comes from the block it now holds.
        assertEquals("10.0.0.64", assign("a", "next").toString());
        var taken = assertThrows(IpamException.class, () -> ipam.assign(IpAddress.parse("10.0.0.77"),
                new BlockAffinityIpam.AssignRequest("b", "other", 4, Map.of())));
        assertEquals("IP 10.0.0.77 is already assigned (handle fixed)", taken.getMessage());
        var outside = assertThrows(IpamException.class, () -> ipam.assign(IpAddress.parse("10.9.0.1"),
                new BlockAffinityIpam.AssignRequest("b", "other", 4, Map.of())));
        assertEquals("IP 10.9.0.1 is not in any enabled IP pool", outside.getMessage());
        assertEquals(1, ipam.releaseByHandle("fixed"));
        assertTrue(ipam.check().clean(), ipam.check().toString());
    }

    @Test
    void assignsOnlyFromTheListedPools() {
        pools(pool("10.0.0.0/24", "") + pool("10.1.0.0/24", ""));
        var req = new BlockAffinityIpam.AssignRequest("a", "h", 4, Map.of());
        var ip = ipam.assign(req, List.of(ocelot.control.resource.Cidr.parse("10.1.0.0/24"))).address();
        assertEquals("10.1.0.0", ip.toString());
        var missing = assertThrows(IpamException.class, () -> ipam.assign(req, List.of(ocelot.control.resource.Cidr.parse("10.2.0.0/24"))));
        assertEquals("pool 10.2.0.0/24 does not exist or is disabled", missing.getMessage());
    }

    @Test
    void borrowsFromAnotherNodesBlockOnlyWhenNoBlockIsLeft() {
        pools(pool("10.0.0.0/25", ""));
        assertEquals("10.0.0.0", assign("a", "a1").toString());
        assertEquals("10.0.0.64", assign("b", "b1").toString());
        IpAddress borrowed = assign("c", "c1");
        assertEquals("10.0.0.1", borrowed.toString());
        var info = ipam.show(borrowed);
        assertEquals("a", info.affinity());
        assertEquals("c1", info.handleId());
        assertEquals("10.0.0.2", assign("a", "a2").toString());
    }

    @Test
    void exhaustedPoolsAndDisabledPoolsAreReported() {
        pools(pool("10.0.0.0/26", "  blockSize: 28\n") + pool("10.9.0.0/16", "  disabled: true\n"));
        for (int i = 0; i < 64; i++) assign("n" + (i % 3), "h" + i);
        IpamException e = assertThrows(IpamException.class, () -> assign("a", "last"));
        assertTrue(e.getMessage().contains("exhausted"), e.getMessage());
        assertEquals(4, ipam.check().blocks());
        assertEquals(64, ipam.assignments().size());
    }

    @Test
    void releaseFreesTheAddressAndTheHandle() {
        pools(pool("10.0.0.0/24", ""));
        IpAddress ip = assign("a", "h1");
        IpAddress ip2 = assign("a", "h1");
        assertEquals("h1", ipam.show(ip).handleId());
        ipam.release(ip);
        assertNull(ipam.show(ip).handleId());
        IpamException e = assertThrows(IpamException.class, () -> ipam.release(ip));
        assertEquals("IP 10.0.0.0 is not assigned", e.getMessage());
        assertEquals(1, ipam.releaseByHandle("h1"));
        assertFalse(ipam.show(ip2).assigned());
        assertTrue(store.get(BlockAffinityIpam.handleKey("h1")).isEmpty());
        assertEquals(ip, assign("a", "h2"), "the lowest free address is reused");
        assertThrows(IpamException.class, () -> ipam.show(IpAddress.parse("192.0.2.1")));
    }

    @Test
    void ipv6PoolsUse122Blocks() {
        pools(pool("fd80:24e2:f998:72d6::/64", ""));
        IpAddress ip = ipam.assign(new BlockAffinityIpam.AssignRequest("a", "h", 6, Map.of())).address();
        assertEquals("fd80:24e2:f998:72d6::", ip.toString());
        assertEquals("fd80:24e2:f998:72d6::/122", ipam.show(ip).block().toString());
    }

    @Test
    void checkFindsLeaksAndInconsistencies() {
        pools(pool("10.0.0.0/24", ""));
        ipam.assign(new BlockAffinityIpam.AssignRequest("rack1-host1", "wep1", 4,
                Map.of(IpamHandle.WORKLOAD_ENDPOINT, "rack1-host1/k8s/default.frontend-5gs43/eth0")));
        IpamCheck leaked = ipam.check();
        assertEquals(List.of("handle wep1 holds 1 address(es) for workload endpoint "
                + "rack1-host1/k8s/default.frontend-5gs43/eth0, which does not exist"), leaked.leaks());
        new ResourceStore(store).create(ResourceCodec.parse("""
                apiVersion: v1
                kind: workloadEndpoint
                metadata: {name: eth0, workload: default.frontend-5gs43, orchestrator: k8s, node: rack1-host1}
                spec: {interfaceName: cali0, ipNetworks: [10.0.0.0/32, 10.0.0.9/32]}
                """, "wep.yaml"), false);
        IpamCheck c = ipam.check();
        assertTrue(c.leaks().isEmpty(), c.toString());
        assertEquals(List.of("IP 10.0.0.9 is used by a workload endpoint but not allocated in IPAM"), c.inconsistencies());

        store.delete(BlockAffinityIpam.handleKey("wep1"), Mutation.ANY_REVISION);
        store.put(BlockAffinityIpam.AFFINITIES + "ghost/10.0.0.128-26", "{\"state\":\"confirmed\"}");
        IpamCheck broken = ipam.check();
        assertEquals(List.of("IP 10.0.0.0 is allocated to handle wep1, which has no handle record"), broken.leaks());
        assertTrue(broken.inconsistencies().contains("affinity /ocelot/v1/ipam/affinity/ghost/10.0.0.128-26 points at no block"),
                broken.toString());
    }
}
