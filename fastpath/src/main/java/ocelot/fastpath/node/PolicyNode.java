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
    /** Per packet of the burst that creates an IPv4 flow: the original tuple's and the reply's (without NAT) conntrack hash. */
    private final int[] hashes;
    private final int[] replyHashes;
    /** Where the batched insertion's preloaded words go, so the loads are not optimised away. */
    private int preloadSink;

    public PolicyNode(int capacity, NatPorts natPorts) {
        scratch = new HeaderBatch(capacity);
        slot = new int[capacity];
        out = new int[capacity];
        pending = new boolean[capacity];
        hashes = new int[capacity];
        replyHashes = new int[capacity];
        this.natPorts = natPorts;
    }

    public void run(PacketVector v, ForwardingSnapshot s, ConntrackTable ct, ConntrackTable ct6, ConntrackTimeouts timeouts,
                    long nowNs, CounterRecord counters) {
        HeaderBatch h = v.headers;
        boolean fromWorkload = s.portRoles[v.rxPort] == PortRole.WORKLOAD;
        int srcEndpoint = s.portEndpoint[v.rxPort];
        Classifier[] hostIn = s.hostIngress[v.rxPort];
        int fresh = 0;
        int toHost = 0;
        for (int i = 0; i < v.count; i++) {
            pending[i] = false;
            if (v.verdict[i] == PacketVector.PUNT && (hostIn != null || h.protocol[i] == Ipv4.PROTO_TCP) && newHostFlow(v, i, s)) {
                // the host's own traffic arriving through a host endpoint; without one, TCP is
                // still tracked, or the host's answer (a SYN-ACK from the TAP) would be a new flow
                // starting with SYN-ACK, i.e. invalid, and no connection to the node could ever be
                // accepted (two meshing nodes never got a BGP session). Other protocols' answers
                // start valid flows of their own.
                pending[i] = true;
                toHost++;
                continue;
            }
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
        if (toHost > 0) {
            if (hostIn != null) classify(v, hostIn, SELECT_PUNTED, 0, Counter.DROP_POLICY_INGRESS, counters, s.ipSetGeneration);
            for (int i = 0; i < v.count; i++) {
                if (!pending[i] || v.verdict[i] != PacketVector.PUNT) continue;
                if (v.kind[i] == PacketVector.KIND_IPV6) {
                    create6(v, i, s, ct6, timeouts, nowNs, counters);
                } else {
                    preloadSink += prepareCreate(v, i, ct);
                    create(v, i, s, ct, timeouts, nowNs, counters);
                }
            }
        }
        if (fresh == 0) return;
        if (fromWorkload && s.egress[srcEndpoint] != null) {
            classify(v, s.egress[srcEndpoint], SELECT_LIVE, 0, Counter.DROP_POLICY_EGRESS, counters, s.ipSetGeneration);
        }
        if (v.rxPort != s.exceptionPort) {
            // the gateway case: a router port's host endpoint policy on flows forwarded in, then out
            Classifier[] forwardIn = s.forwardIngress[v.rxPort];
            if (forwardIn != null) classify(v, forwardIn, SELECT_FORWARDED, 0, Counter.DROP_POLICY_INGRESS, counters, s.ipSetGeneration);
            for (int first = 0; first < v.count; first++) {
                if (!selected(v, first, SELECT_FORWARDED, 0) || v.outPort[first] < 0) continue;
                int port = v.outPort[first];
                Classifier[] forwardOut = s.forwardEgress[port];
                boolean seen = false;
                for (int j = 0; j < first && !seen; j++) seen = selected(v, j, SELECT_FORWARDED, 0) && v.outPort[j] == port;
                if (forwardOut != null && !seen) classify(v, forwardOut, SELECT_FORWARDED_OUT, port, Counter.DROP_POLICY_EGRESS, counters, s.ipSetGeneration);
            }
        }
        if (v.rxPort == s.exceptionPort) {
            // the host's own traffic leaving through a host endpoint: one classify per such port in the burst
            for (int first = 0; first < v.count; first++) {
                if (!pending[first] || !v.live(first) || v.outPort[first] < 0) continue;
                int port = v.outPort[first];
                Classifier[] hostOut = s.hostEgress[port];
                boolean seen = false;
                for (int j = 0; j < first && !seen; j++) seen = pending[j] && v.outPort[j] == port;
                if (hostOut != null && !seen) classify(v, hostOut, SELECT_OUT_PORT, port, Counter.DROP_POLICY_EGRESS, counters, s.ipSetGeneration);
            }
        }
        // ingress: one classify per distinct destination endpoint in the burst
        for (int first = 0; first < v.count; first++) {
            if (!pending[first] || !v.live(first) || v.dstEndpoint[first] < 0) continue;
            int e = v.dstEndpoint[first];
            if (s.ingress[e] != null) classify(v, s.ingress[e], SELECT_DST_ENDPOINT, e, Counter.DROP_POLICY_INGRESS, counters, s.ipSetGeneration);
            for (int i = first; i < v.count; i++) if (v.dstEndpoint[i] == e) v.dstEndpoint[i] = -(e + 10); // done marker
        }
        // batched insertion (rte_hash's bulk add): both tuples' hashes and home index slots of
        // every flow the burst creates, loaded before the first insert, so their misses overlap
        int sink = 0;
        for (int i = 0; i < v.count; i++) {
            if (v.dstEndpoint[i] <= -10) v.dstEndpoint[i] = -v.dstEndpoint[i] - 10;
            if (pending[i] && v.live(i) && v.kind[i] == PacketVector.KIND_IPV4) sink += prepareCreate(v, i, ct);
        }
        preloadSink += sink;
        for (int i = 0; i < v.count; i++) {
            if (!pending[i] || !v.live(i)) continue;
            if (v.kind[i] == PacketVector.KIND_IPV6) create6(v, i, s, ct6, timeouts, nowNs, counters);
            else create(v, i, s, ct, timeouts, nowNs, counters);
        }
    }

    /**
     * A punted packet that starts a flow of the host's: IPv4, or IPv6 unicast to the node's
     * address when IPv6 is forwarded (neighbour discovery and link-local traffic pass unclassified),
     * not tracked yet and not a related ICMP error (those have a flow).
     */
    private static boolean newHostFlow(PacketVector v, int i, ForwardingSnapshot s) {
        if (v.flow[i] >= 0) return false;
        if (v.kind[i] == PacketVector.KIND_IPV6) {
            if (s.v6 == null || !s.v6.isNode(v.headers.dstV6Hi[i], v.headers.dstV6Lo[i])) return false;
        } else if (v.kind[i] != PacketVector.KIND_IPV4) {
            return false;
        }
        return FlowState.initial(v.headers.protocol[i], v.tcpFlags[i]) != FlowState.INVALID;
    }

    private static final int SELECT_LIVE = 0, SELECT_DST_ENDPOINT = 1, SELECT_OUT_PORT = 2, SELECT_PUNTED = 3, SELECT_FORWARDED = 4,
            SELECT_FORWARDED_OUT = 5;

    private boolean selected(PacketVector v, int i, int select, int key) {
        if (!pending[i]) return false;
        return switch (select) {
            case SELECT_LIVE -> v.live(i);
            case SELECT_DST_ENDPOINT -> v.live(i) && v.dstEndpoint[i] == key;
            case SELECT_OUT_PORT -> v.live(i) && v.outPort[i] == key;
            case SELECT_FORWARDED -> v.live(i) && v.verdict[i] != PacketVector.PUNT;
            case SELECT_FORWARDED_OUT -> v.live(i) && v.verdict[i] != PacketVector.PUNT && v.outPort[i] == key;
            default -> v.verdict[i] == PacketVector.PUNT;
        };
    }

    /**
     * Classifies the pending packets {@code select} picks through the stages in order: the first
     * matching rule of a stage decides (ALLOW, DENY); PASS or no match goes on to the next
     * stage, and past the last stage the packet is denied. IP set conditions are judged at the
     * snapshot's generation: the membership of the state this snapshot was published from.
     */
    private void classify(PacketVector v, Classifier[] stages, int select, int key, Counter denied, CounterRecord counters, long setGeneration) {
        int n = 0;
        for (int i = 0; i < v.count; i++) if (selected(v, i, select, key)) slot[n++] = i;
        for (int stage = 0; stage < stages.length && n > 0; stage++) {
            // the whole burst selected (a burst of new flows from one endpoint): the packet
            // columns are already the batch, row for row; otherwise gather the selected rows
            HeaderBatch batch = v.headers;
            if (n != v.count || slot[n - 1] != n - 1) {
                for (int k = 0; k < n; k++) scratch.copy(k, v.headers, slot[k]);
                batch = scratch;
            }
            ClassifierSnapshot snap = stages[stage].snapshot();
            snap.classify(batch, n, out, setGeneration);
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
        boolean nat = v.outPort[i] >= 0 && natOut(s.portRoles[v.outPort[i]]) && natPorts.translatable6(proto, v.icmpType[i])
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

    /** natOutgoing leaves through the fabric (or to the host), never into a workload or a router's rack. */
    private static boolean natOut(PortRole outRole) {
        return outRole != PortRole.WORKLOAD && outRole != PortRole.RACK;
    }

    /** Packet i's tuple hashes for {@link #create} (the reply's as without NAT), and a preload of their home index slots. */
    private int prepareCreate(PacketVector v, int i, ConntrackTable ct) {
        HeaderBatch h = v.headers;
        int src = h.srcV4[i], dst = h.dstV4[i], ports = v.flowPorts[i], proto = h.protocol[i];
        int hash = ConntrackTable.hash(src, dst, ports, proto);
        int replyHash = ConntrackTable.hash(dst, src, ports << 16 | ports >>> 16, proto);
        hashes[i] = hash;
        replyHashes[i] = replyHash;
        return ct.preloadCreate(hash, replyHash);
    }

    private void create(PacketVector v, int i, ForwardingSnapshot s, ConntrackTable ct, ConntrackTimeouts timeouts,
                        long nowNs, CounterRecord counters) {
        HeaderBatch h = v.headers;
        int src = h.srcV4[i], dst = h.dstV4[i], sport = v.flowPorts[i] >>> 16, dport = v.flowPorts[i] & 0xFFFF, proto = h.protocol[i];
        int state = FlowState.initial(proto, v.tcpFlags[i]);
        int pool = s.poolOf(src);
        boolean nat = pool >= 0 && s.poolNat[pool] && s.poolOf(dst) < 0 && v.outPort[i] >= 0
                && natOut(s.portRoles[v.outPort[i]]) && v.tunnel[i] == 0 && natPorts.translatable(proto, v.icmpType[i]);
        if (!nat) {
            int f = ct.createHashed(hashes[i], replyHashes[i], src, dst, sport, dport, dst, src, dport, sport, proto, state, nowNs, timeouts);
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
