package ocelot.control.node;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import ocelot.bgp.rib.FibSink;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.Prefix;
import ocelot.lpm.Ipv4RouteTable;
import ocelot.lpm.Ipv6RouteTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's FIB for learned BGP routes: the longest-prefix-match tables the fastpath forwards
 * with (lpm's {@link Ipv4RouteTable} and {@link Ipv6RouteTable}), whose next-hop indexes point
 * into this table's next-hop list (one entry per distinct next hop, reference counted; with BGP
 * multipath an entry is an equal-cost group, its addresses in order, so routes with the same
 * set share one entry).
 * The speaker writes it from its RIB thread through {@link FibSink} (IPv4 as primitives, no Prefix
 * per route); writers are serialized, and {@link #lookup} / {@link #nextHopAddress} read without
 * locks, as lpm's tables allow one writer and any number of readers.
 *
 * <p>Logging: each route at debug; at info a count of changes once a second while they come
 * and at every End-of-RIB ({@link FibChangeCounts}).
 */
public final class LearnedRouteTable implements FibSink {
    private static final Logger LOG = LoggerFactory.getLogger(LearnedRouteTable.class);
    /** Distinct next hops: the node's BGP peers and the nodes they reflect. */
    static final int MAX_NEXT_HOPS = 1 << 16;

    private final String node;
    private final Ipv4RouteTable v4 = new Ipv4RouteTable(MAX_NEXT_HOPS);
    private final Ipv6RouteTable v6 = new Ipv6RouteTable(MAX_NEXT_HOPS);
    private final Map<List<InetAddress>, Integer> indexOf = new HashMap<>();
    /** Each entry's next hops: one address, or an equal-cost group of several. */
    private volatile List<InetAddress>[] addresses = newEntries(16);
    private int[] references = new int[16];
    private final List<Integer> freeIndexes = new ArrayList<>();
    private int used;
    private final FibChangeCounts changes;
    /** Told of every change; set once by the dataplane driver (see {@link #subscribe}). */
    private volatile ChangeListener listener;

    /**
     * Told of each route installed or replaced ({@code nextHop} set) or withdrawn ({@code nextHop}
     * null), on the writer's thread while the table is locked: it must only record the change.
     */
    public interface ChangeListener {
        /** {@code nextHops}: one address, an equal-cost group (multipath), or null when withdrawn. */
        void changed(Prefix prefix, List<InetAddress> nextHops);
    }

    @SuppressWarnings("unchecked")
    private static List<InetAddress>[] newEntries(int n) {
        return (List<InetAddress>[]) new List<?>[n];
    }

    public LearnedRouteTable(String node) {
        this(node, System::nanoTime);
    }

    LearnedRouteTable(String node, LongSupplier nanoTime) {
        this.node = node;
        this.changes = new FibChangeCounts(nanoTime);
    }

    @Override
    public void install(Prefix prefix, InetAddress nextHop) {
        installMultipath(prefix, List.of(nextHop));
    }

    @Override
    public void installMultipath(Prefix prefix, List<InetAddress> nextHops) {
        if (prefix.family() == AddressFamily.IPV4_UNICAST) {
            installIpv4Multipath((int) prefix.low(), prefix.length(), nextHops);
            return;
        }
        List<InetAddress> group = List.copyOf(nextHops);
        synchronized (this) {
            int old = v6.get(prefix.high(), prefix.low(), prefix.length());
            int index = reference(group);
            v6.insert(prefix.high(), prefix.low(), prefix.length(), index);
            if (old >= 0) release(old);
            // The same next hops again (multipath re-installs when a non-best path changes): no change to tell.
            if (old == index) return;
            installed(old, prefix, group);
            tell(prefix, group);
        }
    }

    @Override
    public void installIpv4(int address, int length, InetAddress nextHop) {
        installIpv4Multipath(address, length, List.of(nextHop));
    }

    @Override
    public synchronized void installIpv4Multipath(int address, int length, List<InetAddress> nextHops) {
        List<InetAddress> group = nextHops.size() == 1 ? List.of(nextHops.getFirst()) : List.copyOf(nextHops);
        int old = v4.get(address, length);
        int index = reference(group);
        v4.insert(address, length, index);
        if (old >= 0) release(old);
        if (old == index) return;
        installed(old, LOG.isDebugEnabled() ? Prefix.ipv4(address, length) : null, group);
        if (listener != null) tell(Prefix.ipv4(address, length), group);
    }

    private void tell(Prefix prefix, List<InetAddress> nextHops) {
        ChangeListener l = listener;
        if (l != null) l.changed(prefix, nextHops);
    }

    /**
     * Registers the one listener of this table and returns the routes it holds at that moment;
     * every later change reaches the listener, none is missed or counted twice (both happen
     * under the table's lock).
     */
    public synchronized SortedMap<Prefix, List<InetAddress>> subscribe(ChangeListener changes) {
        listener = changes;
        return multipathSnapshot();
    }

    private void installed(int old, Prefix prefix, List<InetAddress> nextHops) {
        if (old < 0) changes.added();
        else changes.replaced();
        if (prefix != null && LOG.isDebugEnabled()) {
            LOG.debug("{}: route {} via {}", node, prefix, String.join(", ", nextHops.stream().map(InetAddress::getHostAddress).toList()));
        }
        logSummary(changes.dueSummary(size()));
    }

    private void withdrawn(Prefix prefix) {
        changes.withdrawn();
        if (prefix != null && LOG.isDebugEnabled()) LOG.debug("{}: route {} withdrawn", node, prefix);
        logSummary(changes.dueSummary(size()));
    }

    private void logSummary(String summary) {
        if (summary != null) LOG.info("{}: FIB: {}", node, summary);
    }

    /** A peer's End-of-RIB: the changes its table brought, at info. */
    @Override
    public synchronized void endOfRib() {
        logSummary(changes.summary(size()));
    }

    /** The changes counted since the last summary, and a new count (null if none); for tests. */
    synchronized String takeSummary() {
        return changes.summary(size());
    }

    @Override
    public void remove(Prefix prefix) {
        if (prefix.family() == AddressFamily.IPV4_UNICAST) {
            removeIpv4((int) prefix.low(), prefix.length());
            return;
        }
        synchronized (this) {
            int old = v6.get(prefix.high(), prefix.low(), prefix.length());
            if (old < 0) return;
            v6.delete(prefix.high(), prefix.low(), prefix.length());
            release(old);
            withdrawn(prefix);
            tell(prefix, null);
        }
    }

    @Override
    public synchronized void removeIpv4(int address, int length) {
        int old = v4.get(address, length);
        if (old < 0) return;
        v4.delete(address, length);
        release(old);
        withdrawn(LOG.isDebugEnabled() ? Prefix.ipv4(address, length) : null);
        if (listener != null) tell(Prefix.ipv4(address, length), null);
    }

    private int reference(List<InetAddress> nextHop) {
        Integer i = indexOf.get(nextHop);
        if (i == null) {
            if (!freeIndexes.isEmpty()) {
                i = freeIndexes.removeLast();
            } else {
                if (used == MAX_NEXT_HOPS) throw new IllegalStateException(node + ": more than " + MAX_NEXT_HOPS + " distinct next hops");
                i = used++;
            }
            if (i >= addresses.length) {
                references = java.util.Arrays.copyOf(references, addresses.length * 2);
                addresses = java.util.Arrays.copyOf(addresses, addresses.length * 2); // published whole (volatile)
            }
            List<InetAddress>[] a = addresses;
            a[i] = nextHop;
            addresses = a; // volatile write: a reader that sees the index sees the address
            indexOf.put(nextHop, i);
        }
        references[i]++;
        return i;
    }

    private void release(int index) {
        if (--references[index] == 0) {
            indexOf.remove(addresses[index]);
            freeIndexes.add(index);
        }
    }

    /** Removes every route (the speaker that learned them was replaced). */
    synchronized void clear() {
        for (Prefix p : snapshot().keySet()) remove(p);
    }

    /** The dataplane's question: the next-hop index for {@code address} (longest match), or -1. */
    public int lookup(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 4) return v4.lookup(IpAddresses.toInt(b));
        return v6.lookup(IpAddresses.toLong(b, 0), IpAddresses.toLong(b, 8));
    }

    /** The entry's next hop; of an equal-cost group, the first (lowest) address. */
    public InetAddress nextHopAddress(int index) {
        return index < 0 ? null : addresses[index].getFirst();
    }

    /** The entry's next hops: one, or an equal-cost group (empty for -1). */
    public List<InetAddress> nextHopAddresses(int index) {
        return index < 0 ? List.of() : addresses[index];
    }

    /** The next hop installed for exactly {@code prefix} (of a group, the first), or null. */
    public synchronized InetAddress nextHop(Prefix prefix) {
        return nextHopAddress(index(prefix));
    }

    /** Every next hop installed for exactly {@code prefix}: one, an equal-cost group, or none. */
    public synchronized List<InetAddress> nextHops(Prefix prefix) {
        return nextHopAddresses(index(prefix));
    }

    private int index(Prefix prefix) {
        return prefix.family() == AddressFamily.IPV4_UNICAST ? v4.get((int) prefix.low(), prefix.length())
                : v6.get(prefix.high(), prefix.low(), prefix.length());
    }

    public synchronized int size() {
        return v4.size() + v6.size();
    }

    /** A sorted copy, prefix -> next hop (of an equal-cost group, the first). */
    public synchronized SortedMap<Prefix, InetAddress> snapshot() {
        SortedMap<Prefix, InetAddress> out = new TreeMap<>();
        multipathSnapshot().forEach((p, hops) -> out.put(p, hops.getFirst()));
        return out;
    }

    /** A sorted copy, prefix -> every next hop (one, or an equal-cost group). */
    public synchronized SortedMap<Prefix, List<InetAddress>> multipathSnapshot() {
        SortedMap<Prefix, List<InetAddress>> out = new TreeMap<>();
        List<InetAddress>[] a = addresses;
        v4.forEach((prefix, length, nh) -> out.put(Prefix.ipv4(prefix, length), a[nh]));
        v6.forEach((hi, lo, length, nh) -> out.put(Prefix.ipv6(hi, lo, length), a[nh]));
        return out;
    }
}
