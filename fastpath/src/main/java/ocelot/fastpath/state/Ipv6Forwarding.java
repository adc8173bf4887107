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
    private final long[][] endpointHi, endpointLo;

    Ipv6Forwarding(DataplaneState state, Map<String, Integer> portByName, Map<String, Integer> endpointByName, int[] endpointPort) {
        Ipv6Plane plane = state.ipv6();
        nodeHi = plane.node().hi();
        nodeLo = plane.node().lo();
        int endpoints = state.endpoints().size();
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
        int[] hopOfRoute = new int[routeList.size()];
        for (int r = 0; r < routeList.size(); r++) {
            Route6 route = routeList.get(r);
            String where = "route " + route.prefix() + "/" + route.length();
            long[] hop = switch (route.nextHop()) {
                case NextHop.ToEndpoint te -> {
                    Integer e = endpointByName.get(te.endpoint());
                    if (e == null) throw new IllegalArgumentException(where + ": no endpoint named '" + te.endpoint() + "'");
                    yield new long[] {ForwardingSnapshot.NH_ENDPOINT, endpointPort[e], e, 0, 0};
                }
                case NextHop.Via6 via -> {
                    Integer p = portByName.get(via.port());
                    if (p == null) throw new IllegalArgumentException(where + ": no port named '" + via.port() + "' (ports: " + portByName.keySet() + ")");
                    Ip6 gw = via.address() == null ? new Ip6(0, 0) : via.address();
                    yield new long[] {ForwardingSnapshot.NH_VIA, p, -1, gw.hi(), gw.lo()};
                }
                case NextHop.ToHost th -> new long[] {ForwardingSnapshot.NH_HOST, -1, -1, 0, 0};
                case NextHop.Blackhole bh -> new long[] {ForwardingSnapshot.NH_BLACKHOLE, -1, -1, 0, 0};
                default -> throw new IllegalArgumentException(where + ": next hop " + route.nextHop() + " is not valid for IPv6");
            };
            hopOfRoute[r] = hopIndex.computeIfAbsent(List.of(hop[0], hop[1], hop[2], hop[3], hop[4]), k -> {
                hops.add(hop);
                return hops.size() - 1;
            });
        }
        int n = hops.size();
        nhKind = new byte[n];
        nhPort = new int[n];
        nhEndpoint = new int[n];
        nhGatewayHi = new long[n];
        nhGatewayLo = new long[n];
        for (int i = 0; i < n; i++) {
            long[] h = hops.get(i);
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
        for (Neighbour6 nb : plane.neighbours()) {
            if (!portByName.containsKey(nb.port())) throw new IllegalArgumentException("neighbour " + nb.address() + ": no port named '" + nb.port() + "' (ports: " + portByName.keySet() + ")");
        }
    }

    public boolean isNode(long hi, long lo) { return hi == nodeHi && lo == nodeLo; }

    /** True when the address is one of endpoint {@code e}'s IPv6 addresses. */
    public boolean endpointOwns(int e, long hi, long lo) {
        long[] h = endpointHi[e], l = endpointLo[e];
        for (int k = 0; k < h.length; k++) if (h[k] == hi && l[k] == lo) return true;
        return false;
    }
}
