package ocelot.lpm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * IPv4 longest-prefix match, DIR-24-8 (Gupta, Lin, McKeown, "Routing Lookups in Hardware at
 * Memory Access Speeds", INFOCOM 1998; the layout of DPDK's rte_lpm): a 2^24-entry table
 * indexed by the top 24 address bits, and 256-entry groups for the /24s holding longer routes.
 * A lookup is one load, or two when the first lands on a group.
 *
 * <p>Unlike rte_lpm, every entry carries the depth of the rule that wrote it, so an update only
 * rewrites the entries whose depth it beats (insert) or equals (delete) and never scans a sorted
 * rule array: rte_lpm's rule table is the reason its adds go quadratic at Calico sizes. /32s
 * are not stored anywhere else: an entry of depth 32 is the route. The other rules (in
 * Calico tables a /26 per 64 endpoints plus a few aggregates) sit in an {@link Ipv4PrefixMap}
 * used only to find the covering rule on delete.
 *
 * <p>Entry (int): bit 31 set = group pointer, bits 0..30 = index of the group's first entry;
 * otherwise bits 24..29 = depth, bits 0..23 = next hop + 1 (0 = no route), so the lookup
 * result is {@code (entry & 0xFFFFFF) - 1} without a branch.
 *
 * <p>Concurrency: one writer thread calls the mutators; any number of reader threads call
 * {@code lookup}, {@code lookupBatch} concurrently, without locks or allocation. Each entry is
 * one int, so a reader sees one rule's entry or the next one's, never a mix. Groups are
 * recycled, so each has a seqlock word (generation, odd while being refilled, << 32 | the /24
 * it serves), checked before and after the entry read, as in {@link Ipv4RouteTable}.
 */
public final class Ipv4Dir24RouteTable implements Ipv4Routes {
    public static final int NO_ROUTE = -1;
    /** Next hops are stored +1 in 24 bits. */
    public static final int MAX_NEXT_HOPS = (1 << 24) - 1;
    /** Group indexes shifted by 8 must stay below 2^31 and inside a Java array. */
    static final int MAX_GROUPS = (1 << 23) - 1;

    private static final int GROUP_FLAG = 0x8000_0000;
    private static final int NEXT_HOP_MASK = 0xFF_FFFF;
    private static final int DEPTH_SHIFT = 24;
    private static final int TBL24_ENTRIES = 1 << 24;
    private static final int INITIAL_GROUPS = 64;
    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle GROUPS;

    static {
        try {
            GROUPS = MethodHandles.lookup().findVarHandle(Ipv4Dir24RouteTable.class, "groups", Groups.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Group storage; replaced as a whole (copy, then one release store) when it grows. */
    private static final class Groups {
        final int[] entries;
        /** Per group: generation (odd while refilled) << 32 | the tbl24 index it serves. */
        final long[] seq;

        Groups(int capacity) {
            entries = new int[capacity << 8];
            seq = new long[capacity];
        }

        Groups(Groups from, int capacity) {
            entries = Arrays.copyOf(from.entries, capacity << 8);
            seq = Arrays.copyOf(from.seq, capacity);
        }

        int capacity() {
            return seq.length;
        }
    }

    private final int maxNextHops;
    private final int[] tbl24 = new int[TBL24_ENTRIES];
    private Groups groups = new Groups(INITIAL_GROUPS); // written by the writer via GROUPS.setRelease

    // Writer-only state below.
    private final Ipv4PrefixMap rules = new Ipv4PrefixMap();
    private final int[] rulesPerLength = new int[33];
    /** Per group: routes longer than /24 inside it; the group is freed when this reaches 0. */
    private int[] longRoutes = new int[INITIAL_GROUPS];
    private int[] freeGroups = new int[INITIAL_GROUPS];
    private int freeCount;
    private int groupsInUseHighWater;
    private int size;

    public Ipv4Dir24RouteTable(int maxNextHops) {
        if (maxNextHops < 1 || maxNextHops > MAX_NEXT_HOPS) {
            throw new IllegalArgumentException(
                    "maxNextHops " + maxNextHops + " must be in [1, " + MAX_NEXT_HOPS + "]");
        }
        this.maxNextHops = maxNextHops;
    }

    public int maxNextHops() {
        return maxNextHops;
    }

    private static int entry(int depth, int nextHop) {
        return (depth << DEPTH_SHIFT) | (nextHop + 1);
    }

    private static int depth(int entry) {
        return entry >>> DEPTH_SHIFT; // callers never pass a group pointer
    }

    // ---------------------------------------------------------------- readers

    @Override
    public int lookup(int address) {
        // Acquire: a group pointer publishes the group's filled entries and owner.
        int e = (int) INTS.getAcquire(tbl24, address >>> 8);
        if (e < 0) e = groupEntry(e, address);
        return (e & NEXT_HOP_MASK) - 1;
    }

    /** The tbl24 entry for address, as a reader reads it first (package-private for tests). */
    int tbl24Entry(int address) {
        return (int) INTS.getAcquire(tbl24, address >>> 8);
    }

    /** The entry a reader finds in the group of a pointer it read earlier, possibly long ago. */
    int groupEntry(int pointer, int address) {
        int index24 = address >>> 8;
        while (true) {
            Groups g = (Groups) GROUPS.getAcquire(this); // at least as new as the pointer
            int e = read(g, pointer, address);
            if (e != RETRY) return e;
            pointer = (int) INTS.getAcquire(tbl24, index24); // group was recycled: start over
            if (pointer >= 0) return pointer;
        }
    }

    private static final int RETRY = GROUP_FLAG | 1;
    private static final long ODD = 1L << 32;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    /** The group entry for address, or RETRY unless the group stably serves its /24. */
    private static int read(Groups g, int pointer, int address) {
        int base = pointer & ~GROUP_FLAG;
        int group = base >>> 8;
        if (group >= g.capacity()) return RETRY;
        long before = (long) LONGS.getAcquire(g.seq, group); // pairs with the refill's release
        if ((int) before != (address >>> 8) || (before & ODD) != 0) return RETRY;
        int e = (int) INTS.getAcquire(g.entries, base | (address & 0xFF));
        return (long) LONGS.getAcquire(g.seq, group) == before ? e : RETRY;
    }

    /**
     * Two passes over the burst so the 2^24-table loads of all addresses are in flight at once
     * (they miss cache at Calico sizes), then the group loads; nextHops doubles as scratch.
     */
    @Override
    public void lookupBatch(int[] addresses, int[] nextHops, int n) {
        if (n < 0 || n > addresses.length || n > nextHops.length) {
            throw new IllegalArgumentException("batch size " + n + " exceeds arrays of "
                    + addresses.length + " addresses and " + nextHops.length + " next hops");
        }
        int[] t24 = tbl24;
        for (int i = 0; i < n; i++) {
            nextHops[i] = (int) INTS.getAcquire(t24, addresses[i] >>> 8);
        }
        Groups g = (Groups) GROUPS.getAcquire(this);
        for (int i = 0; i < n; i++) {
            int e = nextHops[i];
            if (e < 0) {
                int a = addresses[i];
                int pointer = e;
                e = read(g, pointer, a);
                if (e == RETRY) e = groupEntry(pointer, a);
            }
            nextHops[i] = (e & NEXT_HOP_MASK) - 1;
        }
    }

    // ---------------------------------------------------------------- writer

    @Override
    public void insert(int prefix, int length, int nextHop) {
        checkPrefix(prefix, length);
        if (nextHop < 0 || nextHop >= maxNextHops) {
            throw new IllegalArgumentException("next hop " + nextHop + " for " + format(prefix, length)
                    + " is outside [0, " + maxNextHops + ")");
        }
        int value = entry(length, nextHop);
        if (length > 24) {
            int index24 = prefix >>> 8;
            int e = tbl24[index24];
            int base = e < 0 ? e & ~GROUP_FLAG : allocateGroup(index24, e); // may throw: nothing changed yet
            boolean added;
            if (length == 32) {
                added = depth(groups.entries[base | (prefix & 0xFF)]) != 32;
            } else {
                added = rules.put(prefix, length, nextHop) < 0;
            }
            if (added) {
                size++;
                rulesPerLength[length]++;
                longRoutes[base >>> 8]++;
            }
            fillGroup(groups.entries, base | (prefix & 0xFF), 1 << (32 - length), length, value);
        } else {
            if (rules.put(prefix, length, nextHop) < 0) {
                size++;
                rulesPerLength[length]++;
            }
            int[] entries = groups.entries;
            int first = prefix >>> 8;
            int end = first + (1 << (24 - length));
            for (int i = first; i < end; i++) {
                int e = tbl24[i];
                if (e < 0) {
                    fillGroup(entries, e & ~GROUP_FLAG, 256, length, value);
                } else if (depth(e) <= length) {
                    tbl24[i] = value; // a plain int store: readers see the old or the new rule
                }
            }
        }
    }

    /** Writes value over the entries in [from, from+count) whose rule is not longer. */
    private static void fillGroup(int[] entries, int from, int count, int length, int value) {
        for (int i = from, end = from + count; i < end; i++) {
            if (depth(entries[i]) <= length) entries[i] = value;
        }
    }

    @Override
    public boolean delete(int prefix, int length) {
        checkPrefix(prefix, length);
        if (length == 32) {
            if (get(prefix, 32) == NO_ROUTE) return false;
        } else if (rules.remove(prefix, length) < 0) {
            return false;
        }
        size--;
        rulesPerLength[length]--;
        int parent = coveringEntry(prefix, length);
        int[] entries = groups.entries;
        if (length > 24) {
            int index24 = prefix >>> 8;
            int base = tbl24[index24] & ~GROUP_FLAG;
            replaceDepth(entries, base | (prefix & 0xFF), 1 << (32 - length), length, parent);
            if (--longRoutes[base >>> 8] == 0) freeGroup(index24, base);
        } else {
            int first = prefix >>> 8;
            int end = first + (1 << (24 - length));
            for (int i = first; i < end; i++) {
                int e = tbl24[i];
                if (e < 0) {
                    replaceDepth(entries, e & ~GROUP_FLAG, 256, length, parent);
                } else if (depth(e) == length) {
                    tbl24[i] = parent;
                }
            }
        }
        return true;
    }

    private static void replaceDepth(int[] entries, int from, int count, int length, int parent) {
        for (int i = from, end = from + count; i < end; i++) {
            if (depth(entries[i]) == length) entries[i] = parent;
        }
    }

    /** The entry of the longest remaining rule shorter than length that covers prefix, or 0. */
    private int coveringEntry(int prefix, int length) {
        for (int l = length - 1; l >= 0; l--) {
            if (rulesPerLength[l] == 0) continue;
            int p = l == 0 ? 0 : prefix & (-1 << (32 - l));
            int nextHop = rules.get(p, l);
            if (nextHop >= 0) return entry(l, nextHop);
        }
        return 0;
    }

    private int allocateGroup(int index24, int fill) {
        int g;
        if (freeCount > 0) {
            g = freeGroups[--freeCount];
        } else {
            if (groupsInUseHighWater == MAX_GROUPS) {
                throw new IllegalStateException("all " + MAX_GROUPS + " groups of 256 entries are in use");
            }
            g = groupsInUseHighWater++;
            if (g == groups.capacity()) {
                int capacity = (int) Math.min((long) g * 2, MAX_GROUPS);
                GROUPS.setRelease(this, new Groups(groups, capacity)); // publishes the copy
                longRoutes = Arrays.copyOf(longRoutes, capacity);
            }
        }
        Groups gs = groups;
        int base = g << 8;
        long generation = (gs.seq[g] >>> 32) + 1; // odd: refill in progress
        gs.seq[g] = (generation << 32) | index24;
        VarHandle.releaseFence(); // the odd word is visible before any refilled entry
        Arrays.fill(gs.entries, base, base + 256, fill);
        longRoutes[g] = 0;
        LONGS.setRelease(gs.seq, g, ((generation + 1) << 32) | index24); // refill complete
        INTS.setRelease(tbl24, index24, GROUP_FLAG | base); // publishes the filled group
        return base;
    }

    /** Every entry now comes from rules of /24 or shorter, so all 256 are equal: collapse. */
    private void freeGroup(int index24, int base) {
        tbl24[index24] = groups.entries[base];
        if (freeCount == freeGroups.length) freeGroups = Arrays.copyOf(freeGroups, freeCount * 2);
        freeGroups[freeCount++] = base >>> 8;
    }

    @Override
    public int get(int prefix, int length) {
        checkPrefix(prefix, length);
        if (length < 32) return rules.get(prefix, length);
        int e = tbl24[prefix >>> 8];
        if (e >= 0) return NO_ROUTE;
        int v = groups.entries[(e & ~GROUP_FLAG) | (prefix & 0xFF)];
        return depth(v) == 32 ? (v & NEXT_HOP_MASK) - 1 : NO_ROUTE;
    }

    @Override
    public int size() {
        return size;
    }

    /** Bytes held by this table's arrays (the 64 MiB 2^24 table dominates). */
    public long memoryBytes() {
        Groups g = groups;
        return tbl24.length * 4L + g.entries.length * 4L + g.seq.length * 8L
                + longRoutes.length * 4L + freeGroups.length * 4L + rules.memoryBytes();
    }

    /** Groups of 256 entries currently serving a /24 (rte_lpm calls them tbl8s). */
    public int groupsInUse() {
        return groupsInUseHighWater - freeCount;
    }

    /** Every route once, from the writer thread; order unspecified. */
    @Override
    public void forEach(Ipv4RouteConsumer consumer) {
        rules.forEach(consumer);
        Groups gs = groups;
        boolean[] free = new boolean[groupsInUseHighWater];
        for (int i = 0; i < freeCount; i++) free[freeGroups[i]] = true;
        for (int g = 0; g < groupsInUseHighWater; g++) {
            if (free[g]) continue;
            int base = g << 8;
            int prefix24 = (int) gs.seq[g] << 8;
            for (int i = 0; i < 256; i++) {
                int v = gs.entries[base + i];
                if (depth(v) == 32) consumer.accept(prefix24 | i, 32, (v & NEXT_HOP_MASK) - 1);
            }
        }
    }

    static void checkPrefix(int prefix, int length) {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefix length " + length + " of "
                    + formatAddress(prefix) + " is outside [0, 32]");
        }
        int hostMask = length == 0 ? -1 : length == 32 ? 0 : -1 >>> length;
        if ((prefix & hostMask) != 0) {
            throw new IllegalArgumentException("prefix " + format(prefix, length) + " has host bits set (did you mean "
                    + format(prefix & ~hostMask, length) + "?)");
        }
    }

    static String format(int prefix, int length) {
        return formatAddress(prefix) + "/" + length;
    }

    static String formatAddress(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }
}
