package ocelot.fastpath.state;

import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.agrona.collections.LongHashSet;

import ocelot.fastpath.port.PortTable;
import ocelot.lpm.Ipv4RouteTable;

/**
 * Compiles published {@link DataplaneState}s into {@link ForwardingSnapshot}s at the cost of
 * what changed (the control plane publishes on every datastore change, with up to a million
 * routes). Routes live in one lock-free LPM table updated in place; endpoints, policy, ports,
 * pools and IPv6 are rebuilt into each new snapshot (their size is the local node's, not the
 * network's). Two steps, so a worker can never meet a route whose next hop its snapshot does not
 * know: {@link #prepare} validates everything and changes nothing a worker reads (a refused state
 * changes nothing); {@link Plan#apply} then changes the table. Control-thread only.
 */
public final class SnapshotCompiler {
    /** Route changes above this share of the table are compiled as a rebuild (a new table). */
    static final int REBUILD_DIVISOR = 8;

    private Ipv4Fib fib;
    private EndpointPart endpoints;
    private DataplaneState state;
    private PortTable ports;
    private Ipv6Forwarding v6;

    /** What one publish will do; built by {@link #prepare}, carried out by {@link #apply}. */
    public final class Plan {
        final DataplaneState next;
        final PortTable nextPorts;
        final EndpointPart nextEndpoints;
        /** Old and new endpoints together, published while the table moves; null when not needed. */
        final EndpointPart bridge;
        final Ipv4Fib nextFib;
        final boolean rebuilt;
        final List<Long> removed;
        final List<Route> upserts;
        final int[] upsertHops;
        final Ipv6Forwarding nextV6;

        Plan(DataplaneState next, PortTable nextPorts, EndpointPart nextEndpoints, EndpointPart bridge, Ipv4Fib nextFib,
             boolean rebuilt, List<Long> removed, List<Route> upserts, int[] upsertHops, Ipv6Forwarding nextV6) {
            this.next = next;
            this.nextPorts = nextPorts;
            this.nextEndpoints = nextEndpoints;
            this.bridge = bridge;
            this.nextFib = nextFib;
            this.rebuilt = rebuilt;
            this.removed = removed;
            this.upserts = upserts;
            this.upsertHops = upsertHops;
            this.nextV6 = nextV6;
        }

        /** The snapshot to publish (and let every worker reach) before {@link #apply}, or null when none is needed. */
        public ForwardingSnapshot bridgeSnapshot(long generation) {
            // judged by the next state's policy (its endpoints' classifiers are there already), forwarded by the old routes
            return bridge == null ? null : new ForwardingSnapshot(generation, state, next, nextPorts, fib, bridge, nextV6);
        }

        /** Changes the shared route table in place (workers keep reading it) and returns the snapshot to publish. */
        public ForwardingSnapshot apply(long generation) {
            if (!rebuilt) {
                VarHandle.releaseFence(); // hops appended by prepare are whole before any route names them
                Ipv4Fib f = nextFib;
                for (long key : removed) {
                    Ipv4Fib.Entry e = f.byKey.remove(key);
                    if (e == null) continue;
                    f.table.delete(e.route.prefix(), e.route.length());
                    f.hops.ref(e.hop, -1);
                    f.countEndpoint(e.route, -1);
                }
                for (int i = 0; i < upserts.size(); i++) {
                    Route r = upserts.get(i);
                    int hop = upsertHops[i];
                    long key = Ipv4Fib.key(r);
                    Ipv4Fib.Entry e = f.byKey.get(key);
                    if (e != null) {
                        f.hops.ref(e.hop, -1);
                        f.countEndpoint(e.route, -1);
                        e.route = r;
                        e.hop = hop;
                    } else {
                        f.byKey.put(key, new Ipv4Fib.Entry(r, hop));
                    }
                    f.table.insert(r.prefix(), r.length(), hop);
                    f.hops.ref(hop, 1);
                    f.countEndpoint(r, 1);
                }
                f.routes = next.routes();
                f.duplicateFree = f.byKey.size() == next.routes().size();
            }
            fib = nextFib;
            fib.hops.published = true;
            endpoints = nextEndpoints;
            state = next;
            ports = nextPorts;
            v6 = nextV6;
            return new ForwardingSnapshot(generation, next, nextPorts, nextFib, nextEndpoints, nextV6);
        }
    }

