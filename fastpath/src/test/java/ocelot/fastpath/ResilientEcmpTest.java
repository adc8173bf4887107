package ocelot.fastpath;

import static ocelot.fastpath.Topology.EP1_MAC;
import static ocelot.fastpath.Topology.W1_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import ocelot.fastpath.state.Neighbour;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.ResilientBuckets;
import ocelot.fastpath.state.Route;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Resilient ECMP through the whole fastpath: 2,000 UDP flows from ep1 to 10.80.0.0/16, routed over
 * four fabric gateways; each flow's gateway is read off the transmitted frame's destination MAC.
 * One gateway leaves (a republished route with three members): exactly the flows it carried move,
 * spread over the survivors, every other flow keeps its gateway. It comes back: exactly the flows
 * that move go to it. The shares are printed (the ideal is 1/4 and 1/4 back).
 */
class ResilientEcmpTest {
    static final int FLOWS = 2000;
    static final int[] GATEWAYS = {Frames.ip("192.168.0.11"), Frames.ip("192.168.0.12"), Frames.ip("192.168.0.13"), Frames.ip("192.168.0.14")};
    static final long MAC_BASE = 0x0200_0000_0B00L;
    final Topology t = new Topology();

    @AfterEach
    void close() {
        t.closeConserving();
    }

    private void route(int... members) {
        List<NextHop.Via> vias = new ArrayList<>();
        for (int m : members) vias.add(new NextHop.Via(GATEWAYS[m], "fabric"));
        t.extraRoutes.clear();
        t.extraRoutes.add(Route.of("10.80.0.0/16", new NextHop.Ecmp(vias)));
        t.publish();
    }

    /** The gateway (0-3) each flow leaves through. */
    private int[] gatewayOfEachFlow() {
        int[] out = new int[FLOWS];
        for (int f = 0; f < FLOWS; f += 200) {
            for (int k = f; k < f + 200; k++) {
                t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.80." + (k % 200) + "." + (1 + k / 200), 10000 + k, 53, 64, 20));
            }
            t.run();
            List<byte[]> frames = t.fabric.drainTransmitted();
            assertEquals(200, frames.size(), () -> t.fastpath.counters().describeNonZero());
            for (int k = 0; k < 200; k++) out[f + k] = (int) (Frames.dmac(frames.get(k)) - MAC_BASE);
        }
        return out;
    }

    @Test
    void aLeavingMemberMovesOnlyItsOwnFlowsAndAJoiningOneTakesOnlyWhatItGets() {
        for (int g = 0; g < GATEWAYS.length; g++) t.extraNeighbours.add(new Neighbour(GATEWAYS[g], MAC_BASE + g, "fabric"));
        route(0, 1, 2, 3);
        int[] four = gatewayOfEachFlow();
        int[] perGateway = new int[4];
        for (int g : four) perGateway[g]++;
        for (int g = 0; g < 4; g++) assertTrue(perGateway[g] > FLOWS / 8, "flows per gateway " + java.util.Arrays.toString(perGateway));

        route(0, 1, 3); // gateway 2 leaves
        int[] three = gatewayOfEachFlow();
        int moved = 0;
        for (int f = 0; f < FLOWS; f++) {
            assertTrue(three[f] != 2, "flow " + f + " still on the gone gateway");
            if (four[f] == 2) moved++;
            else assertEquals(four[f], three[f], "flow " + f + " moved although its gateway stayed");
        }
        assertEquals(perGateway[2], moved);

        route(0, 1, 2, 3); // and comes back: the same table as before (it depends on the member set alone)
        int[] back = gatewayOfEachFlow();
        int joined = 0;
        for (int f = 0; f < FLOWS; f++) {
            if (back[f] != three[f]) {
                assertEquals(2, back[f], "flow " + f + " moved to a gateway that was there all along");
                joined++;
            }
            assertEquals(four[f], back[f]);
        }
        System.out.printf("resilient ECMP, %d flows: 1 of 4 leaves: %.1f%% remapped (ideal 25%%); it rejoins: %.1f%% remapped (ideal 25%%); "
                + "per gateway %s; hash %% members would remap %.1f%%%n", FLOWS, 100.0 * moved / FLOWS, 100.0 * joined / FLOWS,
                java.util.Arrays.toString(perGateway), 100.0 * moduloRemapped());
    }

    /** What the previous scheme (hash mod member count, members in order) remapped when the third of four left. */
    static double moduloRemapped() {
        java.util.Random r = new java.util.Random(1);
        int moved = 0, n = 100_000;
        int[] before = {0, 1, 2, 3}, after = {0, 1, 3};
        for (int i = 0; i < n; i++) {
            int h = r.nextInt();
            if (before[Integer.remainderUnsigned(h, 4)] != after[Integer.remainderUnsigned(h, 3)]) moved++;
        }
        return (double) moved / n;
    }

    /** The bucket table alone, over every member count: leaving and joining move exactly the buckets they must. */
    @Test
    void bucketTablesMoveOnlyTheBucketsOfTheMemberThatChanged() {
        for (int members = 2; members <= 64; members++) {
            long[] keys = new long[members];
            for (int m = 0; m < members; m++) keys[m] = ResilientBuckets.key(Frames.ip("192.168.1.1") + m, 2, 0);
            int[] all = ResilientBuckets.owners(keys);
            int[] count = new int[members];
            for (int o : all) count[o]++;
            for (int m = 0; m < members; m++) assertTrue(count[m] > 0, members + " members: member " + m + " owns no bucket");
            int gone = members / 2;
            long[] fewer = new long[members - 1];
            for (int m = 0, k = 0; m < members; m++) if (m != gone) fewer[k++] = keys[m];
            int[] after = ResilientBuckets.owners(fewer);
            for (int b = 0; b < ResilientBuckets.BUCKETS; b++) {
                long ownerBefore = keys[all[b]], ownerAfter = fewer[after[b]];
                if (all[b] != gone) assertEquals(ownerBefore, ownerAfter, members + " members: bucket " + b + " moved");
            }
        }
    }
}
