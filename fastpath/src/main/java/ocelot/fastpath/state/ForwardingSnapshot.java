package ocelot.fastpath.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.agrona.collections.Int2IntHashMap;

import ocelot.acl.Classifier;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.port.Port;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.port.PortTable;
import ocelot.lpm.Ipv4RouteTable;

/**
 * A compiled, immutable {@link DataplaneState}: names resolved to port and endpoint indices,
 * next hops deduplicated into parallel arrays, routes in an {@link Ipv4RouteTable}. Workers
 * read one snapshot per burst; the control plane builds a new one and publishes it, so a
 * worker never sees half an update (Aeron's conductor/sender split; VPP's barrier-free
 * "build then swap").
 */
public final class ForwardingSnapshot {
    public static final byte NH_ENDPOINT = 1;
    public static final byte NH_VIA = 2;
    public static final byte NH_ECMP = 3;
    public static final byte NH_HOST = 4;
    public static final byte NH_BLACKHOLE = 5;

    public final long generation;
    public final DataplaneState state;
    /** The ports this snapshot forwards between: the set a worker polls while it holds it. */
    public final PortTable ports;
    public final Ipv4RouteTable routes;
    public final int nodeAddress;
    public final int exceptionPort;
    /** Per port slot: role, MAC and the endpoint behind it (-1 none); a free slot has a null role. */
    public final PortRole[] portRoles;
    public final long[] portMacs;
    public final int[] portEndpoint;

    // next hops
    public final byte[] nhKind;
    public final int[] nhPort;
    public final int[] nhEndpoint;
    /** The IPv4 neighbour whose MAC the frame goes to (0 = on-link: the destination itself). */
    public final int[] nhNeighbour;
    /** Outer destination when the next hop tunnels IPIP (0 = no tunnel). */
    public final int[] nhTunnel;
    public final int[] nhEcmpFirst;
    public final int[] nhEcmpCount;
    public final int[] ecmpMembers;

    // endpoints
    public final Endpoint[] endpoints;
    public final int[] endpointPort;
    public final long[] endpointMac;
    /** Per endpoint its policy stages per direction (null: no policy that way); see {@link Endpoint}. */
    public final Classifier[][] ingress;
    public final Classifier[][] egress;
    /** Per port the host endpoint policy's stages for the host's own traffic (null: none); see {@link HostEndpointPolicy}. */
    public final Classifier[][] hostIngress;
    public final Classifier[][] hostEgress;
    /** Endpoint address -> endpoint index, for anti-spoofing on workload ports. */
    public final Int2IntHashMap endpointByAddress;
    /** Per endpoint its addresses, for the per-packet anti-spoofing test (a scan of one or two). */
    private final int[][] endpointAddresses;
    /** Node-owned addresses (node + tunnel): traffic to them is punted, IPIP to them decapsulated. */
    public final Int2IntHashMap localAddresses;
    /** The same addresses as a plain array: a node has one to a few, a scan beats a hash probe per packet. */
    private final int[] localAddressList;
    /** Remote nodes we tunnel to: the only sources whose IPIP packets are decapsulated. */
    public final Int2IntHashMap tunnelPeers;

    /** IPv6 forwarding, or null when IPv6 goes to the kernel. */
    public final Ipv6Forwarding v6;

    // pools
    public final int[] poolPrefix;
    public final int[] poolLength;
    public final boolean[] poolNat;