    /**
     * Validates {@code next} over {@code nextPorts} and works out what publishing it changes.
     * Throws (naming the route, endpoint, port or pool) for a bad state; nothing a worker reads
     * has changed then, and the compiler still describes the state published before.
     */
    public Plan prepare(DataplaneState next, PortTable nextPorts) {
        PoolCheck.refuseOverlaps(next.pools());
        ForwardingSnapshot.hostPolicies(next, nextPorts); // validated here: a refused state changes nothing
        for (Neighbour nb : next.neighbours()) {
            if (nextPorts.slot(nb.port()) < 0) throw new IllegalArgumentException("neighbour " + ocelot.fastpath.packet.Ipv4.format(nb.address()) + ": no port named '" + nb.port() + "' (ports: " + nextPorts.names() + ")");
        }
        // an equal list (a control plane that rebuilds it per change) costs a walk, not a rebuild
        boolean endpointsSame = state != null && nextPorts == ports
                && (next.endpoints() == state.endpoints() || next.endpoints().equals(state.endpoints()));
        // slots of endpoints leaving now are not reused by this publish: a worker may still meet their routes
        EndpointPart nextEndpoints = endpointsSame ? endpoints
                : EndpointPart.build(next.endpoints(), nextPorts, endpoints == null ? Map.of() : endpoints.slotByName, leavingSlots(next));
        Ipv6Forwarding nextV6 = next.ipv6() == null ? null
                : endpointsSame && v6 != null && next.ipv6().equals(state.ipv6()) ? v6
                : new Ipv6Forwarding(next, nextPorts, nextEndpoints);
        if (fib == null || mustRebuild(next, nextEndpoints)) return rebuild(next, nextPorts, nextEndpoints, nextV6);
        try {
            Plan plan = incremental(next, nextPorts, nextEndpoints, nextV6);
            return plan != null ? plan : rebuild(next, nextPorts, nextEndpoints, nextV6);
        } catch (HopTable.Full full) {
            return rebuild(next, nextPorts, nextEndpoints, nextV6);
        }
    }

    /** The node, pools or an endpoint's port changed: every hop may differ. Also compacts a table mostly of dead hops. */
    private boolean mustRebuild(DataplaneState next, EndpointPart nextEndpoints) {
        if (!next.node().equals(fib.node) || !next.pools().equals(fib.pools)) return true;
        for (Endpoint ep : next.endpoints()) {
            Integer old = endpoints.slot(ep.name());
            if (old != null && !endpoints.endpoints[old].port().equals(ep.port())) return true;
        }
        return fib.hops.count > 1024 && fib.hops.unused() * 2 > fib.hops.count;
    }

    private Plan rebuild(DataplaneState next, PortTable nextPorts, EndpointPart nextEndpoints, Ipv6Forwarding nextV6) {
        List<Route> routes = next.routes();
        HopTable hops = new HopTable(Math.max(64, nextEndpoints.endpoints.length + 64), 64);
        Ipv4Fib f = new Ipv4Fib(hops, next.node(), next.pools());
        for (Route r : routes) { // a later route with the same prefix replaces an earlier one
            Ipv4Fib.Entry e = f.byKey.get(Ipv4Fib.key(r));
            if (e == null) f.byKey.put(Ipv4Fib.key(r), new Ipv4Fib.Entry(r, -1));
            else e.route = r;
        }
        for (Ipv4Fib.Entry e : f.byKey.values()) e.hop = f.resolve(e.route, nextPorts, nextEndpoints);
        // room to grow in place: hops appended by later publishes are read by workers on older snapshots
        hops.reserve(Math.max(1024, hops.count * 2), Math.max(64, hops.memberCount * 2));
        f.table = new Ipv4RouteTable(hops.capacity());
        for (Ipv4Fib.Entry e : f.byKey.values()) {
            f.table.insert(e.route.prefix(), e.route.length(), e.hop);
            hops.ref(e.hop, 1);
            f.countEndpoint(e.route, 1);
        }
        f.routes = routes;
        f.duplicateFree = f.byKey.size() == routes.size();
        return new Plan(next, nextPorts, nextEndpoints, null, f, true, List.of(), List.of(), new int[0], nextV6);
    }

