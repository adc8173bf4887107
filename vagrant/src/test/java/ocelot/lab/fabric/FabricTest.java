package ocelot.lab.fabric;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import ocelot.lab.topology.Topology;
import ocelot.lab.topology.TopologyReader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The namespace fabric of each profile with plain namespaces standing in for the nodes (their
 * uplinks addressed by the kernel): bridges, links, kernel routers and BIRD carry pings across,
 * and closing leaves no namespace, process or file of the run behind.
 */
@Tag("netns")
@Tag("bird")
class FabricTest {
    static final Path HOME = Path.of(System.getProperty("ocelot.home", "..")).toAbsolutePath().normalize();
    final RunId run = RunId.random();
    Fabric fabric;

    Fabric build(String profile, boolean management) throws Exception {
        Topology t = TopologyReader.read(TopologyReader.profileFile(HOME, profile));
        fabric = new Fabric(t, new Shell(run), false, management);
        fabric.build();
        return fabric;
    }

    @AfterEach
    void close() {
        if (fabric != null) fabric.close();
        assertNothingLeft(run);
    }

    static void assertNothingLeft(RunId run) {
        assertTrue(Sweep.namespaces().stream().noneMatch(n -> n.startsWith(run.prefix())), "no namespace of " + run);
        assertTrue(Sweep.processesOf(run).isEmpty(), "no process of " + run);
        assertFalse(run.tempDir().toFile().exists(), "no temp dir of " + run);
        assertFalse(Sweep.runsPresent().contains(run), "nothing of " + run);
    }

    @Test
    void meshNodesReachEachOtherOnOneBridge() throws Exception {
        Fabric f = build("mesh", false);
        assertTrue(f.ping(f.namespace("node1"), "10.99.1.13", 2));
        assertTrue(f.ping(f.namespace("node3"), "10.99.1.12", 2));
        assertFalse(f.ping(f.namespace("node1"), "10.99.1.99", 1), "nobody answers for an unused address");
    }

    @Test
    void crossSubnetGoesThroughTheKernelRouter() throws Exception {
        Fabric f = build("cross-subnet", true);
        assertTrue(f.ping(f.namespace("node1"), "10.99.2.11", 2));
        String trace = f.shell().in(f.namespace("node1"), "ip", "route", "get", "10.99.2.11");
        assertTrue(trace.contains("via 10.99.1.1"), trace);
        assertTrue(f.ping(f.namespace("mgmt"), "10.99.254.12", 2), "the management segment reaches node3");
    }

    @Test
    void torsPeerOverTheSpineAndRouteBetweenRacks() throws Exception {
        Fabric f = build("as-per-rack", false);
        assertEquals(2, f.startBirds().size());
        long deadline = System.currentTimeMillis() + 20_000;
        while (!(f.birdEstablished("tor1", "10.99.0.2") && f.birdEstablished("tor2", "10.99.0.1"))) {
            assertTrue(System.currentTimeMillis() < deadline, "tor1-tor2 not established: " + f.birdc("tor1", "show", "protocols"));
            Thread.sleep(200);
        }
        // tor2 learned rack1's subnet over the spine and put it in its kernel (the kernel protocol).
        while (!f.shell().in(f.namespace("tor2"), "ip", "route", "show", "10.99.1.0/24").contains("via 10.99.0.1")) {
            assertTrue(System.currentTimeMillis() < deadline, "tor2 has no route to rack1: " + f.birdc("tor2", "show", "route"));
            Thread.sleep(200);
        }
        assertTrue(f.ping(f.namespace("node1"), "10.99.2.11", 2), "rack1 reaches rack2 through both ToRs");
        assertFalse(f.birdEstablished("tor1", "10.99.1.11"), "plain namespaces speak no BGP");
    }
}
