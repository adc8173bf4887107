package ocelot.fastpath.node;

import ocelot.acl.HeaderBatch;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.neighbour.NeighbourTable;
import ocelot.fastpath.packet.Transport;
import ocelot.fastpath.state.ForwardingSnapshot;
import ocelot.lpm.Ipv4RouteTable;

/**
 * ip4-lookup + ip4-rewrite's decision half: gathers the destinations of live IPv4 packets into
 * one array, runs one {@link Ipv4RouteTable#lookupBatch} over them, then resolves each next hop:
 * a local endpoint (its port and MAC; its ingress policy will apply), a gateway (its MAC from
 * the neighbour table; an IPIP tunnel when the pool says so), an ECMP group (member picked by a
 * symmetric-free 5-tuple hash so one flow stays on one path), the host (punt) or a blackhole.
 * Traffic to the node's own addresses is punted; TTL expiry and missing routes become ICMP
 * errors (RFC 1812 sections 5.3.1 and 5.2.7.1).
 *
 * <p>IPv6 is parsed and validated but punted to the kernel: the IPv6 route table is not wired yet.
 */
public final class RouteNode {
    private final int[] addresses;
    private final int[] hops;
    private final int[] slot;
    private final long[] arpSentAtNs;
    /** At most one ARP request per unresolved neighbour per this interval (Linux's default retrans time). */
    static final long ARP_RETRY_NS = 1_000_000_000L;

    public RouteNode(int capacity, int maxNeighboursTracked) {
        addresses = new int[capacity];
        hops = new int[capacity];
        slot = new int[capacity];
        arpSentAtNs = new long[maxNeighboursTracked];
    }

    public void run(PacketVector v, ForwardingSnapshot s, NeighbourTable neighbours, long nowNs, CounterRecord counters) {
        HeaderBatch h = v.headers;
        int n = 0;
        for (int i = 0; i < v.count; i++) {
            if (!v.live(i)) continue;
            if (v.kind[i] == PacketVector.KIND_IPV6) {
                v.verdict[i] = PacketVector.PUNT;
                continue;
            }
            if (v.kind[i] != PacketVector.KIND_IPV4) continue;
            if (s.isLocal(h.dstV4[i])) {
                v.verdict[i] = PacketVector.PUNT;
                continue;
            }
            addresses[n] = h.dstV4[i];
            slot[n++] = i;
        }
        if (n == 0) return;
        s.routes.lookupBatch(addresses, hops, n);
        for (int k = 0; k < n; k++) {
            int i = slot[k];
            int nh = hops[k];
            if (nh == Ipv4RouteTable.NO_ROUTE) {
                icmpError(v, i, Transport.ICMP_UNREACHABLE, Transport.UNREACH_NET, Counter.DROP_NO_ROUTE);
                continue;
            }
            if (s.nhKind[nh] == ForwardingSnapshot.NH_ECMP) {
                int hash = flowHash(v, i);
                nh = s.ecmpMembers[s.nhEcmpFirst[nh] + Integer.remainderUnsigned(hash, s.nhEcmpCount[nh])];
            }
            v.nextHop[i] = nh;
            switch (s.nhKind[nh]) {
                case ForwardingSnapshot.NH_HOST -> v.verdict[i] = PacketVector.PUNT;
                case ForwardingSnapshot.NH_BLACKHOLE -> v.drop(i, Counter.DROP_BLACKHOLE);
                case ForwardingSnapshot.NH_ENDPOINT -> {
                    if (expired(v, i)) continue;
                    v.outPort[i] = s.nhPort[nh];
                    v.dstEndpoint[i] = s.nhEndpoint[nh];
                    v.dstMac[i] = s.endpointMac[s.nhEndpoint[nh]];
                }
                default -> {
                    if (expired(v, i)) continue;
                    int neighbour = s.nhNeighbour[nh] != 0 ? s.nhNeighbour[nh] : h.dstV4[i];
                    long entry = neighbours.get(neighbour);
                    v.outPort[i] = s.nhPort[nh];
                    v.tunnel[i] = s.nhTunnel[nh];
                    if (v.tunnel[i] != 0) v.headroomWanted++;
                    if (entry == NeighbourTable.UNRESOLVED) {
                        unresolved(v, i, nh, neighbour, nowNs, counters);
                        continue;
                    }
                    v.dstMac[i] = NeighbourTable.mac(entry);
                }
            }
        }
    }

    private static boolean expired(PacketVector v, int i) {
        if (v.ttl[i] > 1) return false;
        icmpError(v, i, Transport.ICMP_TIME_EXCEEDED, 0, Counter.DROP_TTL_EXPIRED);
        return true;
    }

    /** Marks the packet to be turned into an ICMP error; counts why the original did not pass. */
    static void icmpError(PacketVector v, int i, int type, int code, Counter reason) {
        v.icmpError[i] = type << 8 | code;
        v.headroomWanted++;
        v.dropReason[i] = (short) reason.ordinal();
    }

    /**
     * No MAC for the next hop: the packet itself becomes the ARP request (VPP's ip4-arp does the
     * same with a template), rate-limited per next hop; otherwise it is dropped.
     */
    private void unresolved(PacketVector v, int i, int nh, int neighbour, long nowNs, CounterRecord counters) {
        int k = nh < arpSentAtNs.length ? nh : -1;
        if (k >= 0 && arpSentAtNs[k] != 0 && nowNs - arpSentAtNs[k] < ARP_RETRY_NS) {
            v.drop(i, Counter.DROP_NO_NEIGHBOUR);
            return;
        }
        if (k >= 0) arpSentAtNs[k] = nowNs;
        v.arpTarget[i] = neighbour; // the rewrite node sends an ARP request in the packet's place
        counters.increment(Counter.ARP_REQUESTS);
    }

    /** Flow hash for ECMP (same for every packet of one direction of a flow). */
    static int flowHash(PacketVector v, int i) {
        HeaderBatch h = v.headers;
        int x = h.srcV4[i] * 0x9E3779B1 ^ h.dstV4[i];
        x = (x ^ (x >>> 16)) * 0x85EBCA6B ^ v.flowPorts[i];
        x = (x ^ (x >>> 13)) * 0xC2B2AE35 ^ h.protocol[i];
        return x ^ (x >>> 16);
    }
}