    /** The route changes against the published table, validated and resolved; null when a rebuild is due. */
    private Plan incremental(DataplaneState next, PortTable nextPorts, EndpointPart nextEndpoints, Ipv6Forwarding nextV6) {
        RouteDiff diff = RouteDiff.of(fib, next.routes());
        if (diff == null) return null;
        int limit = Math.max(1024, fib.byKey.size() / REBUILD_DIVISOR);
        if (diff.removed().size() + diff.upserts().size() > limit) return null;
        int[] hopsOf = new int[diff.upserts().size()];
        LongHashSet peers = new LongHashSet();
        for (int h = 0; h < fib.hops.count; h++) if (fib.hops.refs[h] > 0 && fib.hops.tunnel[h] != 0) peers.add(fib.hops.tunnel[h]);
        for (int i = 0; i < hopsOf.length; i++) {
            Route r = diff.upserts().get(i);
            hopsOf[i] = fib.resolve(r, nextPorts, nextEndpoints);
            addPeers(hopsOf[i], peers);
        }
        // a gateway route to a tunnel peer changes the underlay of every hop tunnelling there
        for (Route r : diff.upserts()) if (coversPeer(r, peers)) return null;
        for (long key : diff.removed()) if (coversPeer(fib.byKey.get(key).route, peers)) return null;
        for (int i = 0; i < diff.upserts().size(); i++) {
            Ipv4Fib.Entry old = fib.byKey.get(Ipv4Fib.key(diff.upserts().get(i)));
            if (old != null && coversPeer(old.route, peers)) return null;
        }
        refuseDanglingEndpoints(diff, nextEndpoints);
        // a route to a new endpoint must not reach a worker whose snapshot lacks it: first a bridge
        // snapshot with the new endpoints (and those leaving, whose routes go only as the table moves)
        EndpointPart bridge = null;
        if (nextEndpoints != endpoints && (!diff.removed().isEmpty() || !diff.upserts().isEmpty()) && arrives(nextEndpoints)) {
            List<Endpoint> leaving = new ArrayList<>();
            for (var e : endpoints.slotByName.entrySet()) if (nextEndpoints.slot(e.getKey()) == null) leaving.add(endpoints.endpoints[e.getValue()]);
            bridge = leaving.isEmpty() ? nextEndpoints : EndpointPart.union(nextEndpoints, endpoints, leaving, nextPorts);
        }
        return new Plan(next, nextPorts, nextEndpoints, bridge, fib, false, diff.removed(), diff.upserts(), hopsOf, nextV6);
    }

    /** The slots of published endpoints that {@code next} drops. */
    private Map<String, Integer> leavingSlots(DataplaneState next) {
        if (endpoints == null) return Map.of();
        java.util.Set<String> staying = new java.util.HashSet<>();
        for (Endpoint ep : next.endpoints()) staying.add(ep.name());
        Map<String, Integer> out = new java.util.HashMap<>();
        for (var e : endpoints.slotByName.entrySet()) if (!staying.contains(e.getKey())) out.put(e.getKey(), e.getValue());
        return out;
    }

