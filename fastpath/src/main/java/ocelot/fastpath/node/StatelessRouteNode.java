package ocelot.fastpath.node;

import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.neighbour.NeighbourTable;
import ocelot.fastpath.packet.Checksum;
import ocelot.fastpath.packet.Ethernet;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.packet.Ipv6;
import ocelot.fastpath.packet.PacketMemory;
import ocelot.fastpath.state.ForwardingSnapshot;
import ocelot.fastpath.state.Ipv6Forwarding;
import ocelot.lpm.Ipv4RouteTable;
import ocelot.lpm.Ipv6RouteTable;

/**
 * The stateless routing path (issue 19): IPv4 from a port no policy, NAT or tunnel applies to
 * ({@link ForwardingSnapshot#statelessPort}, decided per snapshot), routed to a hop that is
 * stateless too ({@link ForwardingSnapshot#statelessHop}), is forwarded as DPDK's l3fwd
 * forwards it, without conntrack: the router's checks (RFC 1812 5.2.2: version, IHL, lengths,
 * header checksum; 5.3.7 martian sources and destinations; the workload's anti-spoofing), one
 * {@link Ipv4RouteTable#lookupBatch} over the burst's destinations, TTL decrement with the RFC
 * 1624 checksum patch, MACs, the verdict. Fragments, truncated transport headers and any
 * protocol but IPIP pass: no port is read (the full path drops fragments and tracks only valid
 * TCP starts, because its policy and conntrack need ports and state).
 *
 * <p>IPv6 the same way ({@link ForwardingSnapshot#statelessPort6}, {@code statelessHop6}): version,
 * payload length, hop limit, no link-local or multicast source or destination, anti-spoofing,
 * one batched lookup, hop limit decrement, MACs; TCP and UDP without extension headers (the
 * rest, ICMPv6 and neighbour discovery among it, takes the graph).
 *
 * <p>What it does not finish goes to the fused pass and the graph unchanged, listed in
 * {@link #slow} with verdict {@link PacketVector#CONTINUE}: TTL 1 or 0 (their ICMP time exceeded),
 * no route (ICMP unreachable), the node's own addresses, a next hop that is not stateless (an
 * endpoint with policy, a tunnel, ECMP, the host, a blackhole), an unresolved neighbour (ARP),
 * IP options, IPIP, VLAN tags, multicast or foreign MACs, multi-segment frames. Packets it drops
 * (bad checksum, martians, spoofed sources) get the drop reason parse or policy would give them.
 */
public final class StatelessRouteNode {
    /** Indices (ascending) of the packets left for the rest of the pipeline, [0, slowCount). */
    public final int[] slow;
    public int slowCount;
    private final int[] candidates;
    private final int[] destinations;
    private final int[] sources;
    private final int[] hops;
    private final int[] candidates6;
    private final long[] dstHi, dstLo, srcHi, srcLo;
    private final int[] hops6;

    public StatelessRouteNode(int capacity) {
        slow = new int[capacity];
        candidates = new int[capacity];
        destinations = new int[capacity];
        sources = new int[capacity];
        hops = new int[capacity];
        candidates6 = new int[capacity];
        dstHi = new long[capacity];
        dstLo = new long[capacity];
        srcHi = new long[capacity];
        srcLo = new long[capacity];
        hops6 = new int[capacity];
    }

