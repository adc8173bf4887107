package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.function.BooleanSupplier;

import ocelot.bgp.wire.Prefix;
import ocelot.control.ipam.BlockAffinityIpam;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.IpAddress;
import ocelot.testkit.ListenPorts;

/** Condition waits with a deadline (never a sleep as an assertion), port picking and IPAM blocks for node tests. */
final class NodeTesting {
    private static final long TIMEOUT_NANOS = 60_000_000_000L;

    private NodeTesting() {
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) fail("timed out waiting until " + what);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting until " + what);
            }
        }
    }

    /** A TCP port free on every one of {@code addresses} right now (below the ephemeral range: see ListenPorts). */
    static int freePort(InetAddress... addresses) throws IOException {
        return ListenPorts.free(addresses);
    }

    /** Assigns one IPv4 address to {@code workload} on {@code node}; returns its /26 block, the route the node announces. */
    static Prefix assignBlock(BlockAffinityIpam ipam, String node, String workload) {
        IpAddress ip = ipam.assign(new BlockAffinityIpam.AssignRequest(node, workload, 4, Map.of())).address();
        return Prefix.parse(new Cidr(ip, 26).masked().toString());
    }
}