    /** True when {@code next} has an endpoint the published state has not. */
    private boolean arrives(EndpointPart next) {
        for (String name : next.slotByName.keySet()) if (endpoints.slot(name) == null) return true;
        return false;
    }

    private void addPeers(int hop, LongHashSet peers) {
        HopTable h = fib.hops;
        if (h.tunnel[hop] != 0) peers.add(h.tunnel[hop]);
        if (h.kind[hop] == ForwardingSnapshot.NH_ECMP) {
            for (int k = 0; k < h.ecmpCount[hop]; k++) {
                int m = h.members[h.ecmpFirst[hop] + k];
                if (h.tunnel[m] != 0) peers.add(h.tunnel[m]);
            }
        }
    }

    private boolean coversPeer(Route r, LongHashSet peers) {
        if (!fib.underlayCandidate(r)) return false;
        for (LongHashSet.LongIterator it = peers.iterator(); it.hasNext(); ) if (r.contains((int) it.nextValue())) return true;
        return false;
    }

    /** A route left unchanged may still name an endpoint the new state drops: refused, naming the route. */
    private void refuseDanglingEndpoints(RouteDiff diff, EndpointPart nextEndpoints) {
        Map<String, Integer> delta = new java.util.HashMap<>();
        for (long key : diff.removed()) count(delta, fib.byKey.get(key).route, -1);
        for (Route r : diff.upserts()) {
            Ipv4Fib.Entry old = fib.byKey.get(Ipv4Fib.key(r));
            if (old != null) count(delta, old.route, -1);
            count(delta, r, 1);
        }
        for (var e : fib.endpointRefs.entrySet()) {
            if (nextEndpoints.slot(e.getKey()) != null) continue;
            if (e.getValue() + delta.getOrDefault(e.getKey(), 0) > 0) {
                Route user = null;
                for (Ipv4Fib.Entry en : fib.byKey.values()) if (en.route.nextHop() instanceof NextHop.ToEndpoint te && te.endpoint().equals(e.getKey())) user = en.route;
                throw new IllegalArgumentException((user == null ? "a route" : Ipv4Fib.where(user)) + ": no endpoint named '" + e.getKey() + "'");
            }
        }
    }

    private static void count(Map<String, Integer> delta, Route r, int d) {
        if (r.nextHop() instanceof NextHop.ToEndpoint te) delta.merge(te.endpoint(), d, Integer::sum);
    }

    /** The state published last (null before the first). */
    public DataplaneState state() { return state; }

    /**
     * The published state's use of port {@code name} (an endpoint, route or neighbour), described
     * for an error, or null when it uses it not at all. A scan of the state: for port removal.
     */
    public String usesPort(String name) {
        if (state == null) return null;
        for (Endpoint ep : state.endpoints()) if (ep.port().equals(name)) return "endpoint " + ep.name();
        for (Neighbour nb : state.neighbours()) if (nb.port().equals(name)) return "neighbour " + ocelot.fastpath.packet.Ipv4.format(nb.address());
        for (Route r : state.routes()) if (PortUse.uses(r.nextHop(), name)) return Ipv4Fib.where(r);
        if (state.ipv6() != null) {
            for (Route6 r : state.ipv6().routes()) if (PortUse.uses(r.nextHop(), name)) return "route " + r.prefix() + "/" + r.length();
            for (Neighbour6 nb : state.ipv6().neighbours()) if (nb.port().equals(name)) return "neighbour " + nb.address();
        }
        return null;
    }

    /** The published state over a changed port set (a port added, or one no state uses removed). */
    public ForwardingSnapshot withPorts(long generation, PortTable nextPorts) {
        Plan plan = prepare(state, nextPorts);
        return plan.apply(generation);
    }

    /** A one-off full compile (tests, benchmarks): no table is shared with anything. */
    public static ForwardingSnapshot compileOnce(long generation, DataplaneState state, PortTable ports) {
        return new SnapshotCompiler().prepare(state, ports).apply(generation);
    }
}