    /**
     * Over burst {@code v} received on a stateless port: sets every packet's verdict (a port, DROP
     * with its reason, or CONTINUE for the rest of the pipeline); returns how many it forwarded or dropped.
     */
    public int run(PacketVector v, ForwardingSnapshot s, NeighbourTable neighbours, CounterRecord counters) {
        int n = v.count;
        int port = v.rxPort;
        long portMac = s.portMacs[port];
        int srcEndpoint = s.portEndpoint[port]; // >= 0 on a workload port: its sources are checked
        boolean v4 = s.statelessPort[port], v6 = s.statelessPort6[port];
        boolean natFrom = s.natFromPort[port];
        int m = 0;
        int m6 = 0;
        int slowN = 0;
        int dropped = 0;
        // pass 1: the checks; the survivors' destinations gathered for one batched lookup
        for (int i = 0; i < n; i++) {
            v.verdict[i] = PacketVector.CONTINUE;
            int len = v.length[i];
            if (v.segments[i] != 1 || len < Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH) { slow[slowN++] = i; continue; }
            long frame = v.address[i];
            long dmac = PacketMemory.u64(frame) >>> 16;
            int type = PacketMemory.u16(frame + Ethernet.TYPE_OFFSET);
            if (dmac != portMac || !(v4 && type == Ethernet.TYPE_IPV4 || v6 && type == Ethernet.TYPE_IPV6)) { slow[slowN++] = i; continue; }
            long ip = frame + Ethernet.HEADER_LENGTH;
            if (type == Ethernet.TYPE_IPV6) {
                if (!check6(ip, len, s)) { slow[slowN++] = i; continue; }
                dstHi[m6] = Ipv6.dstHi(ip);
                dstLo[m6] = Ipv6.dstLo(ip);
                srcHi[m6] = Ipv6.srcHi(ip);
                srcLo[m6] = Ipv6.srcLo(ip);
                candidates6[m6++] = i;
                continue;
            }
            int w0 = PacketMemory.u32(ip);
            long w12 = PacketMemory.u64(ip + 4);
            long addresses = PacketMemory.u64(ip + Ipv4.SRC_OFFSET);
            int total = w0 & 0xFFFF;
            // not version 4 with IHL 5 (options, a bad version or IHL), or lengths off: parse's
            // checks and reasons decide; TTL 1 or 0: route's ICMP time exceeded; IPIP: decap
            if ((w0 >>> 24) != 0x45 || total < Ipv4.MIN_HEADER_LENGTH || Ethernet.HEADER_LENGTH + total > len
                    || (int) w12 >>> 24 <= 1 || (((int) w12 >>> 16) & 0xFF) == Ipv4.PROTO_IPIP) {
                slow[slowN++] = i;
                continue;
            }
            if (Checksum.fold((w0 & 0xFFFFFFFFL) + (w12 >>> 32) + (w12 & 0xFFFFFFFFL) + (addresses >>> 32) + (addresses & 0xFFFFFFFFL)) != 0xFFFF) {
                v.drop(i, Counter.DROP_IP_CHECKSUM);
                dropped++;
                continue;
            }
            int src = (int) (addresses >>> 32);
            int dst = (int) addresses;
            if (Ipv4.martianSource(src)) {
                v.drop(i, Counter.DROP_IP_SOURCE);
                dropped++;
                continue;
            }
            if (Ipv4.martianDestination(dst)) {
                v.drop(i, Counter.DROP_IP_DESTINATION);
                dropped++;
                continue;
            }
            if (dst >>> 28 == 0xE || s.isLocal(dst)) { slow[slowN++] = i; continue; } // multicast; the node's own: punted
            destinations[m] = dst;
            sources[m] = src;
            candidates[m++] = i;
        }
        // pass 2: one lookup for the burst, then the hop, the rewrite and the verdict
        int forwarded = 0;
        if (m > 0) {
            s.routes.lookupBatch(destinations, hops, m);
            for (int k = 0; k < m; k++) {
                int i = candidates[k];
                int nh = hops[k];
                if (nh == Ipv4RouteTable.NO_ROUTE || !s.statelessHop(nh)) { slow[slowN++] = i; continue; }
                if (natFrom && s.natOutgoing(sources[k], destinations[k], s.nhPort[nh])) { slow[slowN++] = i; continue; } // a router's rack leaving NATed
                int out = s.nhPort[nh];
                long mac;
                if (s.nhKind[nh] == ForwardingSnapshot.NH_ENDPOINT) {
                    mac = s.endpointMac[s.nhEndpoint[nh]];
                } else {
                    long entry = neighbours.get(s.nhNeighbour[nh] != 0 ? s.nhNeighbour[nh] : destinations[k]);
                    if (entry == NeighbourTable.UNRESOLVED) { slow[slowN++] = i; continue; } // the graph ARPs for it
                    mac = NeighbourTable.mac(entry);
                }
                // anti-spoofing after route, as policy checks it: a spoofed packet to the host, a
                // blackhole or an unresolved neighbour (whose ARP route sends and rate-limits
                // first) met those in the graph above
                if (srcEndpoint >= 0 && !s.endpointOwns(srcEndpoint, sources[k])) {
                    v.drop(i, Counter.DROP_IP_SOURCE);
                    dropped++;
                    continue;
                }
                long frame = v.address[i];
                long ttlWord = frame + Ethernet.HEADER_LENGTH + Ipv4.TTL_OFFSET;
                int w2 = PacketMemory.u32(ttlWord);
                int oldTtlProto = w2 >>> 16;
                int newTtlProto = oldTtlProto - 0x0100;
                PacketMemory.u32(ttlWord, newTtlProto << 16 | Checksum.update16(w2 & 0xFFFF, oldTtlProto, newTtlProto));
                Ethernet.addresses(frame, mac, s.portMacs[out]);
                v.verdict[i] = out;
                forwarded++;
            }
        }
        if (m6 > 0) {
            Ipv6Forwarding six = s.v6;
            six.routes.lookupBatch(dstHi, dstLo, hops6, m6);
            for (int k = 0; k < m6; k++) {
                int i = candidates6[k];
                int nh = hops6[k];
                if (nh == Ipv6RouteTable.NO_ROUTE || !s.statelessHop6(nh)) { slow[slowN++] = i; continue; }
                int out = six.nhPort[nh];
                long mac;
                if (six.nhKind[nh] == ForwardingSnapshot.NH_ENDPOINT) {
                    mac = s.endpointMac[six.nhEndpoint[nh]];
                } else {
                    boolean onLink = six.nhGatewayHi[nh] == 0 && six.nhGatewayLo[nh] == 0;
                    long entry = onLink ? neighbours.get6(dstHi[k], dstLo[k]) : neighbours.get6(six.nhGatewayHi[nh], six.nhGatewayLo[nh]);
                    if (entry == NeighbourTable.UNRESOLVED) { slow[slowN++] = i; continue; } // the graph solicits it
                    mac = NeighbourTable.mac(entry);
                }
                if (srcEndpoint >= 0 && !six.endpointOwns(srcEndpoint, srcHi[k], srcLo[k])) {
                    v.drop(i, Counter.DROP_IP_SOURCE);
                    dropped++;
                    continue;
                }
                long frame = v.address[i];
                long hopLimit = frame + Ethernet.HEADER_LENGTH + Ipv6.HOP_LIMIT_OFFSET;
                PacketMemory.u8(hopLimit, PacketMemory.u8(hopLimit) - 1); // no header checksum in IPv6
                Ethernet.addresses(frame, mac, s.portMacs[out]);
                v.verdict[i] = out;
                forwarded++;
            }
        }
        if (slowN > 1) java.util.Arrays.sort(slow, 0, slowN); // pass 2 appends after pass 1's: the graph wants burst order
        slowCount = slowN;
        if (forwarded > 0) counters.add(Counter.STATELESS_FORWARDS, forwarded);
        return forwarded + dropped;
    }

