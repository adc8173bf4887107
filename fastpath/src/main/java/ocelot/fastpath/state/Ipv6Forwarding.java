package ocelot.fastpath.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ocelot.lpm.Ipv6RouteTable;

/**
 * The compiled IPv6 half of a {@link ForwardingSnapshot}: the route table (lpm's
 * {@link Ipv6RouteTable}), next hops as parallel arrays, endpoint addresses for anti-spoofing
 * and neighbour-solicitation answers. Neighbours (static and learned) live in the shared
 * {@link ocelot.fastpath.neighbour.NeighbourTable}. Built once per publish; read-only afterwards.
 */
public final class Ipv6Forwarding {
    public final Ipv6RouteTable routes;
    public final long nodeHi, nodeLo;
    /** Next-hop kinds are ForwardingSnapshot's NH_* values. */
    public final byte[] nhKind;
    public final int[] nhPort;
    public final int[] nhEndpoint;
    /** Gateway to resolve (hi/lo); both 0 = on-link, the destination itself is the neighbour. */
    public final long[] nhGatewayHi, nhGatewayLo;
    /** ECMP next hops (kind NH_ECMP): their members are ecmpMembers[first, first + count), each a Via6 hop. */
    public final int[] nhEcmpFirst, nhEcmpCount;
    public final int[] ecmpMembers;
    /** Their resilient bucket tables ({@link ResilientBuckets}): ecmpBuckets[nhEcmpBucketFirst + (hash &amp; MASK)]. */
    public final int[] nhEcmpBucketFirst, ecmpBuckets;
    private final long[][] endpointHi, endpointLo;
    /** IPv6 pools as prefix and mask halves (a pool test is two ANDs and compares, nothing allocated per packet). */
    private final long[] poolHi, poolLo, poolMaskHi, poolMaskLo;
    private final boolean[] poolNat;

    Ipv6Forwarding(DataplaneState state, ocelot.fastpath.port.PortTable ports, EndpointPart endpointPart) {
        this(state, portsByName(ports), endpointPart.slotByName, endpointPart.endpointPort, endpointPart.endpoints.length);
    }

    private static Map<String, Integer> portsByName(ocelot.fastpath.port.PortTable ports) {
        Map<String, Integer> out = new HashMap<>();
        for (String name : ports.names()) out.put(name, ports.slot(name));
        return out;
    }

