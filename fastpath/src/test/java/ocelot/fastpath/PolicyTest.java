package ocelot.fastpath;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ocelot.acl.Action;
import ocelot.acl.Rule;
import ocelot.fastpath.counter.Counter;

import static ocelot.fastpath.Topology.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Policy with connection tracking: ep2 accepts TCP 80 from ep1 only; ep1 has a default-deny
 * ingress (an empty rule list). Replies pass because conntrack knows the flow; new flows the
 * other way do not. Counters are the oracle.
 */
class PolicyTest {
    Topology t = new Topology();

    @AfterEach
    void close() {
        t.closeConserving();
    }

    void policy() {
        t.ep2Ingress = rules(Rule.builder(7).action(Action.ALLOW).src("10.65.0.2/32").protocol(6).dstPorts(80, 80).build(),
                Rule.builder(8).action(Action.DENY).protocol(6).build());
        t.ep1Ingress = rules();
        t.ep1Egress = rules(Rule.builder(9).action(Action.DENY).protocol(17).dstPorts(9999, 9999).build(),
                Rule.builder(10).action(Action.ALLOW).build());
        t.publish();
    }

    @Test
    void allowedTcpAndItsRepliesPassUnderDefaultDenyIngress() {
        policy();
        t.w1.inject(Frames.tcp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 40000, 80, 0x02, 64));
        t.run();
        assertEquals(1, t.w2.drainTransmitted().size());
        t.w2.inject(Frames.tcp(W2_MAC, EP2_MAC, "10.65.0.3", "10.65.0.2", 80, 40000, 0x12, 64));
        t.run();
        assertEquals(1, t.w1.drainTransmitted().size(), t.fastpath.counters().describeNonZero());
        t.w1.inject(Frames.tcp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 40000, 80, 0x10, 64));
        t.run();
        assertEquals(1, t.w2.drainTransmitted().size());
        assertEquals(1, t.fastpath.counters().ruleHits(7));
        assertEquals(1, t.fastpath.counters().ruleHits(10));
        assertEquals(2, t.counter(Counter.CT_HIT));
        assertEquals(1, t.counter(Counter.CT_NEW));
        assertEquals(ocelot.fastpath.conntrack.FlowState.ESTABLISHED, t.fastpath.workers().getFirst().conntrack().state(0));
    }

    @Test
    void deniedFlowsAreDroppedAndCountedPerRuleAndDirection() {
        policy();
        t.w1.inject(Frames.tcp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 40001, 22, 0x02, 64)); // rule 8 denies
        t.w2.inject(Frames.tcp(W2_MAC, EP2_MAC, "10.65.0.3", "10.65.0.2", 40002, 80, 0x02, 64)); // ep1 default deny
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5, 9999, 64, 4)); // ep1 egress rule 9
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.9", "10.65.0.3", 5, 53, 64, 4)); // spoofed source
        t.w1.inject(Frames.tcp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 40003, 80, 0x01, 64)); // FIN alone cannot open a flow
        t.run();
        assertEquals(0, t.w1.drainTransmitted().size());
        assertEquals(0, t.w2.drainTransmitted().size());
        assertEquals(2, t.counter(Counter.DROP_POLICY_INGRESS));
        assertEquals(1, t.counter(Counter.DROP_POLICY_EGRESS));
        assertEquals(1, t.counter(Counter.DROP_IP_SOURCE));
        assertEquals(1, t.counter(Counter.DROP_CONNTRACK_INVALID));
        assertEquals(1, t.fastpath.counters().ruleHits(8));
        assertEquals(1, t.fastpath.counters().ruleHits(9));
        assertEquals(0, t.counter(Counter.CT_NEW));
    }

    @Test
    void flowsExpireOnInjectedTimeAndRepliesThenNoLongerPass() {
        policy();
        t.ep2Ingress = null; // ep2 accepts anything; ep1 stays default-deny
        t.publish();
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 5, 53, 64, 4));
        t.run();
        t.w2.inject(Frames.udp(W2_MAC, EP2_MAC, "10.65.0.3", "10.65.0.2", 53, 5, 64, 4));
        t.run();
        assertEquals(1, t.w1.drainTransmitted().size());
        t.nanos.addAndGet(121_000_000_000L); // past udp_timeout_stream (120 s)
        t.w2.inject(Frames.udp(W2_MAC, EP2_MAC, "10.65.0.3", "10.65.0.2", 53, 5, 64, 4));
        t.run();
        assertEquals(0, t.w1.drainTransmitted().size());
        assertEquals(1, t.counter(Counter.CT_EXPIRED), t.fastpath.counters().describeNonZero());
        assertEquals(1, t.counter(Counter.DROP_POLICY_INGRESS));
    }

    @Test
    void relatedIcmpErrorsOfAnAllowedFlowPass() {
        policy();
        t.w1.inject(Frames.tcp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 40000, 80, 0x02, 64));
        t.run();
        byte[] quoted = Frames.tcp(0, 0, "10.65.0.2", "10.65.0.3", 40000, 80, 0x02, 63);
        byte[] icmp = new byte[8 + 28];
        icmp[0] = 3;
        icmp[1] = 3;
        System.arraycopy(quoted, 14, icmp, 8, 28);
        int c = Frames.checksum(icmp, 0, icmp.length, 0);
        icmp[2] = (byte) (c >>> 8);
        icmp[3] = (byte) c;
        t.w2.inject(Frames.ipv4(W2_MAC, EP2_MAC, Frames.ip("10.65.0.3"), Frames.ip("10.65.0.2"), Frames.ICMP, 64, icmp));
        t.run();
        assertEquals(1, t.w1.drainTransmitted().size(), t.fastpath.counters().describeNonZero());
        assertEquals(1, t.counter(Counter.ICMP_RELATED));
    }

    /**
     * Calico's {@code icmp: {type: 8}} lowered as control's AclLowering does: type in the source
     * port field, code in the destination port field. The echo request is allowed and its reply
     * passes through conntrack (keyed on the echo id); a timestamp request (type 13) is denied.
     */
    @Test
    void icmpRulesMatchTypeAndCodeWhileConntrackKeysOnTheEchoId() {
        t.ep2Ingress = rules(Rule.builder(20).action(Action.ALLOW).protocol(1).srcPorts(8, 8).dstPorts(0, 0).build(),
                Rule.builder(21).action(Action.DENY).protocol(1).build());
        t.ep1Ingress = rules();
        t.publish();
        t.w1.inject(Frames.icmpEcho(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 8, 4242, 64));
        t.w1.inject(Frames.icmpEcho(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", 13, 4243, 64));
        t.run();
        assertEquals(1, t.w2.drainTransmitted().size(), t.fastpath.counters().describeNonZero());
        assertEquals(1, t.fastpath.counters().ruleHits(20));
        assertEquals(1, t.fastpath.counters().ruleHits(21));
        assertEquals(1, t.counter(Counter.DROP_POLICY_INGRESS));
        // the reply (type 0) matches no rule of ep1's default-deny ingress: only conntrack lets it through
        t.w2.inject(Frames.icmpEcho(W2_MAC, EP2_MAC, "10.65.0.3", "10.65.0.2", 0, 4242, 64));
        t.run();
        assertEquals(1, t.w1.drainTransmitted().size(), t.fastpath.counters().describeNonZero());
        assertEquals(1, t.counter(Counter.CT_HIT));
        // an echo reply with another id belongs to no flow and is denied
        t.w2.inject(Frames.icmpEcho(W2_MAC, EP2_MAC, "10.65.0.3", "10.65.0.2", 0, 4243, 64));
        t.run();
        assertEquals(0, t.w1.drainTransmitted().size());
        assertEquals(2, t.counter(Counter.DROP_POLICY_INGRESS));
    }
}