    private ForwardingSnapshot(long generation, DataplaneState state, PortTable ports, Compiler c) {
        this.generation = generation;
        this.state = state;
        this.ports = ports;
        this.routes = c.table;
        this.nodeAddress = state.node().address();
        int exc = -1;
        portRoles = new PortRole[ports.capacity()];
        portMacs = new long[ports.capacity()];
        for (int k = 0; k < ports.size(); k++) {
            int p = ports.activeSlot(k);
            portRoles[p] = ports.port(p).role();
            portMacs[p] = ports.port(p).mac();
            // the first exception port added is the exception port (slots are reused, so not the lowest)
            if (portRoles[p] == PortRole.EXCEPTION && exc < 0) exc = p;
        }
        exceptionPort = exc;
        portEndpoint = c.portEndpoint;
        int n = c.hops.size();
        nhKind = new byte[n];
        nhPort = new int[n];
        nhEndpoint = new int[n];
        nhNeighbour = new int[n];
        nhTunnel = new int[n];
        nhEcmpFirst = new int[n];
        nhEcmpCount = new int[n];
        for (int i = 0; i < n; i++) {
            long[] h = c.hops.get(i);
            nhKind[i] = (byte) h[0];
            nhPort[i] = (int) h[1];
            nhEndpoint[i] = (int) h[2];
            nhNeighbour[i] = (int) h[3];
            nhTunnel[i] = (int) h[4];
            nhEcmpFirst[i] = (int) h[5];
            nhEcmpCount[i] = (int) h[6];
        }
        tunnelPeers = new Int2IntHashMap(-1);
        for (int t : nhTunnel) if (t != 0) tunnelPeers.put(t, 0);
        ecmpMembers = c.ecmpMembers.stream().mapToInt(Integer::intValue).toArray();
        endpoints = state.endpoints().toArray(Endpoint[]::new);
        endpointPort = c.endpointPort;
        endpointMac = new long[endpoints.length];
        endpointAddresses = new int[endpoints.length][];
        for (int e = 0; e < endpoints.length; e++) endpointAddresses[e] = endpoints[e].addresses().stream().mapToInt(Integer::intValue).toArray();
        ingress = new Classifier[endpoints.length][];
        egress = new Classifier[endpoints.length][];
        for (int e = 0; e < endpoints.length; e++) {
            endpointMac[e] = endpoints[e].mac();
            ingress[e] = endpoints[e].ingress() == null ? null : endpoints[e].ingress().toArray(Classifier[]::new);
            egress[e] = endpoints[e].egress() == null ? null : endpoints[e].egress().toArray(Classifier[]::new);
        }
        endpointByAddress = c.endpointByAddress;
        hostIngress = new Classifier[portRoles.length][];
        hostEgress = new Classifier[portRoles.length][];
        boolean[] taken = new boolean[portRoles.length];
        for (HostEndpointPolicy hep : state.hostEndpoints()) {
            int p = c.port("host endpoint policy", hep.port());
            if (portRoles[p] == PortRole.WORKLOAD || portRoles[p] == PortRole.EXCEPTION) {
                throw new IllegalArgumentException("host endpoint policy: port " + hep.port() + " is a " + portRoles[p] + " port, not FABRIC or HOST");
            }
            if (taken[p]) throw new IllegalArgumentException("host endpoint policy: port " + hep.port() + " has two");
            taken[p] = true;
            hostIngress[p] = hep.ingress() == null ? null : hep.ingress().toArray(Classifier[]::new);
            hostEgress[p] = hep.egress() == null ? null : hep.egress().toArray(Classifier[]::new);
        }
        localAddresses = new Int2IntHashMap(-1);
        localAddresses.put(nodeAddress, 0);
        for (int a : state.tunnelAddresses()) localAddresses.put(a, 0);
        localAddressList = new int[localAddresses.size()];
        int k = 0;
        for (var it = localAddresses.keySet().iterator(); it.hasNext(); ) localAddressList[k++] = it.nextValue();
        v6 = state.ipv6() == null ? null : new Ipv6Forwarding(state, c.portByName, c.endpointByName, c.endpointPort);
        List<IpPool> pools = state.pools();
        for (int a = 0; a < pools.size(); a++) {
            for (int b = 0; b < a; b++) {
                // overlapping pools would make "outside every pool" and the NAT and IPIP decisions ambiguous
                if (pools.get(a).overlaps(pools.get(b))) throw new IllegalArgumentException("IP pool " + pools.get(a) + " overlaps IP pool " + pools.get(b));
            }
        }
        poolPrefix = new int[pools.size()];
        poolLength = new int[pools.size()];
        poolNat = new boolean[pools.size()];
        for (int i = 0; i < pools.size(); i++) {
            poolPrefix[i] = pools.get(i).prefix();
            poolLength[i] = pools.get(i).length();
            poolNat[i] = pools.get(i).natOutgoing();
        }
    }