    /**
     * Whether an IPv6 packet is one this path finishes (else the graph decides, with parse's and
     * route's reasons): version 6, payload within the frame, hop limit above 1, TCP or UDP right
     * after the fixed header (extension headers and ICMPv6, neighbour discovery among it, take
     * the graph), a unicast global source (not unspecified, multicast or link-local) and a
     * destination neither multicast, link-local nor the node's.
     */
    private static boolean check6(long ip, int len, ForwardingSnapshot s) {
        if (len < Ethernet.HEADER_LENGTH + Ipv6.HEADER_LENGTH) return false;
        long w0 = PacketMemory.u64(ip); // version, class, label, payload length, next header, hop limit
        if ((w0 >>> 60) != 6) return false;
        int payload = (int) (w0 >>> 16) & 0xFFFF;
        int next = (int) (w0 >>> 8) & 0xFF;
        int hopLimit = (int) w0 & 0xFF;
        if (Ethernet.HEADER_LENGTH + Ipv6.HEADER_LENGTH + payload > len || hopLimit <= 1) return false;
        if (next != Ipv4.PROTO_TCP && next != Ipv4.PROTO_UDP) return false;
        long sHi = Ipv6.srcHi(ip), dHi = Ipv6.dstHi(ip);
        if ((sHi >>> 56) == 0xFF || (sHi >>> 54) == 0x3FA || (sHi == 0 && Ipv6.srcLo(ip) == 0)) return false;
        if ((dHi >>> 56) == 0xFF || (dHi >>> 54) == 0x3FA) return false;
        return !s.v6.isNode(dHi, Ipv6.dstLo(ip));
    }
}
