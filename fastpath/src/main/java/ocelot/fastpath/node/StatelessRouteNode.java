package ocelot.fastpath.node;

import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.neighbour.NeighbourTable;
import ocelot.fastpath.packet.Checksum;
import ocelot.fastpath.packet.Ethernet;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.packet.PacketMemory;
import ocelot.fastpath.state.ForwardingSnapshot;
import ocelot.lpm.Ipv4RouteTable;

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

    public StatelessRouteNode(int capacity) {
        slow = new int[capacity];
        candidates = new int[capacity];
        destinations = new int[capacity];
        sources = new int[capacity];
        hops = new int[capacity];
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
        int m = 0;
        int slowN = 0;
        int dropped = 0;
        // pass 1: the checks; the survivors' destinations gathered for one batched lookup
        for (int i = 0; i < n; i++) {
            v.verdict[i] = PacketVector.CONTINUE;
            int len = v.length[i];
            if (v.segments[i] != 1 || len < Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH) { slow[slowN++] = i; continue; }
            long frame = v.address[i];
            long dmac = PacketMemory.u64(frame) >>> 16;
            if (dmac != portMac || PacketMemory.u16(frame + Ethernet.TYPE_OFFSET) != Ethernet.TYPE_IPV4) { slow[slowN++] = i; continue; }
            long ip = frame + Ethernet.HEADER_LENGTH;
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
                // anti-spoofing after the hop, as policy checks it after route: a spoofed packet
                // to the host or a blackhole meets those first there, so it went to the graph above
                if (srcEndpoint >= 0 && !s.endpointOwns(srcEndpoint, sources[k])) {
                    v.drop(i, Counter.DROP_IP_SOURCE);
                    dropped++;
                    continue;
                }
                int out = s.nhPort[nh];
                long mac;
                if (s.nhKind[nh] == ForwardingSnapshot.NH_ENDPOINT) {
                    mac = s.endpointMac[s.nhEndpoint[nh]];
                } else {
                    long entry = neighbours.get(s.nhNeighbour[nh] != 0 ? s.nhNeighbour[nh] : destinations[k]);
                    if (entry == NeighbourTable.UNRESOLVED) { slow[slowN++] = i; continue; } // the graph ARPs for it
                    mac = NeighbourTable.mac(entry);
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
        if (slowN > 1) java.util.Arrays.sort(slow, 0, slowN); // pass 2 appends after pass 1's: the graph wants burst order
        slowCount = slowN;
        if (forwarded > 0) counters.add(Counter.STATELESS_FORWARDS, forwarded);
        return forwarded + dropped;
    }
}