    /** Index of the pool containing the address, or -1. Pools are few (Calico clusters have a handful). */
    public int poolOf(int address) {
        for (int i = 0; i < poolPrefix.length; i++) if (Cidr.contains(poolPrefix[i], poolLength[i], address)) return i;
        return -1;
    }

    /**
     * Validates and compiles. Every reference (port, endpoint name, address collisions) is
     * checked and a bad one fails the whole state with a message naming it: a half-applied
     * state never reaches the workers.
     */
    public static ForwardingSnapshot compile(long generation, DataplaneState state, PortTable ports) {
        return new ForwardingSnapshot(generation, state, ports, new Compiler(state, ports));
    }

    /** The same as {@link #compile(long, DataplaneState, PortTable)} over a fixed list of ports (slots in list order). */
    public static ForwardingSnapshot compile(long generation, DataplaneState state, List<? extends Port> ports) {
        PortTable table = PortTable.empty(Math.max(1, ports.size()));
        for (Port p : ports) table = table.with(p);
        return compile(generation, state, table);
    }

    private static final class Compiler {
        final Map<String, Integer> portByName = new HashMap<>();
        final Map<String, Integer> endpointByName = new HashMap<>();
        final Map<Object, Integer> hopIndex = new HashMap<>();
        final List<long[]> hops = new ArrayList<>();
        final List<Integer> ecmpMembers = new ArrayList<>();
        final int[] portEndpoint;
        final int[] endpointPort;
        final Int2IntHashMap endpointByAddress = new Int2IntHashMap(-1);
        final DataplaneState state;
        final Ipv4RouteTable table;

        Compiler(DataplaneState state, PortTable ports) {
            this.state = state;
            for (int k = 0; k < ports.size(); k++) portByName.put(ports.port(ports.activeSlot(k)).name(), ports.activeSlot(k));
            portEndpoint = new int[ports.capacity()];
            java.util.Arrays.fill(portEndpoint, -1);
            endpointPort = new int[state.endpoints().size()];
            for (int e = 0; e < state.endpoints().size(); e++) {
                Endpoint ep = state.endpoints().get(e);
                if (endpointByName.put(ep.name(), e) != null) throw new IllegalArgumentException("endpoint " + ep.name() + " defined twice");
                int p = port("endpoint " + ep.name(), ep.port());
                if (ports.port(p).role() != PortRole.WORKLOAD) throw new IllegalArgumentException("endpoint " + ep.name() + ": port " + ep.port() + " is a " + ports.port(p).role() + " port, not WORKLOAD");
                if (portEndpoint[p] >= 0) throw new IllegalArgumentException("endpoint " + ep.name() + ": port " + ep.port() + " already belongs to endpoint " + state.endpoints().get(portEndpoint[p]).name());
                portEndpoint[p] = e;
                endpointPort[e] = p;
                for (int a : ep.addresses()) {
                    int prev = endpointByAddress.put(a, e);
                    if (prev != -1) throw new IllegalArgumentException("endpoint " + ep.name() + ": address " + Ipv4.format(a) + " already belongs to endpoint " + state.endpoints().get(prev).name());
                }
            }
            for (Neighbour nb : state.neighbours()) port("neighbour " + Ipv4.format(nb.address()), nb.port());
            List<Route> routes = state.routes();
            int[] hopOfRoute = new int[routes.size()];
            for (int r = 0; r < routes.size(); r++) hopOfRoute[r] = hop(routes.get(r));
            table = new Ipv4RouteTable(Math.max(1, hops.size()));
            for (int r = 0; r < routes.size(); r++) {
                Route route = routes.get(r);
                table.insert(route.prefix(), route.length(), hopOfRoute[r]);
            }
        }

        int port(String what, String name) {
            Integer p = portByName.get(name);
            if (p == null) throw new IllegalArgumentException(what + ": no port named '" + name + "' (ports: " + portByName.keySet() + ")");
            return p;
        }

