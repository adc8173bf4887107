package ocelot.fastpath.node;

import ocelot.acl.Action;
import ocelot.acl.Classifier;
import ocelot.acl.ClassifierSnapshot;
import ocelot.acl.HeaderBatch;
import ocelot.acl.Rule;
import ocelot.fastpath.conntrack.ConntrackTable;
import ocelot.fastpath.conntrack.ConntrackTimeouts;
import ocelot.fastpath.conntrack.FlowState;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.state.ForwardingSnapshot;

/**
 * acl-plugin-in/out + ct-create: for each packet that starts a flow, the source endpoint's
 * egress classifier (packets from a workload port) and the destination endpoint's ingress
 * classifier (packets routed to a local endpoint), each over a compacted batch of just those
 * packets, one {@code classify} call per endpoint per burst. Allowed packets create a
 * conntrack entry (with a source-NAT binding for nat-outgoing pools, IPv4 and IPv6); later packets and
 * replies never come here. Workload sources are checked against their endpoint's addresses
 * first (Calico's anti-spoofing).
 */
public final class PolicyNode {
    private final HeaderBatch scratch;
    private final int[] slot;
    private final int[] out;
    private final boolean[] pending;
    private final NatPorts natPorts;

    public PolicyNode(int capacity, NatPorts natPorts) {
        scratch = new HeaderBatch(capacity);
        slot = new int[capacity];
        out = new int[capacity];
        pending = new boolean[capacity];
        this.natPorts = natPorts;
    }

    public void run(PacketVector v, ForwardingSnapshot s, ConntrackTable ct, ConntrackTable ct6, ConntrackTimeouts timeouts,
                    long nowNs, CounterRecord counters) {
        HeaderBatch h = v.headers;
        boolean fromWorkload = s.portRoles[v.rxPort] == PortRole.WORKLOAD;
        int srcEndpoint = s.portEndpoint[v.rxPort];
        int fresh = 0;
        for (int i = 0; i < v.count; i++) {
            pending[i] = false;
            if (!v.live(i)) continue;
            boolean owned;
            if (v.kind[i] == PacketVector.KIND_IPV4) {
                owned = srcEndpoint >= 0 && s.endpointOwns(srcEndpoint, h.srcV4[i]);
            } else if (v.kind[i] == PacketVector.KIND_IPV6 && s.v6 != null) {
                owned = srcEndpoint >= 0 && s.v6.endpointOwns(srcEndpoint, h.srcV6Hi[i], h.srcV6Lo[i]);
            } else {
                continue;
            }
            if (fromWorkload && !owned) {
                v.drop(i, Counter.DROP_IP_SOURCE);
                continue;
            }
            // tracked already; or not forwarded at all (an ICMP error or ARP request goes in its place)
            if (v.flow[i] >= 0 || v.icmpError[i] >= 0 || v.arpTarget[i] != 0 || v.solicit[i]) continue;
            if (FlowState.initial(h.protocol[i], v.tcpFlags[i]) == FlowState.INVALID) {
                v.drop(i, Counter.DROP_CONNTRACK_INVALID);
                continue;
            }
            pending[i] = true;
            fresh++;
        }
        if (fresh == 0) return;
        if (fromWorkload && s.egress[srcEndpoint] != null) {
            classify(v, s.egress[srcEndpoint], -2, Counter.DROP_POLICY_EGRESS, counters);
        }
        // ingress: one classify per distinct destination endpoint in the burst
        for (int first = 0; first < v.count; first++) {
            if (!pending[first] || !v.live(first) || v.dstEndpoint[first] < 0) continue;
            int e = v.dstEndpoint[first];
            if (s.ingress[e] != null) classify(v, s.ingress[e], e, Counter.DROP_POLICY_INGRESS, counters);
            for (int i = first; i < v.count; i++) if (v.dstEndpoint[i] == e) v.dstEndpoint[i] = -(e + 10); // done marker
        }
        for (int i = 0; i < v.count; i++) {
            if (v.dstEndpoint[i] <= -10) v.dstEndpoint[i] = -v.dstEndpoint[i] - 10;
            if (!pending[i] || !v.live(i)) continue;
            if (v.kind[i] == PacketVector.KIND_IPV6) create6(v, i, s, ct6, timeouts, nowNs, counters);
            else create(v, i, s, ct, timeouts, nowNs, counters);
        }
    }