    private Ipv6Forwarding(DataplaneState state, Map<String, Integer> portByName, Map<String, Integer> endpointByName, int[] endpointPort, int endpointSlots) {
        Ipv6Plane plane = state.ipv6();
        nodeHi = plane.node().hi();
        nodeLo = plane.node().lo();
        int endpoints = endpointSlots;
        endpointHi = new long[endpoints][0];
        endpointLo = new long[endpoints][0];
        Map<Ip6, String> owner = new HashMap<>();
        for (var e : plane.endpointAddresses().entrySet()) {
            Integer idx = endpointByName.get(e.getKey());
            if (idx == null) throw new IllegalArgumentException("IPv6 addresses for endpoint '" + e.getKey() + "': no such endpoint");
            List<Ip6> list = e.getValue();
            endpointHi[idx] = new long[list.size()];
            endpointLo[idx] = new long[list.size()];
            for (int k = 0; k < list.size(); k++) {
                String prev = owner.put(list.get(k), e.getKey());
                if (prev != null) throw new IllegalArgumentException("endpoint " + e.getKey() + ": IPv6 address " + list.get(k) + " already belongs to endpoint " + prev);
                endpointHi[idx][k] = list.get(k).hi();
                endpointLo[idx][k] = list.get(k).lo();
            }
        }
        List<Route6> routeList = plane.routes();
        List<long[]> hops = new ArrayList<>();
        Map<Object, Integer> hopIndex = new HashMap<>();
        List<Integer> members = new ArrayList<>();
        List<Integer> buckets = new ArrayList<>();
        int[] hopOfRoute = new int[routeList.size()];
        for (int r = 0; r < routeList.size(); r++) {
            Route6 route = routeList.get(r);
            String where = "route " + route.prefix() + "/" + route.length();
            long[] hop = switch (route.nextHop()) {
                case NextHop.ToEndpoint te -> {
                    Integer e = endpointByName.get(te.endpoint());
                    if (e == null) throw new IllegalArgumentException(where + ": no endpoint named '" + te.endpoint() + "'");
                    yield new long[] {ForwardingSnapshot.NH_ENDPOINT, endpointPort[e], e, 0, 0, 0, 0};
                }
                case NextHop.Via6 via -> via6(where, via, portByName);
                case NextHop.Ecmp6 ecmp -> {
                    // each member is an ordinary Via6 hop (shared with routes going through it alone)
                    List<Integer> own = new ArrayList<>();
                    long[] keys = new long[ecmp.members().size()];
                    for (NextHop.Via6 m : ecmp.members()) {
                        keys[own.size()] = m.address() == null ? ResilientBuckets.key(0, 0, m.port())
                                : ResilientBuckets.key(m.address().hi(), m.address().lo(), m.port());
                        own.add(intern(via6(where, m, portByName), hops, hopIndex));
                    }
                    Integer first = hopIndex.get(List.of("ecmp6", own));
                    if (first != null) yield hops.get(first);
                    long[] group = {ForwardingSnapshot.NH_ECMP, -1, -1, 0, 0, members.size(), own.size(), buckets.size()};
                    for (int bucketOwner : ResilientBuckets.owners(keys)) buckets.add(own.get(bucketOwner));
                    members.addAll(own);
                    hopIndex.put(List.of("ecmp6", own), hops.size());
                    hops.add(group);
                    yield group;
                }
                case NextHop.ToHost th -> new long[] {ForwardingSnapshot.NH_HOST, -1, -1, 0, 0, 0, 0};
                case NextHop.Blackhole bh -> new long[] {ForwardingSnapshot.NH_BLACKHOLE, -1, -1, 0, 0, 0, 0};
                default -> throw new IllegalArgumentException(where + ": next hop " + route.nextHop() + " is not valid for IPv6");
            };
            hopOfRoute[r] = intern(hop, hops, hopIndex);
        }
        int n = hops.size();
        nhKind = new byte[n];
        nhPort = new int[n];
        nhEndpoint = new int[n];
        nhGatewayHi = new long[n];
        nhGatewayLo = new long[n];
        nhEcmpFirst = new int[n];
        nhEcmpCount = new int[n];
        ecmpMembers = members.stream().mapToInt(Integer::intValue).toArray();
        nhEcmpBucketFirst = new int[n];
        ecmpBuckets = buckets.stream().mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < n; i++) {
            long[] h = hops.get(i);
            if (h.length > 7) nhEcmpBucketFirst[i] = (int) h[7];
            nhEcmpFirst[i] = (int) h[5];
            nhEcmpCount[i] = (int) h[6];
            nhKind[i] = (byte) h[0];
            nhPort[i] = (int) h[1];
            nhEndpoint[i] = (int) h[2];
            nhGatewayHi[i] = h[3];
            nhGatewayLo[i] = h[4];
        }
        routes = new Ipv6RouteTable(Math.max(1, n));
        for (int r = 0; r < routeList.size(); r++) {
            Route6 route = routeList.get(r);
            routes.insert(route.prefix().hi(), route.prefix().lo(), route.length(), hopOfRoute[r]);
        }
        int pools = plane.pools().size();
        poolHi = new long[pools];
        poolLo = new long[pools];
        poolMaskHi = new long[pools];
        poolMaskLo = new long[pools];
        poolNat = new boolean[pools];
        for (int p = 0; p < pools; p++) {
            Ip6Pool pool = plane.pools().get(p);
            Ip6 mask = new Ip6(-1L, -1L).masked(pool.length());
            poolHi[p] = pool.prefix().hi();
            poolLo[p] = pool.prefix().lo();
            poolMaskHi[p] = mask.hi();
            poolMaskLo[p] = mask.lo();
            poolNat[p] = pool.natOutgoing();
        }
        for (Neighbour6 nb : plane.neighbours()) {
            if (!portByName.containsKey(nb.port())) throw new IllegalArgumentException("neighbour " + nb.address() + ": no port named '" + nb.port() + "' (ports: " + portByName.keySet() + ")");
        }
    }

    private static long[] via6(String where, NextHop.Via6 via, Map<String, Integer> portByName) {
        Integer p = portByName.get(via.port());
        if (p == null) throw new IllegalArgumentException(where + ": no port named '" + via.port() + "' (ports: " + portByName.keySet() + ")");
        Ip6 gw = via.address() == null ? new Ip6(0, 0) : via.address();
        return new long[] {ForwardingSnapshot.NH_VIA, p, -1, gw.hi(), gw.lo(), 0, 0};
    }

    /** The index of an equal hop already listed (ECMP groups are listed by their own key), else of this one, appended. */
    private static int intern(long[] hop, List<long[]> hops, Map<Object, Integer> hopIndex) {
        if (hop[0] == ForwardingSnapshot.NH_ECMP) {
            for (int i = 0; i < hops.size(); i++) if (hops.get(i) == hop) return i;
        }
        return hopIndex.computeIfAbsent(List.of(hop[0], hop[1], hop[2], hop[3], hop[4]), k -> {
            hops.add(hop);
            return hops.size() - 1;
        });
    }

    /** Index of the IPv6 pool containing the address, or -1 (pools are few, and never overlap). */
    public int poolOf(long hi, long lo) {
        for (int p = 0; p < poolHi.length; p++) {
            if ((hi & poolMaskHi[p]) == poolHi[p] && (lo & poolMaskLo[p]) == poolLo[p]) return p;
        }
        return -1;
    }

    /**
     * True when a flow from {@code src} to {@code dst} is source-NATed (Calico's natOutgoing): the
     * source is in a nat-outgoing pool and the destination in no pool. Where it leaves is the caller's test.
     */
    public boolean natOutgoing(long srcHi, long srcLo, long dstHi, long dstLo) {
        int p = poolOf(srcHi, srcLo);
        return p >= 0 && poolNat[p] && poolOf(dstHi, dstLo) < 0;
    }

    public boolean isNode(long hi, long lo) { return hi == nodeHi && lo == nodeLo; }

    /** True when one of endpoint {@code e}'s IPv6 addresses is in a nat-outgoing pool (its flows may be NAT66ed). */
    public boolean endpointInNatPool(int e) {
        if (e >= endpointHi.length) return false;
        for (int k = 0; k < endpointHi[e].length; k++) {
            int p = poolOf(endpointHi[e][k], endpointLo[e][k]);
            if (p >= 0 && poolNat[p]) return true;
        }
        return false;
    }

    /** True when the address is one of endpoint {@code e}'s IPv6 addresses. */
    public boolean endpointOwns(int e, long hi, long lo) {
        if (e >= endpointHi.length) return false; // an endpoint leaving in a bridge snapshot: no IPv6 of its own
        long[] h = endpointHi[e], l = endpointLo[e];
        for (int k = 0; k < h.length; k++) if (h[k] == hi && l[k] == lo) return true;
        return false;
    }
}
