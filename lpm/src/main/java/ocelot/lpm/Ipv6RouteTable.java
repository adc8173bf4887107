package ocelot.lpm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * IPv6 longest-prefix match: a multibit trie with controlled prefix expansion (Srinivasan and
 * Varghese, "Fast Address Lookups Using Controlled Prefix Expansion", ACM TOCS 1999): a root of
 * 2^16 entries (256 KiB, like {@link Ipv4RouteTable}'s) for the first 16 bits, then 14 levels of
 * 256-entry nodes, one per further address byte: 15 dependent loads at most (rte_lpm6: a 24-bit
 * first table, then 8-bit ones, 14). A lookup walks until it meets a route entry.
 *
 * <p>Entries are ints, as in {@link Ipv4RouteTable}: bit 31 = child pointer (bits 0..30 = the
 * child's first entry); otherwise bits 23..30 = depth 0..128 and bits 0..22 = next hop + 1.
 * Each entry carries its rule's depth, so insert rewrites only entries of shorter rules and
 * delete only entries of the deleted rule's depth.
 *
 * <p>Concurrency: one writer, lock-free readers that never allocate. Nodes are filled before a
 * release store publishes them. Nodes are recycled, so each carries a seqlock word
 * (generation, odd while being refilled, << 32 | level) and the prefix it serves; a reader
 * checks level and prefix, reads the entry, checks the word again, and restarts from the root
 * if anything changed (see {@link Ipv4RouteTable}).
 */
public final class Ipv6RouteTable implements Ipv6Routes {
    public static final int NO_ROUTE = -1;
    /** Next hops are stored +1 in 23 bits. */
    public static final int MAX_NEXT_HOPS = (1 << 23) - 1;
    static final int MAX_NODES = (1 << 23) - 1;

    private static final int CHILD_FLAG = 0x8000_0000;
    private static final int NEXT_HOP_MASK = 0x7F_FFFF;
    private static final int DEPTH_SHIFT = 23;
    /** The root (16 bits) and 14 levels of 8 bits. */
    private static final int LEVELS = 15;
    /** The root takes the first 256 node slots (2^16 entries). */
    private static final int ROOT_NODES = 256;
    private static final int INITIAL_NODES = 2 * ROOT_NODES;
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle NODES;
    private static final VarHandle RECYCLES;

    static {
        try {
            NODES = MethodHandles.lookup().findVarHandle(Ipv6RouteTable.class, "nodes", Nodes.class);
            RECYCLES = MethodHandles.lookup().findVarHandle(Ipv6RouteTable.class, "recycles", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Nodes {
        final int[] entries;
        /** Per node: generation << 32 | level; the generation is odd while the node is refilled. */
        final long[] seq;
        /** Per node: the prefix it serves (the address bits above its level). */
        final long[] prefixHi;
        final long[] prefixLo;

        Nodes(int capacity) {
            entries = new int[capacity << 8];
            seq = new long[capacity];
            prefixHi = new long[capacity];
            prefixLo = new long[capacity];
        }

        Nodes(Nodes from, int capacity) {
            entries = Arrays.copyOf(from.entries, capacity << 8);
            seq = Arrays.copyOf(from.seq, capacity);
            prefixHi = Arrays.copyOf(from.prefixHi, capacity);
            prefixLo = Arrays.copyOf(from.prefixLo, capacity);
        }

        int capacity() {
            return seq.length;
        }
    }

    private static final long ODD = 1L << 32;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    static long hiMask(int length) {
        return length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
    }

    static long loMask(int length) {
        return length <= 64 ? 0 : -1L << (128 - length);
    }

    private final int maxNextHops;
    private Nodes nodes = new Nodes(INITIAL_NODES); // node 0 is the root; replaced via NODES.setRelease
    /** Table-wide seqlock for bursts: odd while a reused node is refilled, +2 per reuse. */
    private long recycles; // written only through RECYCLES

    // Writer-only state.
    private final Ipv6PrefixMap rules = new Ipv6PrefixMap();
    private final int[] rulesPerLength = new int[129];
    /** Per node at level k: rules longer than 8(k + 1) bits under it; the node is freed at 0. */
    private int[] longRoutes = new int[INITIAL_NODES];
    private int[] freeNodes = new int[INITIAL_NODES];
    private int freeCount;
    private int nodesHighWater = ROOT_NODES;
    private int size;

    public Ipv6RouteTable(int maxNextHops) {
        if (maxNextHops < 1 || maxNextHops > MAX_NEXT_HOPS) {
            throw new IllegalArgumentException(
                    "maxNextHops " + maxNextHops + " must be in [1, " + MAX_NEXT_HOPS + "]");
        }
        this.maxNextHops = maxNextHops;
    }

    private static int entry(int depth, int nextHop) {
        return (depth << DEPTH_SHIFT) | (nextHop + 1);
    }

    private static int depth(int entry) {
        return entry >>> DEPTH_SHIFT;
    }

    /** Address byte k (0 = most significant). */
    private static int addressByte(long hi, long lo, int k) {
        return (int) ((k < 8 ? hi >>> (56 - 8 * k) : lo >>> (120 - 8 * k)) & 0xFF);
    }

    /** The address's entry index in its node at level k: the first 16 bits at the root, then byte k + 1. */
    private static int index(long hi, long lo, int k) {
        return k == 0 ? (int) (hi >>> 48) : addressByte(hi, lo, k + 1);
    }

    // ---------------------------------------------------------------- readers

    @Override
    public int lookup(long hi, long lo) {
        restart:
        while (true) {
            Nodes ns = (Nodes) NODES.getAcquire(this);
            // The root (node 0) is never recycled. Acquire: a child pointer publishes the child.
            int e = (int) INTS.getAcquire(ns.entries, index(hi, lo, 0));
            for (int k = 1; e < 0; k++) {
                int base = e & ~CHILD_FLAG;
                int node = base >>> 8;
                if (node >= ns.capacity()) continue restart;
                // Acquire: pairs with the release store that ended the node's last refill.
                long before = (long) LONGS.getAcquire(ns.seq, node);
                if ((before & ODD) != 0 || (int) before != k
                        || ns.prefixHi[node] != (hi & hiMask(8 * (k + 1))) || ns.prefixLo[node] != (lo & loMask(8 * (k + 1)))) {
                    continue restart; // recycled for another prefix, or being refilled
                }
                e = (int) INTS.getAcquire(ns.entries, base | index(hi, lo, k));
                if ((long) LONGS.getAcquire(ns.seq, node) != before) continue restart;
            }
            return (e & NEXT_HOP_MASK) - 1;
        }
    }

    /**
     * Level by level across the burst (all root loads, then every address's next level, ...:
     * the loads of one stage are independent, so their misses overlap), validated once against
     * the table-wide {@link #recycles} seqlock as in {@link Ipv4RouteTable#lookupBatch}; a burst
     * that overlapped a node reuse (or saw a chain longer than 15 levels, which only a mix of
     * states can show) is looked up again address by address with the per-node checks.
     */
    @Override
    public void lookupBatch(long[] hi, long[] lo, int[] nextHops, int n) {
        lookupBurst(hi, lo, nextHops, n, null);
    }

    /** {@link #lookupBatch}, with afterRoot run between the root stage and the node stages (tests). */
    void lookupBurst(long[] hi, long[] lo, int[] nextHops, int n, Runnable afterRoot) {
        if (n < 0 || n > hi.length || n > lo.length || n > nextHops.length) {
            throw new IllegalArgumentException("batch size " + n + " exceeds arrays of " + hi.length
                    + "/" + lo.length + " address halves and " + nextHops.length + " next hops");
        }
        long stamp = (long) RECYCLES.getAcquire(this);
        // Acquire: the storage copy holds the root (node 0) and every node it points to; a
        // reader on an older copy reads that copy's frozen state.
        int[] entries = ((Nodes) NODES.getAcquire(this)).entries;
        int pointers = 0;
        for (int i = 0; i < n; i++) {
            int e = entries[(int) (hi[i] >>> 48)];
            nextHops[i] = e;
            pointers |= e;
        }
        if (afterRoot != null) afterRoot.run();
        for (int k = 1; pointers < 0 && k < LEVELS; k++) {
            VarHandle.acquireFence(); // the pointers loaded so far publish their filled nodes
            pointers = 0;
            long[] half = k < 7 ? hi : lo; // level k's address byte (k + 1), hoisted out of the loop
            int shift = 56 - 8 * ((k + 1) & 7);
            for (int i = 0; i < n; i++) {
                int e = nextHops[i];
                if (e < 0) {
                    e = entries[(e & ~CHILD_FLAG) | (int) ((half[i] >>> shift) & 0xFF)];
                    nextHops[i] = e;
                    pointers |= e;
                }
            }
        }
        VarHandle.acquireFence(); // every node load above comes before the second read
        if (pointers < 0 || (stamp & 1) != 0 || (long) RECYCLES.getOpaque(this) != stamp) {
            for (int i = 0; i < n; i++) nextHops[i] = lookup(hi[i], lo[i]);
            return;
        }
        for (int i = 0; i < n; i++) nextHops[i] = (nextHops[i] & NEXT_HOP_MASK) - 1;
    }

    // ---------------------------------------------------------------- writer

    /** The level (node depth) whose node holds the entries of a rule of this length. */
    private static int level(int length) {
        return length <= 16 ? 0 : ((length - 1) >>> 3) - 1;
    }

    /** Address bits above and in a level-k node: 16 at the root, 8 more per level. */
    private static int end(int level) {
        return 8 * (level + 2);
    }

    @Override
    public void insert(long hi, long lo, int length, int nextHop) {
        checkPrefix(hi, lo, length);
        if (nextHop < 0 || nextHop >= maxNextHops) {
            throw new IllegalArgumentException("next hop " + nextHop + " for " + format(hi, lo, length)
                    + " is outside [0, " + maxNextHops + ")");
        }
        int level = level(length);
        ensureFreeNodes(level); // throws before anything changes
        int[] path = new int[level + 1];
        int base = 0;
        for (int k = 0; k < level; k++) {
            int index = base | index(hi, lo, k);
            int e = nodes.entries[index];
            base = e < 0 ? e & ~CHILD_FLAG
                    : allocateNode(index, k + 1, hi & hiMask(end(k)), lo & loMask(end(k)), e);
            path[k + 1] = base;
        }
        if (rules.put(hi, lo, length, nextHop) < 0) {
            size++;
            rulesPerLength[length]++;
            for (int k = 1; k <= level; k++) longRoutes[path[k] >>> 8]++;
        }
        int value = entry(length, nextHop);
        int first = base | index(hi, lo, level);
        int count = 1 << (end(level) - length);
        for (int i = first; i < first + count; i++) overwrite(nodes.entries, i, length, value);
    }

    /** Sets entry i (and, below a child pointer, every entry of the subtree) if not longer. */
    private static void overwrite(int[] entries, int i, int length, int value) {
        int e = entries[i];
        if (e < 0) {
            int child = e & ~CHILD_FLAG;
            for (int j = child; j < child + 256; j++) overwrite(entries, j, length, value);
        } else if (depth(e) <= length) {
            entries[i] = value;
        }
    }

    private static void replace(int[] entries, int i, int length, int parent) {
        int e = entries[i];
        if (e < 0) {
            int child = e & ~CHILD_FLAG;
            for (int j = child; j < child + 256; j++) replace(entries, j, length, parent);
        } else if (depth(e) == length) {
            entries[i] = parent;
        }
    }

    @Override
    public boolean delete(long hi, long lo, int length) {
        checkPrefix(hi, lo, length);
        if (rules.remove(hi, lo, length) < 0) return false;
        size--;
        rulesPerLength[length]--;
        int parent = coveringEntry(hi, lo, length);
        int level = level(length);
        int[] parentIndex = new int[level + 1];
        int base = 0;
        for (int k = 0; k < level; k++) {
            int index = base | index(hi, lo, k);
            parentIndex[k + 1] = index;
            base = nodes.entries[index] & ~CHILD_FLAG;
        }
        int first = base | index(hi, lo, level);
        int count = 1 << (end(level) - length);
        int[] entries = nodes.entries;
        for (int i = first; i < first + count; i++) replace(entries, i, length, parent);
        // Deepest first: a node's count is never above its parent's.
        for (int k = level; k >= 1; k--) {
            int node = entries[parentIndex[k]] & ~CHILD_FLAG;
            if (--longRoutes[node >>> 8] == 0) freeNode(parentIndex[k], node);
        }
        return true;
    }

    private int coveringEntry(long hi, long lo, int length) {
        for (int l = length - 1; l >= 0; l--) {
            if (rulesPerLength[l] == 0) continue;
            long h = l == 0 ? 0 : l >= 64 ? hi : hi & (-1L << (64 - l));
            long w = l <= 64 ? 0 : lo & (-1L << (128 - l));
            int nextHop = rules.get(h, w, l);
            if (nextHop >= 0) return entry(l, nextHop);
        }
        return 0;
    }

    private void ensureFreeNodes(int needed) {
        if (freeCount + (MAX_NODES - nodesHighWater) < needed) {
            throw new IllegalStateException("all " + MAX_NODES + " trie nodes of 256 entries are in use");
        }
    }

    private int allocateNode(int parentIndex, int level, long prefixHi, long prefixLo, int fill) {
        int n;
        boolean reused = freeCount > 0;
        if (reused) {
            n = freeNodes[--freeCount];
            RECYCLES.setOpaque(this, recycles + 1); // odd: bursts that overlap the refill look up again
            VarHandle.releaseFence(); // the odd word is visible before any refilled entry
        } else {
            n = nodesHighWater++;
            if (n == nodes.capacity()) {
                int capacity = (int) Math.min((long) n * 2, MAX_NODES);
                NODES.setRelease(this, new Nodes(nodes, capacity)); // publishes the copy
                longRoutes = Arrays.copyOf(longRoutes, capacity);
            }
        }
        Nodes ns = nodes;
        int base = n << 8;
        long generation = (ns.seq[n] >>> 32) + 1; // odd: refill in progress
        ns.seq[n] = (generation << 32) | level;
        VarHandle.releaseFence(); // the odd word is visible before the new prefix and entries
        ns.prefixHi[n] = prefixHi;
        ns.prefixLo[n] = prefixLo;
        Arrays.fill(ns.entries, base, base + 256, fill);
        longRoutes[n] = 0;
        LONGS.setRelease(ns.seq, n, ((generation + 1) << 32) | level); // refill complete
        if (reused) RECYCLES.setRelease(this, recycles + 1); // even again: the refill is visible first
        INTS.setRelease(ns.entries, parentIndex, CHILD_FLAG | base); // publishes the filled node
        return base;
    }

    private void freeNode(int parentIndex, int base) {
        nodes.entries[parentIndex] = nodes.entries[base]; // all 256 are equal now
        if (freeCount == freeNodes.length) freeNodes = Arrays.copyOf(freeNodes, freeCount * 2);
        freeNodes[freeCount++] = base >>> 8;
    }

    @Override
    public int get(long hi, long lo, int length) {
        checkPrefix(hi, lo, length);
        return rules.get(hi, lo, length);
    }

    @Override
    public int size() {
        return size;
    }

    public long memoryBytes() {
        Nodes ns = nodes;
        return ns.entries.length * 4L + ns.seq.length * 24L + longRoutes.length * 4L
                + freeNodes.length * 4L + rules.memoryBytes();
    }

    @Override
    public void forEach(Ipv6RouteConsumer consumer) {
        rules.forEach(consumer);
    }

    static void checkPrefix(long hi, long lo, int length) {
        if (length < 0 || length > 128) {
            throw new IllegalArgumentException("prefix length " + length + " of "
                    + formatAddress(hi, lo) + " is outside [0, 128]");
        }
        long hiHost = length >= 64 ? 0 : length == 0 ? -1L : -1L >>> length;
        long loHost = length >= 128 ? 0 : length <= 64 ? -1L : -1L >>> (length - 64);
        if ((hi & hiHost) != 0 || (lo & loHost) != 0) {
            throw new IllegalArgumentException("prefix " + format(hi, lo, length)
                    + " has host bits set (did you mean " + format(hi & ~hiHost, lo & ~loHost, length) + "?)");
        }
    }

    static String format(long hi, long lo, int length) {
        return formatAddress(hi, lo) + "/" + length;
    }

    /** Full form, eight groups (no :: compression): unambiguous in error messages. */
    static String formatAddress(long hi, long lo) {
        StringBuilder s = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            long half = g < 4 ? hi : lo;
            if (g > 0) s.append(':');
            s.append(Integer.toHexString((int) ((half >>> (48 - 16 * (g & 3))) & 0xFFFF)));
        }
        return s.toString();
    }
}
