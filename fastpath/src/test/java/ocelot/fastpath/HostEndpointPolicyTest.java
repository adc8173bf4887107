package ocelot.fastpath;

import static ocelot.fastpath.Topology.EP1_MAC;
import static ocelot.fastpath.Topology.FABRIC_MAC;
import static ocelot.fastpath.Topology.GW_MAC;
import static ocelot.fastpath.Topology.TAP_MAC;
import static ocelot.fastpath.Topology.W1_MAC;
import static ocelot.fastpath.Topology.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import ocelot.acl.Action;
import ocelot.acl.Rule;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.state.HostEndpointPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Policy on the host's own traffic through the fabric port (a Calico host endpoint): new flows
 * to the node (punted to the TAP) and from it (the TAP to the fabric) are classified by stages,
 * replies pass on conntrack, forwarded traffic is not host traffic. Counters are the oracle.
 */
class HostEndpointPolicyTest {
    Topology t = new Topology();
    int sport = 40000;

    @AfterEach
    void close() {
        t.closeConserving();
    }

    /** Stage 1 (Calico's failsafes): SSH and BGP in, BGP out; stage 2: the endpoint's policy, nothing else. */
    void publish() {
        var failsafeIn = rules(Rule.builder(1).action(Action.ALLOW).protocol(6).dstPorts(22, 22).build(),
                Rule.builder(2).action(Action.ALLOW).protocol(6).dstPorts(179, 179).build());
        var failsafeOut = rules(Rule.builder(3).action(Action.ALLOW).protocol(6).dstPorts(179, 179).build());
        var policyIn = rules(Rule.builder(4).action(Action.PASS).protocol(17).build());
        t.fastpath.control().publish(t.state().withHostEndpoints(List.of(
                new HostEndpointPolicy("fabric", List.of(failsafeIn, policyIn), List.of(failsafeOut, rules())))));
    }

    int toNode(int dport) {
        t.fabric.inject(Frames.tcp(FABRIC_MAC, GW_MAC, "192.168.0.1", "192.168.0.10", sport++, dport, 0x02, 64));
        t.run();
        return t.tap.drainTransmitted().size();
    }

    @Test
    void inboundFlowsToTheHostAreClassifiedAndRepliesPass() {
        publish();
        assertEquals(1, toNode(22), "failsafe SSH");
        long denied = t.counter(Counter.DROP_POLICY_INGRESS);
        assertEquals(0, toNode(80), "no rule allows port 80: default deny");
        t.fabric.inject(Frames.udp(FABRIC_MAC, GW_MAC, "192.168.0.1", "192.168.0.10", sport++, 53, 64, 8));
        t.run();
        assertEquals(0, t.tap.drainTransmitted().size(), "PASS in the last stage: denied");
        assertEquals(denied + 2, t.counter(Counter.DROP_POLICY_INGRESS));
        // the host answers the SSH connection: a reply, not a new flow, so egress policy is not asked
        t.tap.inject(Frames.tcp(FABRIC_MAC, TAP_MAC, "192.168.0.10", "192.168.0.1", 22, 40000, 0x12, 64));
        t.run();
        assertEquals(1, t.fabric.drainTransmitted().size());
    }

    @Test
    void outboundFlowsFromTheHostAreClassified() {
        publish();
        t.tap.inject(Frames.tcp(FABRIC_MAC, TAP_MAC, "192.168.0.10", "192.168.0.1", 41000, 179, 0x02, 64));
        t.tap.inject(Frames.tcp(FABRIC_MAC, TAP_MAC, "192.168.0.10", "192.168.0.1", 41001, 443, 0x02, 64));
        t.run();
        List<byte[]> out = t.fabric.drainTransmitted();
        assertEquals(1, out.size(), "BGP out is a failsafe; 443 is denied");
        assertEquals(179, Frames.u16(out.getFirst(), 36));
        assertEquals(1, t.counter(Counter.DROP_POLICY_EGRESS));
        // the peer's answer is a reply of the host's flow: it reaches the host
        t.fabric.inject(Frames.tcp(FABRIC_MAC, GW_MAC, "192.168.0.1", "192.168.0.10", 179, 41000, 0x12, 64));
        t.run();
        assertEquals(1, t.tap.drainTransmitted().size());
    }

    @Test
    void forwardedTrafficIsNotHostTraffic() {
        publish();
        t.w1.inject(Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "192.168.0.1", 5000, 9999, 64, 8));
        t.run();
        assertEquals(1, t.fabric.drainTransmitted().size(), "a workload's flow through the fabric port is not classified by host policy");
    }

    @Test
    void withoutHostEndpointPolicyTheHostIsOpen() {
        t.publish();
        assertEquals(1, toNode(80));
        // the host accepts the connection: its SYN-ACK is the reply of the punted SYN's flow (two
        // nodes meshing over BGP each accept the other's connection this way)
        t.tap.inject(Frames.tcp(FABRIC_MAC, TAP_MAC, "192.168.0.10", "192.168.0.1", 80, sport - 1, 0x12, 64));
        t.run();
        assertEquals(1, t.fabric.drainTransmitted().size(), "the host's SYN-ACK leaves through the fabric");
        assertEquals(0, t.counter(Counter.DROP_CONNTRACK_INVALID));
    }

    @Test
    void aHostEndpointPolicyOnAWorkloadPortIsRefused() {
        t.publish();
        var e = assertThrows(IllegalArgumentException.class, () -> t.fastpath.control().publish(t.state()
                .withHostEndpoints(List.of(new HostEndpointPolicy("w1", List.of(rules()), null)))));
        assertTrue(e.getMessage().contains("w1"), e.getMessage());
        assertEquals(1, toNode(80), "the previous state keeps forwarding");
    }
}
