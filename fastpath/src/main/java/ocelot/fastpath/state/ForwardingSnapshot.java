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
 * A compiled {@link DataplaneState}: names resolved to port and endpoint slots, next hops
 * deduplicated into parallel arrays, routes in an {@link Ipv4RouteTable}. Workers read one
 * snapshot per burst; the control plane publishes a new one per change (Aeron's
 * conductor/sender split; VPP's barrier-free "build then swap"), built by {@link SnapshotCompiler}.
 *
 * <p>What a burst sees: ports, endpoints, policy, pools, node addresses and IPv6 are the
 * snapshot's own, immutable, one generation; IP set membership is read at the generation its
 * state was sealed with ({@link #ipSetGeneration}). The IPv4 route table and its next-hop arrays are
 * shared by consecutive snapshots and updated in place between them (as Linux's and VPP's FIBs
 * are): a burst may see some of a publish's route changes before its snapshot is swapped, never
 * a torn route, and never a next hop or endpoint its snapshot does not know.
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
    /** ECMP next hops: their {@link ResilientBuckets#BUCKETS} buckets from nhEcmpBucketFirst, a member hop each (the one a flow takes). */
    public final int[] nhEcmpBucketFirst;
    public final int[] ecmpBuckets;

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
    /** Per port the host endpoint policy's stages for forwarded flows in and out of it (null: none; the gateway case). */
    public final Classifier[][] forwardIngress;
    public final Classifier[][] forwardEgress;
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

    /** The IP set generation policy classifies with: the state's sealed view ({@link ocelot.acl.IpSetTable#NEWEST} without one). */
    public final long ipSetGeneration;

    // pools
    public final int[] poolPrefix;
    public final int[] poolLength;
    public final boolean[] poolNat;

    /**
     * The stateless path (issue 19), decided here once per snapshot: per endpoint slot, true when
     * no policy applies either way and none of its IPv4 addresses is in a nat-outgoing pool, so
     * no packet to or from it needs conntrack. Both directions are asked for because a flow must
     * be tracked on both its directions or on neither: a reply that skipped conntrack would leave
     * the original's TCP state behind, one that met conntrack alone would start a flow mid-way.
     */
    public final boolean[] statelessEndpoint;
    /**
     * Per port slot: IPv4 received on it may be forwarded without conntrack, and a gateway hop out
     * of it (untunnelled) may be the stateless path's egress: a workload port whose endpoint is
     * {@link #statelessEndpoint}, or a fabric or host port with no host endpoint policy. Never
     * the exception port (the host's own traffic is tracked for its TCP handshakes).
     */
    public final boolean[] statelessPort;
    /** The same for IPv6 (stateless6 in StatelessRouteNode): no policy either way and no IPv6 address in a NAT66 pool; no IPv6 plane, none. */
    public final boolean[] statelessEndpoint6;
    public final boolean[] statelessPort6;

    ForwardingSnapshot(long generation, DataplaneState state, PortTable ports, Ipv4Fib fib, EndpointPart ep, Ipv6Forwarding v6) {
        this(generation, state, state, ports, fib, ep, v6);
    }

    /**
     * {@code policy}: the state whose host endpoint policies and IP set view this snapshot judges
     * by; a bridge carries the next state's endpoints (their classifiers read the next state's
     * IP set view: a new endpoint's own membership, say) while {@code state} is still the old one.
     */
    ForwardingSnapshot(long generation, DataplaneState state, DataplaneState policy, PortTable ports, Ipv4Fib fib, EndpointPart ep, Ipv6Forwarding v6) {
        this.generation = generation;
        this.state = state;
        this.ports = ports;
        this.routes = fib.table;
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
        HopTable h = fib.hops;
        // the hop arrays are shared with the table's other snapshots: append-only, see HopTable
        nhKind = h.kind;
        nhPort = h.port;
        nhEndpoint = h.endpoint;
        nhNeighbour = h.neighbour;
        nhTunnel = h.tunnel;
        nhEcmpFirst = h.ecmpFirst;
        nhEcmpCount = h.ecmpCount;
        ecmpMembers = h.members;
        nhEcmpBucketFirst = h.ecmpBucketFirst;
        ecmpBuckets = h.buckets;
        tunnelPeers = new Int2IntHashMap(-1);
        for (int i = 0; i < h.count; i++) if (h.refs[i] > 0 && h.tunnel[i] != 0) tunnelPeers.put(h.tunnel[i], 0);
        portEndpoint = ep.portEndpoint;
        endpoints = ep.endpoints;
        endpointPort = ep.endpointPort;
        endpointMac = ep.endpointMac;
        endpointAddresses = ep.endpointAddresses;
        ingress = ep.ingress;
        egress = ep.egress;
        endpointByAddress = ep.endpointByAddress;
        Classifier[][][] host = hostPolicies(policy, ports);
        hostIngress = host[0];
        hostEgress = host[1];
        forwardIngress = host[2];
        forwardEgress = host[3];
        localAddresses = new Int2IntHashMap(-1);
        localAddresses.put(nodeAddress, 0);
        for (int a : state.tunnelAddresses()) localAddresses.put(a, 0);
        localAddressList = new int[localAddresses.size()];
        int k = 0;
        for (var it = localAddresses.keySet().iterator(); it.hasNext(); ) localAddressList[k++] = it.nextValue();
        this.v6 = v6;
        ipSetGeneration = policy.ipSets() == null ? ocelot.acl.IpSetTable.NEWEST : policy.ipSets().generation();
        List<IpPool> pools = state.pools();
        poolPrefix = new int[pools.size()];
        poolLength = new int[pools.size()];
        poolNat = new boolean[pools.size()];
        for (int i = 0; i < pools.size(); i++) {
            poolPrefix[i] = pools.get(i).prefix();
            poolLength[i] = pools.get(i).length();
            poolNat[i] = pools.get(i).natOutgoing();
        }
        statelessEndpoint = new boolean[endpoints.length];
        for (int e = 0; e < endpoints.length; e++) {
            if (endpoints[e] == null || ingress[e] != null || egress[e] != null) continue;
            boolean nat = false;
            for (int a : endpointAddresses[e]) {
                int pool = poolOf(a);
                nat |= pool >= 0 && poolNat[pool];
            }
            statelessEndpoint[e] = !nat;
        }
        statelessEndpoint6 = new boolean[endpoints.length];
        for (int e = 0; e < endpoints.length; e++) {
            statelessEndpoint6[e] = v6 != null && endpoints[e] != null && ingress[e] == null && egress[e] == null && !v6.endpointInNatPool(e);
        }
        statelessPort = new boolean[portRoles.length];
        for (int p = 0; p < portRoles.length; p++) {
            if (portRoles[p] == null) continue;
            statelessPort[p] = switch (portRoles[p]) {
                case WORKLOAD -> portEndpoint[p] >= 0 && statelessEndpoint[portEndpoint[p]];
                case FABRIC, HOST, RACK -> hostIngress[p] == null && hostEgress[p] == null && forwardIngress[p] == null && forwardEgress[p] == null;
                case EXCEPTION -> false;
            };
        }
        statelessPort6 = new boolean[portRoles.length];
        for (int p = 0; p < portRoles.length; p++) {
            if (portRoles[p] == null || v6 == null) continue;
            statelessPort6[p] = switch (portRoles[p]) {
                case WORKLOAD -> portEndpoint[p] >= 0 && statelessEndpoint6[portEndpoint[p]];
                case FABRIC, HOST -> hostIngress[p] == null && hostEgress[p] == null && forwardIngress[p] == null && forwardEgress[p] == null;
                case RACK, EXCEPTION -> false; // a router's rack ports are IPv4 (router mode); their IPv6 is tracked
            };
        }
        boolean anyNat = false;
        for (boolean nat : poolNat) anyNat |= nat;
        natFromPort = new boolean[portRoles.length];
        for (int p = 0; p < portRoles.length; p++) natFromPort[p] = anyNat && portRoles[p] == PortRole.RACK;
    }

    /**
     * Per port slot: a router's rack port while some pool is nat-outgoing, where a stateless
     * candidate must still be asked {@link #natOutgoing} (a rack's pool leaving by the border is
     * translated, so tracked). False everywhere on a node: its pools' sources are its endpoints.
     */
    public final boolean[] natFromPort;

    /** Whether a flow from {@code src} to {@code dst} leaving through {@code outPort} is source-NATed (the full path's rule). */
    public boolean natOutgoing(int src, int dst, int outPort) {
        PortRole out = portRoles[outPort];
        if (out == PortRole.WORKLOAD || out == PortRole.RACK) return false;
        int pool = poolOf(src);
        return pool >= 0 && poolNat[pool] && poolOf(dst) < 0;
    }

    /** {@link #statelessHop} for an IPv6 next hop of {@link #v6} (IPv6 has no tunnels). */
    public boolean statelessHop6(int nh) {
        byte kind = v6.nhKind[nh];
        if (kind == NH_ENDPOINT) return statelessEndpoint6[v6.nhEndpoint[nh]];
        return kind == NH_VIA && statelessPort6[v6.nhPort[nh]];
    }

    /**
     * Whether a packet routed to next hop {@code nh} may leave without conntrack: a stateless
     * endpoint, or an untunnelled gateway (or on-link) hop out of a stateless port. ECMP groups,
     * the host and blackholes take the full path. The hop's fields never change (HopTable is
     * append-only); the endpoint and port flags are this snapshot's.
     */
    public boolean statelessHop(int nh) {
        byte kind = nhKind[nh];
        if (kind == NH_ENDPOINT) return statelessEndpoint[nhEndpoint[nh]];
        return kind == NH_VIA && nhTunnel[nh] == 0 && statelessPort[nhPort[nh]];
    }

    /**
     * Per port slot the host endpoint policy's ingress [0], egress [1], forwarded ingress [2] and
     * forwarded egress [3] stages; refuses a policy
     * on an unknown, workload or exception port, or two on one port (naming the port).
     */
    static Classifier[][][] hostPolicies(DataplaneState state, PortTable ports) {
        Classifier[][] in = new Classifier[ports.capacity()][], out = new Classifier[ports.capacity()][];
        Classifier[][] fwdIn = new Classifier[ports.capacity()][], fwdOut = new Classifier[ports.capacity()][];
        boolean[] taken = new boolean[ports.capacity()];
        for (HostEndpointPolicy hep : state.hostEndpoints()) {
            int p = ports.slot(hep.port());
            if (p < 0) throw new IllegalArgumentException("host endpoint policy: no port named '" + hep.port() + "' (ports: " + ports.names() + ")");
            PortRole role = ports.port(p).role();
            if (role == PortRole.WORKLOAD || role == PortRole.EXCEPTION) {
                throw new IllegalArgumentException("host endpoint policy: port " + hep.port() + " is a " + role + " port, not FABRIC, RACK or HOST");
            }
            if (taken[p]) throw new IllegalArgumentException("host endpoint policy: port " + hep.port() + " has two");
            taken[p] = true;
            in[p] = hep.ingress() == null ? null : hep.ingress().toArray(Classifier[]::new);
            out[p] = hep.egress() == null ? null : hep.egress().toArray(Classifier[]::new);
            fwdIn[p] = hep.forwardIngress() == null ? null : hep.forwardIngress().toArray(Classifier[]::new);
            fwdOut[p] = hep.forwardEgress() == null ? null : hep.forwardEgress().toArray(Classifier[]::new);
        }
        return new Classifier[][][] {in, out, fwdIn, fwdOut};
    }

    /** Index of the pool containing the address, or -1. Pools are few (Calico clusters have a handful). */
    public int poolOf(int address) {
        for (int i = 0; i < poolPrefix.length; i++) if (Cidr.contains(poolPrefix[i], poolLength[i], address)) return i;
        return -1;
    }

    /**
     * Validates and compiles a state on its own (no table shared with another snapshot). Every
     * reference (port, endpoint name, address collisions) is checked and a bad one fails the whole
     * state with a message naming it. The node compiles through {@link SnapshotCompiler}.
     */
    public static ForwardingSnapshot compile(long generation, DataplaneState state, PortTable ports) {
        return SnapshotCompiler.compileOnce(generation, state, ports);
    }

    /** The same as {@link #compile(long, DataplaneState, PortTable)} over a fixed list of ports (slots in list order). */
    public static ForwardingSnapshot compile(long generation, DataplaneState state, List<? extends Port> ports) {
        PortTable table = PortTable.empty(Math.max(1, ports.size()));
        for (Port p : ports) table = table.with(p);
        return compile(generation, state, table);
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
