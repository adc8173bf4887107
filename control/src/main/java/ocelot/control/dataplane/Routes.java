package ocelot.control.dataplane;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.Prefix;
import ocelot.control.ipam.AllocationBlock;
import ocelot.control.resource.Cidr;
import ocelot.fastpath.state.Ip6;
import ocelot.fastpath.state.IpPool;
import ocelot.fastpath.state.NextHop;
import ocelot.fastpath.state.Route;
import ocelot.fastpath.state.Route6;

/**
 * The node's routes, as Calico programs the kernel's table (Felix's route table plus BIRD's
 * static and learned routes), most specific and most local first when two name one prefix:
 * <ol>
 *   <li>the node's own address: to the host (the exception port);</li>
 *   <li>each local endpoint's /32 (/128): to the endpoint;</li>
 *   <li>this node's affine IPAM blocks: blackhole, as BIRD's {@code blackhole} static routes in
 *       Calico (assigned addresses have their more specific endpoint route; the rest are dropped
 *       here instead of bouncing back to the fabric's default route);</li>
 *   <li>the node subnet: on-link through the uplink;</li>
 *   <li>routes learned over BGP: via their next hop on the uplink (tunnelled by the fastpath when
 *       the destination's pool says IPIP; an untunnelled next hop off the node's subnet is reached
 *       through the default gateway, BIRD's {@code gateway recursive});</li>
 *   <li>the default route via the configured gateway.</li>
 * </ol>
 * A learned route is one {@code Via}, or with BGP multipath (cluster setting {@code maximumPaths})
 * an {@code Ecmp} of one {@code Via} per equal-cost next hop: the fastpath's resilient buckets
 * keep every flow on its member while the set changes, except those of a member that left.
 * A router (router mode) adds its rack-facing ports: each port's address to the host and its
 * subnet on-link through the port (after the node's own), and a learned next hop on a port's
 * subnet is reached through that port (the uplink, the border, otherwise). Driver thread only.
 */
final class Routes {
    private final DriverConfig config;
    private final Map<String, AllocationBlock> blocks = new TreeMap<>();
    private final Map<Prefix, List<InetAddress>> learned = new TreeMap<>();

    Routes(DriverConfig config) {
        this.config = config;
    }

    /** Keeps the block if it is affine to this node. */
    void putBlock(String key, AllocationBlock b) {
        if (config.nodeName().equals(b.affinity())) blocks.put(key, b);
        else blocks.remove(key);
    }

    void removeBlock(String key) {
        blocks.remove(key);
    }

    /** A learned route installed or replaced ({@code nextHops}: one or an equal-cost group) or withdrawn (null). */
    void learned(Prefix prefix, List<InetAddress> nextHops) {
        if (nextHops == null || nextHops.isEmpty()) learned.remove(prefix);
        else learned.put(prefix, nextHops);
    }

    int learnedCount() {
        return learned.size();
    }

    List<Route> v4(List<LocalEndpoints.Admitted> endpoints, List<IpPool> pools) {
        Map<Long, Route> out = new LinkedHashMap<>();
        String up = config.uplinkPort();
        add(out, new Route(config.node().address(), 32, new NextHop.ToHost()));
        for (LocalEndpoints.Admitted e : endpoints) {
            for (int a : e.v4()) add(out, new Route(a, 32, new NextHop.ToEndpoint(e.name())));
        }
        for (AllocationBlock b : blocks.values()) {
            if (b.cidr().version() == 4) add(out, new Route(Addresses.v4Network(b.cidr()), b.cidr().prefixLength(), new NextHop.Blackhole()));
        }
        int subnetLength = config.node().subnetLength();
        add(out, new Route(config.node().address() & mask(subnetLength), subnetLength, new NextHop.Via(0, up)));
        for (DriverConfig.RouterPort p : config.routerPorts()) {
            add(out, new Route(p.address().address(), 32, new NextHop.ToHost()));
            int length = p.address().subnetLength();
            add(out, new Route(p.address().address() & mask(length), length, new NextHop.Via(0, p.name())));
        }
        for (Map.Entry<Prefix, List<InetAddress>> r : learned.entrySet()) {
            if (r.getKey().family() != AddressFamily.IPV4_UNICAST) continue;
            int prefix = (int) r.getKey().low();
            List<NextHop.Via> vias = new ArrayList<>();
            for (InetAddress nh : r.getValue()) {
                if (!(nh instanceof Inet4Address)) continue;
                int nextHop = Addresses.v4(nh);
                DriverConfig.RouterPort rack = rackPortOf(nextHop);
                NextHop.Via via = rack != null ? new NextHop.Via(nextHop, rack.name())
                        : new NextHop.Via(gateway(prefix, r.getKey().length(), nextHop, pools), up);
                if (!vias.contains(via)) vias.add(via); // two next hops behind the one default gateway: one member
            }
            if (vias.isEmpty()) continue;
            add(out, new Route(prefix, r.getKey().length(), vias.size() == 1 ? vias.getFirst() : new NextHop.Ecmp(vias)));
        }
        if (config.defaultGateway() != 0) add(out, new Route(0, 0, new NextHop.Via(config.defaultGateway(), up)));
        return new ArrayList<>(out.values());
    }

