package ocelot.control.ipam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.IpPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node claims a block by affinity at start, before any workload, and keeps it; assignments then come from it. */
class IpamClaimTest {
    @TempDir
    Path dir;

    @Test
    void claimAtStartIsIdempotentAndAssignmentsUseTheClaimedBlock() {
        try (EmbeddedDatastore store = EmbeddedDatastore.open(dir)) {
            new ResourceStore(store).apply(List.of(new IpPool(Cidr.parse("10.65.0.0/24"), null, true, null, null)));
            BlockAffinityIpam ipam = new BlockAffinityIpam(store);
            assertEquals(Optional.of(Cidr.parse("10.65.0.0/26")), ipam.claimAffineBlock("node1", 4));
            assertEquals(Optional.of(Cidr.parse("10.65.0.0/26")), ipam.claimAffineBlock("node1", 4), "a second start keeps the block");
            assertEquals(Optional.of(Cidr.parse("10.65.0.64/26")), ipam.claimAffineBlock("node2", 4));
            assertEquals(Map.of(), ipam.assignments(), "claiming assigns no address");
            var a = ipam.assign(new BlockAffinityIpam.AssignRequest("node2", "w1", 4, Map.of()));
            assertEquals("10.65.0.64", a.address().toString());
            assertEquals(Optional.empty(), ipam.claimAffineBlock("node1", 6), "no IPv6 pool: nothing to claim");
            ipam.claimAffineBlock("node3", 4);
            ipam.claimAffineBlock("node4", 4);
            assertEquals(Optional.empty(), ipam.claimAffineBlock("node5", 4), "every block of the /24 taken");
            IpamCheck check = ipam.check();
            assertEquals(List.of(), check.leaks());
            assertEquals(List.of(), check.inconsistencies());
        }
    }
}