        int hop(Route route) {
            String where = "route " + Ipv4.format(route.prefix()) + "/" + route.length();
            return switch (route.nextHop()) {
                case NextHop.ToEndpoint te -> {
                    Integer e = endpointByName.get(te.endpoint());
                    if (e == null) throw new IllegalArgumentException(where + ": no endpoint named '" + te.endpoint() + "'");
                    yield intern(te, new long[] {NH_ENDPOINT, endpointPort[e], e, 0, 0, 0, 0});
                }
                case NextHop.Via via -> via(where, route, via);
                case NextHop.Ecmp ecmp -> {
                    List<Integer> members = new ArrayList<>();
                    for (NextHop.Via m : ecmp.members()) members.add(via(where, route, m));
                    Object key = List.of("ecmp", members);
                    Integer existing = hopIndex.get(key);
                    if (existing != null) yield existing;
                    int first = ecmpMembers.size();
                    ecmpMembers.addAll(members);
                    yield intern(key, new long[] {NH_ECMP, -1, -1, 0, 0, first, members.size()});
                }
                case NextHop.Via6 v6 -> throw new IllegalArgumentException(where + ": an IPv4 route cannot go via the IPv6 gateway " + v6.address());
                case NextHop.Ecmp6 e6 -> throw new IllegalArgumentException(where + ": an IPv4 route cannot go via IPv6 gateways " + e6.members());
                case NextHop.ToHost th -> intern(th, new long[] {NH_HOST, -1, -1, 0, 0, 0, 0});
                case NextHop.Blackhole bh -> intern(bh, new long[] {NH_BLACKHOLE, -1, -1, 0, 0, 0, 0});
            };
        }

        /** A gateway, tunnelled when the route's destination is in an IPIP pool (ALWAYS, or CROSS_SUBNET to another subnet). */
        int via(String where, Route route, NextHop.Via via) {
            int port = port(where, via.port());
            int tunnel = 0;
            if (via.address() != 0) {
                for (IpPool pool : state.pools()) {
                    if (!pool.contains(route.prefix()) || route.length() < pool.length()) continue;
                    boolean encap = pool.ipip() == IpPool.IpipMode.ALWAYS
                            || (pool.ipip() == IpPool.IpipMode.CROSS_SUBNET && !state.node().sameSubnet(via.address()));
                    if (encap) tunnel = via.address();
                }
            }
            int neighbour = via.address();
            if (tunnel != 0) {
                // the outer packet goes to the remote node through the underlay: find its route (not a pool route)
                Route under = underlay(tunnel);
                if (under != null && under.nextHop() instanceof NextHop.Via u) {
                    neighbour = u.address() == 0 ? tunnel : u.address();
                    port = port(where, u.port());
                }
            }
            return intern(List.of("via", neighbour, port, tunnel), new long[] {NH_VIA, port, -1, neighbour, tunnel, 0, 0});
        }

        Route underlay(int address) {
            Route best = null;
            for (Route r : state.routes()) {
                if (!r.contains(address) || !(r.nextHop() instanceof NextHop.Via)) continue;
                boolean inPool = false;
                for (IpPool p : state.pools()) if (p.contains(r.prefix()) && r.length() >= p.length()) inPool = true;
                if (!inPool && (best == null || r.length() > best.length())) best = r;
            }
            return best;
        }

        int intern(Object key, long[] hop) {
            Integer existing = hopIndex.get(key);
            if (existing != null) return existing;
            hops.add(hop);
            hopIndex.put(key, hops.size() - 1);
            return hops.size() - 1;
        }
    }

    /** True when {@code address} is the node's address or one of its tunnel addresses. */
    public boolean isLocal(int address) {
        int[] list = localAddressList;
        for (int a : list) if (a == address) return true;
        return false;
    }

    /**
     * True when {@code address} is one of endpoint {@code e}'s addresses: the same answer as
     * {@code endpointByAddress.get(address) == e} (an address belongs to at most one endpoint)
     * without the hash probe.
     */
    public boolean endpointOwns(int e, int address) {
        for (int a : endpointAddresses[e]) if (a == address) return true;
        return false;
    }
}
