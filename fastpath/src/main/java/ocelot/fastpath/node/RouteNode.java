package ocelot.fastpath.node;

import ocelot.acl.HeaderBatch;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.neighbour.NeighbourTable;
import ocelot.fastpath.packet.Transport;
import ocelot.fastpath.state.ForwardingSnapshot;
import ocelot.fastpath.state.ResilientBuckets;
import ocelot.fastpath.state.Ipv6Forwarding;
import ocelot.lpm.Ipv4RouteTable;
import ocelot.lpm.Ipv6RouteTable;

/**
 * ip4-lookup + ip4-rewrite's decision half: gathers the destinations of live IPv4 packets into
 * one array, runs one {@link Ipv4RouteTable#lookupBatch} over them, then resolves each next hop:
 * a local endpoint (its port and MAC; its ingress policy will apply), a gateway (its MAC from
 * the neighbour table; an IPIP tunnel when the pool says so), an ECMP group (member picked by a
 * 5-tuple hash through a resilient bucket table, {@link ResilientBuckets}, so one flow stays on one path
 * and a member leaving moves only its own flows), the host (punt) or a blackhole.
 * Traffic to the node's own addresses is punted; TTL expiry and missing routes become ICMP
 * errors (RFC 1812 sections 5.3.1 and 5.2.7.1).
 *
 * <p>IPv6 (when the snapshot has IPv6 state; otherwise it goes to the kernel) takes the same
 * steps through lpm's {@link Ipv6RouteTable}: link-local and multicast destinations and the
 * node's address are punted, a link-local source is never forwarded (RFC 4291 section 2.5.6),
 * hop-limit expiry and missing routes become ICMPv6 errors (RFC 4443 sections 3.3 and 3.1),
 * gateways resolve through the neighbour table (static, or learned from advertisements after
 * a solicitation the packet itself was turned into).
 */
public final class RouteNode {
    private final int[] addresses;
    private final int[] hops;
    private final int[] slot;
    private final long[] hi6, lo6;
    private final int[] hops6;
    private final int[] slot6;
    private final long[] arpSentAtNs;
    private final long[] nsSentAtNs;
    /** At most one ARP request per unresolved neighbour per this interval (Linux's default retrans time). */
    static final long ARP_RETRY_NS = 1_000_000_000L;

    public RouteNode(int capacity, int maxNeighboursTracked) {
        addresses = new int[capacity];
        hops = new int[capacity];
        slot = new int[capacity];
        hi6 = new long[capacity];
        lo6 = new long[capacity];
        hops6 = new int[capacity];
        slot6 = new int[capacity];
        arpSentAtNs = new long[maxNeighboursTracked];
        nsSentAtNs = new long[maxNeighboursTracked];
    }