    /** The router port whose subnet holds {@code address} (the most specific), or null (a node; or the border's side). */
    private DriverConfig.RouterPort rackPortOf(int address) {
        DriverConfig.RouterPort best = null;
        for (DriverConfig.RouterPort p : config.routerPorts()) {
            if (p.address().sameSubnet(address) && (best == null || p.address().subnetLength() > best.address().subnetLength())) best = p;
        }
        return best;
    }

    /** The next hop to program for a learned route: its own, unless only the default gateway can reach it. */
    private int gateway(int prefix, int length, int nextHop, List<IpPool> pools) {
        if (config.node().sameSubnet(nextHop) || config.defaultGateway() == 0) return nextHop;
        for (IpPool p : pools) {
            if (p.ipip() != IpPool.IpipMode.NEVER && p.contains(prefix) && length >= p.length()) return nextHop; // tunnelled to it
        }
        return config.defaultGateway();
    }

    List<Route6> v6(List<LocalEndpoints.Admitted> endpoints) {
        Ip6 node = config.nodeIpv6();
        Map<String, Route6> out = new LinkedHashMap<>();
        String up = config.uplinkPort();
        add6(out, new Route6(node, 128, new NextHop.ToHost()));
        for (LocalEndpoints.Admitted e : endpoints) {
            for (Ip6 a : e.v6()) add6(out, new Route6(a, 128, new NextHop.ToEndpoint(e.name())));
        }
        for (AllocationBlock b : blocks.values()) {
            Cidr c = b.cidr();
            if (c.version() == 6) add6(out, new Route6(Addresses.v6(c.network()), c.prefixLength(), new NextHop.Blackhole()));
        }
        add6(out, new Route6(node.masked(config.nodeIpv6Length()), config.nodeIpv6Length(), new NextHop.Via6(null, up)));
        for (Map.Entry<Prefix, List<InetAddress>> r : learned.entrySet()) {
            Prefix p = r.getKey();
            if (p.family() == AddressFamily.IPV4_UNICAST) continue;
            List<NextHop.Via6> vias = new ArrayList<>();
            for (InetAddress nh : r.getValue()) {
                if (!(nh instanceof Inet4Address)) vias.add(new NextHop.Via6(Addresses.v6(nh), up));
            }
            if (vias.isEmpty()) continue;
            add6(out, new Route6(new Ip6(p.high(), p.low()), p.length(), vias.size() == 1 ? vias.getFirst() : new NextHop.Ecmp6(vias)));
        }
        return new ArrayList<>(out.values());
    }

    private static void add(Map<Long, Route> out, Route r) {
        out.putIfAbsent((long) r.prefix() << 8 | r.length(), r);
    }

    private static void add6(Map<String, Route6> out, Route6 r) {
        out.putIfAbsent(r.prefix() + "/" + r.length(), r);
    }

    private static int mask(int length) {
        return length == 0 ? 0 : (int) (0xFFFFFFFFL << (32 - length));
    }
}
