package ocelot.fastpath.state;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.agrona.collections.Long2ObjectHashMap;

import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.port.PortTable;
import ocelot.lpm.Ipv4RouteTable;

/**
 * The IPv4 routes as last published, kept between publishes so a change costs what changed:
 * the lock-free LPM table the workers read (updated in place), its next hops ({@link HopTable}),
 * each route by prefix with the hop it uses, and how many routes name each endpoint. Hops
 * depend on the node, the pools and the underlay routes to tunnel peers; a change to those is
 * a rebuild. Control-thread only.
 */
final class Ipv4Fib {
    static final class Entry {
        Route route;
        int hop;

        Entry(Route route, int hop) {
            this.route = route;
            this.hop = hop;
        }
    }

    record EndpointHop(int slot, int port) {}
    record ViaHop(int neighbour, int port, int tunnel) {}

    /** Set once by the rebuild that fills it; then only updated in place. */
    Ipv4RouteTable table;
    final HopTable hops;
    final Long2ObjectHashMap<Entry> byKey = new Long2ObjectHashMap<>();
    final Map<String, Integer> endpointRefs = new HashMap<>();
    final NodeAddress node;
    final List<IpPool> pools;
    List<Route> routes = List.of();
    /** True when no two published routes share a prefix (the trimmed diff relies on it). */
    boolean duplicateFree = true;

    Ipv4Fib(HopTable hops, NodeAddress node, List<IpPool> pools) {
        this.hops = hops;
        this.node = node;
        this.pools = pools;
    }

    static long key(int prefix, int length) { return ((prefix & 0xFFFF_FFFFL) << 6) | length; }

    static long key(Route r) { return key(r.prefix(), r.length()); }

    static String where(Route r) { return "route " + Ipv4.format(r.prefix()) + "/" + r.length(); }

    /**
     * The hop {@code route} uses in this context, interned (appended when new). Throws naming the
     * route for an unknown port or endpoint or an IPv6 next hop; {@link HopTable.Full} when a
     * published table has no room.
     */
    int resolve(Route route, PortTable ports, EndpointPart endpoints) {
        return switch (route.nextHop()) {
            case NextHop.ToEndpoint te -> {
                Integer e = endpoints.slot(te.endpoint());
                if (e == null) throw new IllegalArgumentException(where(route) + ": no endpoint named '" + te.endpoint() + "'");
                int p = endpoints.endpointPort[e];
                yield hops.intern(new EndpointHop(e, p), ForwardingSnapshot.NH_ENDPOINT, p, e, 0, 0);
            }
            case NextHop.Via via -> via(route, via, ports);
            case NextHop.Ecmp ecmp -> {
                List<Integer> members = new java.util.ArrayList<>();
                for (NextHop.Via m : ecmp.members()) members.add(via(route, m, ports));
                yield hops.internEcmp(members);
            }
            case NextHop.Via6 v6 -> throw new IllegalArgumentException(where(route) + ": an IPv4 route cannot go via the IPv6 gateway " + v6.address());
            case NextHop.Ecmp6 e6 -> throw new IllegalArgumentException(where(route) + ": an IPv4 route cannot go via IPv6 gateways " + e6.members());
            case NextHop.ToHost th -> hops.intern("host", ForwardingSnapshot.NH_HOST, -1, -1, 0, 0);
            case NextHop.Blackhole bh -> hops.intern("blackhole", ForwardingSnapshot.NH_BLACKHOLE, -1, -1, 0, 0);
        };
    }

    private static int port(Route route, String name, PortTable ports) {
        int p = ports.slot(name);
        if (p < 0) throw new IllegalArgumentException(where(route) + ": no port named '" + name + "' (ports: " + ports.names() + ")");
        return p;
    }

    /** A gateway, tunnelled when the route's destination is in an IPIP pool (ALWAYS, or CROSS_SUBNET to another subnet). */
    private int via(Route route, NextHop.Via via, PortTable ports) {
        int port = port(route, via.port(), ports);
        int tunnel = tunnelFor(route, via);
        int neighbour = via.address();
        if (tunnel != 0) {
            // the outer packet goes to the remote node through the underlay: its route (not a pool route)
            Route under = underlay(tunnel);
            if (under != null && under.nextHop() instanceof NextHop.Via u) {
                neighbour = u.address() == 0 ? tunnel : u.address();
                port = port(route, u.port(), ports);
            }
        }
        return hops.intern(new ViaHop(neighbour, port, tunnel), ForwardingSnapshot.NH_VIA, port, -1, neighbour, tunnel);
    }

    int tunnelFor(Route route, NextHop.Via via) {
        int tunnel = 0;
        if (via.address() == 0) return 0;
        for (IpPool pool : pools) {
            if (!pool.contains(route.prefix()) || route.length() < pool.length()) continue;
            boolean encap = pool.ipip() == IpPool.IpipMode.ALWAYS
                    || (pool.ipip() == IpPool.IpipMode.CROSS_SUBNET && !node.sameSubnet(via.address()));
            if (encap) tunnel = via.address();
        }
        return tunnel;
    }

    boolean inPool(Route r) {
        for (IpPool p : pools) if (p.contains(r.prefix()) && r.length() >= p.length()) return true;
        return false;
    }

    /** Could this route carry tunnelled traffic to a peer (a non-pool route to a gateway)? */
    boolean underlayCandidate(Route r) { return r.nextHop() instanceof NextHop.Via && !inPool(r); }

    /** The longest non-pool gateway route containing {@code address}: 33 probes of the prefix map. */
    Route underlay(int address) {
        for (int len = 32; len >= 0; len--) {
            Entry e = byKey.get(key(address & Cidr.mask(len), len));
            if (e != null && underlayCandidate(e.route)) return e.route;
        }
        return null;
    }

    void countEndpoint(Route r, int delta) {
        if (r.nextHop() instanceof NextHop.ToEndpoint te) endpointRefs.merge(te.endpoint(), delta, Integer::sum);
    }
}
