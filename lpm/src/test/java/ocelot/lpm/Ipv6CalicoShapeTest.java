package ocelot.lpm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ocelot.lpm.workload.Ipv6RouteSet;
import ocelot.lpm.workload.Ipv6RouteSetGenerator;
import org.junit.jupiter.api.Test;

/** The IPv6 benchmark's table shape, checked against brute force, single and batch. */
class Ipv6CalicoShapeTest {
    @Test
    void calicoTableAnswersLikeBruteForce() {
        Ipv6RouteSet routes = Ipv6RouteSetGenerator.calico(3000, 7);
        Ipv6RouteTable table = new Ipv6RouteTable(routes.maxNextHops());
        LinearIpv6Routes reference = new LinearIpv6Routes(routes.maxNextHops());
        routes.insertInto(table);
        routes.insertInto(reference);
        assertEquals(routes.size(), table.size(), "every generated route is distinct and valid");

        long[] hi = new long[1 << 14];
        long[] lo = new long[hi.length];
        Ipv6RouteSetGenerator.trace(routes, hi, lo, 8);
        int[] batch = new int[hi.length];
        table.lookupBatch(hi, lo, batch, hi.length);
        int endpointHits = 0;
        for (int i = 0; i < hi.length; i++) {
            int expected = reference.lookup(hi[i], lo[i]);
            assertEquals(expected, table.lookup(hi[i], lo[i]), "address " + i);
            assertEquals(expected, batch[i], "address " + i + " in the batch");
            if ((i & 1) == 0 && table.get(hi[i], lo[i], 128) >= 0) endpointHits++;
        }
        assertNotEquals(0, endpointHits, "the even half of the trace lands on endpoint /128s");
    }

    @Test
    void sameSeedSameTable() {
        Ipv6RouteSet a = Ipv6RouteSetGenerator.calico(500, 3);
        Ipv6RouteSet b = Ipv6RouteSetGenerator.calico(500, 3);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.hi(i), b.hi(i));
            assertEquals(a.lo(i), b.lo(i));
            assertEquals(a.length(i), b.length(i));
            assertEquals(a.nextHop(i), b.nextHop(i));
        }
    }
}