    public void run(PacketVector v, ForwardingSnapshot s, NeighbourTable neighbours, long nowNs, CounterRecord counters) {
        HeaderBatch h = v.headers;
        int n = 0;
        int n6 = 0;
        for (int i = 0; i < v.count; i++) {
            if (!v.live(i)) continue;
            if (v.kind[i] == PacketVector.KIND_IPV6) {
                long dHi = h.dstV6Hi[i], dLo = h.dstV6Lo[i];
                if (s.v6 == null && v.rxPort == s.exceptionPort) {
                    // Without an IPv6 plane the host's IPv6 has nowhere to go; counted apart from
                    // drop_punt_loop, which it used to inflate and so mislead a diagnosis.
                    v.drop(i, Counter.DROP_IPV6_NO_PLANE);
                } else if (s.v6 == null || (dHi >>> 56) == 0xFF || (dHi >>> 54) == 0x3FA || s.v6.isNode(dHi, dLo)) {
                    v.verdict[i] = PacketVector.PUNT;
                } else if ((h.srcV6Hi[i] >>> 54) == 0x3FA) {
                    v.drop(i, Counter.DROP_IP_SOURCE);
                } else {
                    hi6[n6] = dHi;
                    lo6[n6] = dLo;
                    slot6[n6++] = i;
                }
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
        if (n6 > 0) route6(v, s, neighbours, nowNs, counters, n6);
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
                // resilient: a member leaving moves only its own buckets' flows (ResilientBuckets)
                nh = s.ecmpBuckets[s.nhEcmpBucketFirst[nh] + (flowHash(v, i) & ResilientBuckets.MASK)];
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

    private void route6(PacketVector v, ForwardingSnapshot s, NeighbourTable neighbours, long nowNs, CounterRecord counters, int n) {
        Ipv6Forwarding six = s.v6;
        six.routes.lookupBatch(hi6, lo6, hops6, n);
        for (int k = 0; k < n; k++) {
            int i = slot6[k];
            int nh = hops6[k];
            if (nh == Ipv6RouteTable.NO_ROUTE) {
                icmpError(v, i, Transport.ICMP6_UNREACHABLE, 0, Counter.DROP_NO_ROUTE); // code 0: no route to destination
                continue;
            }
            if (six.nhKind[nh] == ForwardingSnapshot.NH_ECMP) {
                nh = six.ecmpBuckets[six.nhEcmpBucketFirst[nh] + (flowHash6(v, i) & ResilientBuckets.MASK)];
            }
            v.nextHop[i] = nh;
            switch (six.nhKind[nh]) {
                case ForwardingSnapshot.NH_HOST -> v.verdict[i] = PacketVector.PUNT;
                case ForwardingSnapshot.NH_BLACKHOLE -> v.drop(i, Counter.DROP_BLACKHOLE);
                case ForwardingSnapshot.NH_ENDPOINT -> {
                    if (expired6(v, i)) continue;
                    v.outPort[i] = six.nhPort[nh];
                    v.dstEndpoint[i] = six.nhEndpoint[nh];
                    v.dstMac[i] = s.endpointMac[six.nhEndpoint[nh]];
                }
                default -> {
                    if (expired6(v, i)) continue;
                    boolean onLink = six.nhGatewayHi[nh] == 0 && six.nhGatewayLo[nh] == 0;
                    long entry = onLink ? neighbours.get6(hi6[k], lo6[k]) : neighbours.get6(six.nhGatewayHi[nh], six.nhGatewayLo[nh]);
                    v.outPort[i] = six.nhPort[nh];
                    if (entry == NeighbourTable.UNRESOLVED) {
                        // like ARP: the packet becomes the solicitation, at most one per next hop per second
                        int t = nh < nsSentAtNs.length ? nh : -1;
                        if (t >= 0 && nsSentAtNs[t] != 0 && nowNs - nsSentAtNs[t] < ARP_RETRY_NS) {
                            v.drop(i, Counter.DROP_NO_NEIGHBOUR);
                        } else {
                            if (t >= 0) nsSentAtNs[t] = nowNs;
                            v.solicit[i] = true;
                            counters.increment(Counter.ND_SOLICITS);
                        }
                        continue;
                    }
                    v.dstMac[i] = NeighbourTable.mac(entry);
                }
            }
        }
    }

    private static boolean expired6(PacketVector v, int i) {
        if (v.ttl[i] > 1) return false;
        icmpError(v, i, Transport.ICMP6_TIME_EXCEEDED, 0, Counter.DROP_TTL_EXPIRED); // code 0: hop limit exceeded in transit
        return true;
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
    /** {@link #flowHash} over the full IPv6 addresses: every packet of a flow takes the same ECMP member. */
    static int flowHash6(PacketVector v, int i) {
        HeaderBatch h = v.headers;
        long a = (h.srcV6Hi[i] * 0x9E3779B97F4A7C15L ^ h.srcV6Lo[i]) * 0xC2B2AE3D27D4EB4FL;
        long b = (h.dstV6Hi[i] * 0x9E3779B97F4A7C15L ^ h.dstV6Lo[i]) * 0x165667B19E3779F9L;
        int x = (int) (a ^ (a >>> 32)) * 0x9E3779B1 ^ (int) (b ^ (b >>> 32));
        x = (x ^ (x >>> 16)) * 0x85EBCA6B ^ v.flowPorts[i];
        x = (x ^ (x >>> 13)) * 0xC2B2AE35 ^ h.protocol[i];
        return x ^ (x >>> 16);
    }

    static int flowHash(PacketVector v, int i) {
        HeaderBatch h = v.headers;
        int x = h.srcV4[i] * 0x9E3779B1 ^ h.dstV4[i];
        x = (x ^ (x >>> 16)) * 0x85EBCA6B ^ v.flowPorts[i];
        x = (x ^ (x >>> 13)) * 0xC2B2AE35 ^ h.protocol[i];
        return x ^ (x >>> 16);
    }
}
