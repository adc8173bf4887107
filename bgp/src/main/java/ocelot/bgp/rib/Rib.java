package ocelot.bgp.rib;

import io.netty.buffer.ByteBufAllocator;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.BgpMessage;
import ocelot.bgp.wire.PathAttributes;
import ocelot.bgp.wire.Prefix;
import ocelot.bgp.wire.PrefixList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adj-RIB-In (the per-peer paths inside each {@link Destination}), the Loc-RIB with the RFC 4271
 * §9.1 decision process, and the Adj-RIBs-Out of the {@link UpdateGroup}s. Single-threaded:
 * the speaker calls it on its event loop. Changes accumulate until {@link #flush()}, which the
 * speaker calls at the end of each read batch, so one burst of UPDATEs becomes packed UPDATEs.
 */
public final class Rib {
    private static final Logger LOG = LoggerFactory.getLogger(Rib.class);

    private final RibConfig config;
    private final FibSink fib;
    private final RouteExport export;
    private final ByteBufAllocator alloc;
    private final RibPeer local;
    private final DestinationTable table = new DestinationTable();
    /** One attribute object per distinct set, shared by every path that carries it (BIRD's rta cache). */
    private final AttributeCache attributeCache = new AttributeCache();
    private static final PathAttributes LOCAL_ATTRIBUTES =
            PathAttributes.builder().origin(PathAttributes.ORIGIN_IGP).asPath(ocelot.bgp.wire.AsPath.EMPTY).build();
    private final Map<UpdateGroup.Key, UpdateGroup> groups = new HashMap<>();
    private final List<UpdateGroup> groupList = new ArrayList<>();
    /** Destinations whose best path changed since the last flush, each once (its dirty flag). */
    private final ArrayList<Destination> dirty = new ArrayList<>();
    private final java.util.BitSet usedSlots = new java.util.BitSet();
    private long refusedPaths;
    /**
     * How many equal-cost paths a prefix may forward over (BIRD's {@code merge paths}, FRR's
     * {@code maximum-paths}); 1: the best path only, Calico's default.
     */
    private int maxPaths = 1;
    /** Next hops known to be down (their BFD session went Down): paths through them are not usable. */
    private final java.util.Set<InetAddress> unreachable = new java.util.HashSet<>();

    public Rib(RibConfig config, FibSink fib, ByteBufAllocator alloc) {
        this.config = config;
        this.fib = fib;
        this.alloc = alloc;
        this.export = new RouteExport(config);
        this.local = RibPeer.local(config.localAs(), config.routerId());
    }

    public RibConfig config() {
        return config;
    }

    /** A peer reached Established: it joins its update group and receives the group's table. */
    public void peerUp(RibPeer peer, List<AddressFamily> families) {
        UpdateGroup.Key key = new UpdateGroup.Key(peer.internal, peer.routeReflectorClient,
                peer.internal ? 0 : peer.asNumber, peer.nextHopSelf,
                peer.internal && !peer.nextHopSelf ? null : peer.localAddress, null, peer.fourOctetAs);
        flush();
        UpdateGroup g = groups.get(key);
        if (g == null) {
            int slot = usedSlots.nextClearBit(0);
            usedSlots.set(slot);
            g = new UpdateGroup(key, slot, export, alloc);
            groups.put(key, g);
            groupList.add(g);
            g.flush(table); // no members yet: records the group's Adj-RIB-Out only
        }
        g.dumpTo(peer, table, families);
        g.members.add(peer);
        peer.group = g;
    }

    /** The peer left Established: all its paths go, or (graceful) all stay stale. */
    public void peerDown(RibPeer peer, boolean graceful) {
        peerDown(peer, graceful ? java.util.EnumSet.allOf(AddressFamily.class) : java.util.EnumSet.noneOf(AddressFamily.class));
    }

    /**
     * The peer left Established. Its paths in {@code keepStale} (RFC 4724 §4.2: the families its
     * graceful-restart capability listed) stay, marked stale, until {@link #sweepStale} after
     * End-of-RIB or the restart timer; the others go now.
     */
    public void peerDown(RibPeer peer, java.util.Set<AddressFamily> keepStale) {
        UpdateGroup g = peer.group;
        if (g != null) {
            g.members.remove(peer);
            peer.group = null;
            if (g.members.isEmpty()) {
                groups.remove(g.key);
                groupList.remove(g);
                for (Destination d : table) d.advertise(g.slot, null);
                for (Destination d : dirty) d.advertise(g.slot, null);
                usedSlots.clear(g.slot);
            }
        }
        for (Destination d : table.snapshot()) {
            Path p = d.pathFrom(peer);
            if (p == null) continue;
            if (keepStale.contains(d.family())) {
                Path stale = p.asStale();
                peer.mayHaveStale = true;
                if (stale == p) continue;
                boolean wasBest = d.best == p;
                d.put(stale);
                // The same route, now stale, staying best is no change to export or install.
                if (d.select(unreachable) && !(wasBest && d.best == stale)) bestChanged(d);
                else if (maxPaths > 1) installFib(d); // a stale path no longer shares a fresh one's forwarding
            } else {
                d.remove(peer);
                reselect(d);
                if (d.pathCount() == 0) table.remove(d);
            }
        }
    }

    /** Removes every stale path of {@code peer} (RFC 4724 §4.2: End-of-RIB received or restart timer expired). */
    public int sweepStale(RibPeer peer) {
        return sweepStale(peer, java.util.EnumSet.allOf(AddressFamily.class));
    }

    /** Removes the stale paths of {@code peer} in {@code families} only (RFC 4724 §4.2, F bit per family). */
    public int sweepStale(RibPeer peer, java.util.Set<AddressFamily> families) {
        if (!peer.mayHaveStale || families.isEmpty()) return 0;
        if (families.size() == AddressFamily.values().length) peer.mayHaveStale = false;
        int removed = 0;
        for (Destination d : table.snapshot()) {
            if (!families.contains(d.family())) continue;
            Path p = d.pathFrom(peer);
            if (p != null && p.stale) {
                d.remove(peer);
                removed++;
                reselect(d);
                if (d.pathCount() == 0) table.remove(d);
            }
        }
        return removed;
    }

    /** Moves the stale paths of a restarting peer's old incarnation to its new {@link RibPeer}. */
    public void adoptStale(RibPeer from, RibPeer to) {
        for (Destination d : table) {
            Path p = d.pathFrom(from);
            if (p != null) {
                d.remove(from);
                Path n = to.paths.path(to, p.attributes, p.nextHop).asStale();
                to.mayHaveStale = true;
                d.put(n);
                d.select(unreachable);
            }
        }
    }

    /** Applies one (already RFC 7606-checked) UPDATE from {@code from}. */
    public void update(RibPeer from, BgpMessage.Update u) {
        withdrawAll(from, u.withdrawn());
        PathAttributes a = u.attributes();
        if (a == null || (u.nlri().isEmpty() && u.mpNlri().isEmpty())) return;
        String refusal = export.importRefusal(from, a);
        if (refusal != null) {
            refusedPaths += u.nlri().size() + u.mpNlri().size();
            LOG.debug("peer {}: {} prefixes refused: {}", from, u.nlri().size() + u.mpNlri().size(), refusal);
            for (Prefix p : u.nlri()) withdraw(from, p);
            for (Prefix p : u.mpNlri()) withdraw(from, p);
            return;
        }
        a = attributeCache.intern(a);
        if (!u.nlri().isEmpty()) addAll(u.nlri(), from.paths.path(from, a, a.nextHop()));
        if (!u.mpNlri().isEmpty()) addAll(u.mpNlri(), from.paths.path(from, a, a.mpNextHop()));
    }

    private void addAll(List<Prefix> nlri, Path path) {
        if (nlri instanceof PrefixList l) {
            // Decoded NLRI: straight from the primitive columns, no Prefix per route.
            boolean v6 = l.family() == AddressFamily.IPV6_UNICAST;
            for (int i = 0, n = l.size(); i < n; i++) add(table.getOrAdd(v6, l.high(i), l.low(i), l.length(i)), path);
        } else {
            for (Prefix p : nlri) add(table.getOrAdd(p), path);
        }
    }

    /**
     * A re-announcement with the same attributes and next hop is the same shared path: no change,
     * nothing exported (as BIRD ignores an identical rte); one that replaces a stale path is a
     * different object, so it propagates and ends the staleness.
     */
    private void add(Destination d, Path path) {
        d.put(path);
        reselect(d);
    }

    /** After a destination's paths changed: a new best is exported and installed; with multipath, the equal-cost set is re-installed. */
    private void reselect(Destination d) {
        if (d.select(unreachable)) bestChanged(d);
        else if (maxPaths > 1 && d.best != null) installFib(d);
    }

    private void withdrawAll(RibPeer from, List<Prefix> prefixes) {
        if (prefixes instanceof PrefixList l) {
            // Decoded Withdrawn Routes: looked up from the primitive columns, no Prefix per route.
            boolean v6 = l.family() == AddressFamily.IPV6_UNICAST;
            for (int i = 0, n = l.size(); i < n; i++) withdraw(from, table.get(v6, l.high(i), l.low(i), l.length(i)));
        } else {
            for (Prefix p : prefixes) withdraw(from, p);
        }
    }

    private void withdraw(RibPeer from, Prefix prefix) {
        withdraw(from, table.get(prefix));
    }

    private void withdraw(RibPeer from, Destination d) {
        if (d == null || d.remove(from) == null) return;
        reselect(d);
        if (d.pathCount() == 0) table.remove(d);
    }

    /** Originates a route (Calico: an endpoint /32 or an affine IPAM block), ORIGIN IGP. */
    public void announceLocal(Prefix prefix) {
        announceLocal(prefix, null);
    }

    /**
     * Originates a route carrying {@code extendedCommunities} (RFC 4360 values as
     * {@link ocelot.bgp.wire.ExtendedCommunity} encodes them; null or empty: none). Announcing a
     * prefix again with other communities replaces the route and re-advertises it; the same ones
     * change nothing (one shared path per attribute set).
     */
    public void announceLocal(Prefix prefix, long[] extendedCommunities) {
        PathAttributes a = extendedCommunities == null || extendedCommunities.length == 0 ? LOCAL_ATTRIBUTES
                : attributeCache.intern(LOCAL_ATTRIBUTES.toBuilder().extendedCommunities(extendedCommunities).build());
        add(table.getOrAdd(prefix), local.paths.path(local, a, null));
    }

    public void withdrawLocal(Prefix prefix) {
        withdraw(local, prefix);
    }

    private void bestChanged(Destination d) {
        installFib(d);
        if (!d.dirty) {
            d.dirty = true;
            dirty.add(d);
        }
    }

    /** The FIB's view of a destination: its best path's next hop, or (multipath) every equal-cost one. */
    private void installFib(Destination d) {
        Path best = d.best;
        if (best == null || best.source.isLocal()) {
            if (d.v6) fib.remove(d.prefix());
            else fib.removeIpv4((int) d.low, d.prefixLength());
            return;
        }
        if (maxPaths > 1 && d.pathCount() > 1) {
            List<InetAddress> hops = multipathNextHops(d, best);
            if (hops.size() > 1) {
                if (d.v6) fib.installMultipath(d.prefix(), hops);
                else fib.installIpv4Multipath((int) d.low, d.prefixLength(), hops);
                return;
            }
        }
        if (d.v6) fib.install(d.prefix(), best.nextHop);
        else fib.installIpv4((int) d.low, d.prefixLength(), best.nextHop);
    }

    /**
     * The best path's next hop and those of the usable paths equal to it up to the tie-breakers
     * ({@link DecisionProcess#multipathEqual}), distinct, at most {@link #maxPaths}, in address
     * order (the same set always gives the same list: the fastpath keys its buckets by member).
     * Which equal paths make the cut when there are more than maxPaths: the best, then the
     * decision process's order (deterministic, not arrival order).
     */
    private List<InetAddress> multipathNextHops(Destination d, Path best) {
        List<Path> equal = new ArrayList<>();
        for (int i = 0, n = d.pathCount(); i < n; i++) {
            Path p = d.path(i);
            if (p == best || p.nextHop == null || unreachable.contains(p.nextHop) || !DecisionProcess.multipathEqual(best, p)) continue;
            equal.add(p);
        }
        BestPathReason[] why = new BestPathReason[1];
        equal.sort((a, b) -> DecisionProcess.compare(a, b, why));
        List<InetAddress> hops = new ArrayList<>(Math.min(maxPaths, equal.size() + 1));
        hops.add(best.nextHop);
        for (Path p : equal) {
            if (hops.size() == maxPaths) break;
            if (!hops.contains(p.nextHop)) hops.add(p.nextHop);
        }
        hops.sort((a, b) -> java.util.Arrays.compareUnsigned(a.getAddress(), b.getAddress()));
        return hops;
    }

    /**
     * Sets how many equal-cost paths a prefix forwards over (1..64; 1 is the best path only) and
     * re-installs every prefix with more than one path.
     */
    public void setMaxPaths(int n) {
        if (n < 1 || n > 64) throw new IllegalArgumentException("maximum paths " + n + " not in 1..64");
        if (n == maxPaths) return;
        maxPaths = n;
        for (Destination d : table) if (d.pathCount() > 1 && d.best != null) installFib(d);
    }

    public int maxPaths() {
        return maxPaths;
    }

    /**
     * Next-hop tracking: {@code nextHop} became unreachable (its neighbour's BFD session went Down)
     * or reachable again. Every path through it, from whichever peer (a reflector's routes too),
     * leaves or rejoins the decision process and the equal-cost sets at once; the changed best
     * paths are exported at the next {@link #flush()}. Returns how many destinations were looked at.
     */
    public int nextHopReachable(InetAddress nextHop, boolean reachable) {
        if (reachable ? !unreachable.remove(nextHop) : !unreachable.add(nextHop)) return 0;
        int affected = 0;
        for (Destination d : table) {
            boolean via = false;
            for (int i = 0, n = d.pathCount(); i < n && !via; i++) via = nextHop.equals(d.path(i).nextHop);
            if (!via) continue;
            affected++;
            if (d.select(unreachable)) bestChanged(d);
            else if (d.best != null) installFib(d);
        }
        return affected;
    }

    /** Next hops currently held unreachable (tests, status). */
    public java.util.Set<InetAddress> unreachableNextHops() {
        return java.util.Set.copyOf(unreachable);
    }

    /** The next hops a prefix is installed with: one, several (multipath), or none. */
    public List<InetAddress> installedNextHops(Prefix p) {
        Destination d = table.get(p);
        if (d == null || d.best == null || d.best.source.isLocal()) return List.of();
        if (maxPaths > 1 && d.pathCount() > 1) return multipathNextHops(d, d.best);
        return List.of(d.best.nextHop);
    }

    /** Re-sends the whole Adj-RIB-Out to one peer (RFC 2918 ROUTE-REFRESH). */
    public void refresh(RibPeer peer, AddressFamily family) {
        if (peer.group == null) return;
        flush();
        peer.group.dumpTo(peer, table, List.of(family));
    }

    /** Encodes and writes every pending change. */
    public void flush() {
        if (dirty.isEmpty()) return;
        for (UpdateGroup g : groupList) g.flush(dirty);
        for (Destination d : dirty) d.dirty = false;
        dirty.clear();
    }

    // ---- queries (tests, status) -------------------------------------------------------------

    public int size() {
        return table.size();
    }

    public Path best(Prefix p) {
        Destination d = table.get(p);
        return d == null ? null : d.best;
    }

    public BestPathReason bestReason(Prefix p) {
        Destination d = table.get(p);
        return d == null ? null : d.reason();
    }

    public List<Path> paths(Prefix p) {
        Destination d = table.get(p);
        return d == null ? List.of() : d.pathList();
    }

    public int routesFrom(RibPeer peer) {
        int n = 0;
        for (Destination d : table) if (d.pathFrom(peer) != null) n++;
        return n;
    }

    public int updateGroupCount() {
        return groupList.size();
    }

    /** Members of the largest update group: how many sockets one flush may write the same bytes to. */
    public int widestUpdateGroup() {
        int n = 0;
        for (UpdateGroup g : groupList) n = Math.max(n, g.members.size());
        return n;
    }

    public long refusedPaths() {
        return refusedPaths;
    }
}
