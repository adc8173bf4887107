package ocelot.fastpath;

import org.junit.jupiter.api.AfterAll;

import ocelot.fastpath.node.EstablishedFlowNode;

/**
 * {@link FusedPathDifferentialTest}'s traffic with the fused pass preloading every burst's
 * conntrack lines first (what it does from 32,768 live flows on; the base test's tables are far
 * smaller): the hashes computed ahead must look up exactly what the pass would have.
 */
class FusedPathPreloadDifferentialTest extends FusedPathDifferentialTest {
    static {
        // read by each EstablishedFlowNode when its worker is built, i.e. by this class's topologies
        System.setProperty(EstablishedFlowNode.PRELOAD_MIN_FLOWS_PROPERTY, "0");
    }

    @AfterAll
    static void restore() { System.clearProperty(EstablishedFlowNode.PRELOAD_MIN_FLOWS_PROPERTY); }
}