    /**
     * Classifies pending packets whose dstEndpoint equals {@code endpoint} (-2 = every pending one)
     * through the stages in order: the first matching rule of a stage decides (ALLOW, DENY); PASS or
     * no match goes on to the next stage, and past the last stage the packet is denied.
     */
    private void classify(PacketVector v, Classifier[] stages, int endpoint, Counter denied, CounterRecord counters) {
        int n = 0;
        for (int i = 0; i < v.count; i++) {
            if (!pending[i] || !v.live(i) || (endpoint != -2 && v.dstEndpoint[i] != endpoint)) continue;
            slot[n++] = i;
        }
        for (int stage = 0; stage < stages.length && n > 0; stage++) {
            for (int k = 0; k < n; k++) scratch.copy(k, v.headers, slot[k]);
            ClassifierSnapshot snap = stages[stage].snapshot();
            snap.classify(scratch, n, out);
            int undecided = 0;
            for (int k = 0; k < n; k++) {
                int i = slot[k];
                if (out[k] == Classifier.NO_MATCH) {
                    slot[undecided++] = i;
                    continue;
                }
                Rule rule = snap.rule(out[k]);
                counters.addRuleHit(rule.userId(), 1);
                Action a = rule.action();
                if (a == Action.PASS) slot[undecided++] = i;
                else if (a == Action.DENY) v.drop(i, denied);
                else if (a != Action.ALLOW) v.drop(i, Counter.DROP_POLICY_UNSUPPORTED_ACTION);
            }
            n = undecided;
        }
        for (int k = 0; k < n; k++) v.drop(slot[k], denied); // no stage decided: Calico's default deny
    }

    /**
     * IPv6 flows are tracked like IPv4 ones, and NATed the same way (Calico's natOutgoing on an
     * IPv6 pool): from a nat-outgoing pool to outside every pool, leaving through a non-workload
     * port, the flow is created with the node's address and a port (or echo id) from this
     * worker's share as its reply destination; rewrite translates, conntrack reverses the replies.
     */
    private void create6(PacketVector v, int i, ForwardingSnapshot s, ConntrackTable ct6, ConntrackTimeouts timeouts,
                         long nowNs, CounterRecord counters) {
        HeaderBatch h = v.headers;
        int proto = h.protocol[i];
        int sport = v.flowPorts[i] >>> 16, dport = v.flowPorts[i] & 0xFFFF;
        int state = FlowState.initial(proto, v.tcpFlags[i]);
        boolean nat = v.outPort[i] >= 0 && s.portRoles[v.outPort[i]] != PortRole.WORKLOAD && natPorts.translatable6(proto, v.icmpType[i])
                && s.v6.natOutgoing(h.srcV6Hi[i], h.srcV6Lo[i], h.dstV6Hi[i], h.dstV6Lo[i]);
        if (!nat) {
            int f = ct6.create6(h.srcV6Hi[i], h.srcV6Lo[i], h.dstV6Hi[i], h.dstV6Lo[i], sport, dport, proto, state, nowNs, timeouts);
            v.flow[i] = f << 1;
        } else {
            long nodeHi = s.v6.nodeHi, nodeLo = s.v6.nodeLo;
            int port = natPorts.allocate6(ct6, nodeHi, nodeLo, h.dstV6Hi[i], h.dstV6Lo[i], dport, proto, nowNs, counters);
            if (port < 0) {
                v.drop(i, Counter.DROP_NAT_EXHAUSTED);
                return;
            }
            int replySport = proto == Ipv4.PROTO_ICMPV6 ? port : dport;
            int f = ct6.create6Nat(h.srcV6Hi[i], h.srcV6Lo[i], h.dstV6Hi[i], h.dstV6Lo[i], sport, dport, nodeHi, nodeLo,
                    replySport, port, proto, state, nowNs, timeouts);
            v.flow[i] = f << 1;
            v.snat[i] = true;
        }
        counters.increment(Counter.CT_NEW);
        counters.increment(Counter.POLICY_ALLOWED);
    }

    private void create(PacketVector v, int i, ForwardingSnapshot s, ConntrackTable ct, ConntrackTimeouts timeouts,
                        long nowNs, CounterRecord counters) {
        HeaderBatch h = v.headers;
        int src = h.srcV4[i], dst = h.dstV4[i], sport = v.flowPorts[i] >>> 16, dport = v.flowPorts[i] & 0xFFFF, proto = h.protocol[i];
        int state = FlowState.initial(proto, v.tcpFlags[i]);
        int pool = s.poolOf(src);
        boolean nat = pool >= 0 && s.poolNat[pool] && s.poolOf(dst) < 0 && v.outPort[i] >= 0
                && s.portRoles[v.outPort[i]] != PortRole.WORKLOAD && v.tunnel[i] == 0 && natPorts.translatable(proto, v.icmpType[i]);
        if (!nat) {
            int f = ct.create(src, dst, sport, dport, dst, src, dport, sport, proto, state, nowNs, timeouts);
            v.flow[i] = f << 1;
            v.cacheFill[i] = true;
        } else {
            int port = natPorts.allocate(ct, s.nodeAddress, dst, dport, proto, nowNs, counters);
            if (port < 0) {
                v.drop(i, Counter.DROP_NAT_EXHAUSTED);
                return;
            }
            int replySport = proto == Ipv4.PROTO_ICMP ? port : dport;
            int f = ct.create(src, dst, sport, dport, dst, s.nodeAddress, replySport, port, proto, state, nowNs, timeouts);
            ct.setNat(f, src, sport);
            v.flow[i] = f << 1;
            v.snat[i] = true;
            v.cacheFill[i] = true;
        }
        counters.increment(Counter.CT_NEW);
        counters.increment(Counter.POLICY_ALLOWED);
    }
}
