package ocelot.acl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * IP sets for classifier rules, as ipset ({@code hash:ip}) is for iptables and the ipsets map
 * is for Calico's BPF dataplane: a rule names a set by its id ({@link SetMatch}) and the set's
 * members live here, outside every classifier, so adding or removing a member is one O(1)
 * change visible at once to every classifier built with this table, without recompiling any.
 *
 * <p>All sets share two open-addressing hash tables (linear probing, load at most 1/2
 * counting tombstones), one per family:
 * <pre>
 * v4  long[capacity]      state:2 | setId:30 | address:32      (one word: written atomically)
 * v6  long[3 * capacity]  state:2 | setId:30 (the tag), hi, lo
 * state 00 empty, 01 member, 10 removed (a tombstone: probes go on past it)
 * </pre>
 * One writer (the methods that change membership are serialised), any number of readers that
 * never block and allocate nothing: a reader takes the current array with one acquire load and
 * reads each slot's first word with acquire. An IPv6 slot's address words are written before
 * its tag is released and never change afterwards: a slot is only ever reused for the same
 * (set, address), by flipping its tag back, so a reader never sees a torn address. A v4 slot
 * is one word and may take any key. Growth (or too many tombstones) rehashes into a new array
 * published with one release store; readers still on the old one see the state before it.
 *
 * <p>Set ids are handed out densely from 0 and never reused: a classifier snapshot that a
 * worker still holds may name a deleted set, and must then see it empty, not another set's
 * members. 2<sup>30</sup> set creations is the lifetime limit.
 */
public final class IpSetTable {
    static final int MAX_SETS = 1 << 30;
    private static final long MEMBER = 1L << 62;
    private static final long REMOVED = 2L << 62;
    private static final long STATE = 3L << 62;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle V4;
    private static final VarHandle V6;

    static {
        try {
            V4 = MethodHandles.lookup().findVarHandle(IpSetTable.class, "v4", long[].class);
            V6 = MethodHandles.lookup().findVarHandle(IpSetTable.class, "v6", long[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Read by readers through V4/V6 (acquire); the writer reads and writes its own arrays plainly.
    private long[] v4 = new long[16];
    private long[] v6 = new long[3 * 16];

    // Writer state.
    private int v4Used;   // slots not empty (members and tombstones)
    private int v6Used;
    private int nextId;
    private int[] sizes = new int[16];
    private boolean[] deleted = new boolean[16];

    /** A new, empty set; its id is the next unused one. */
    public synchronized int createSet() {
        if (nextId == MAX_SETS) throw new IllegalStateException("all " + MAX_SETS + " IP set ids are used");
        int id = nextId++;
        if (id == sizes.length) {
            sizes = Arrays.copyOf(sizes, id * 2);
            deleted = Arrays.copyOf(deleted, id * 2);
        }
        return id;
    }

    /** Whether {@code id} names a set that was created and not deleted. */
    public synchronized boolean exists(int id) {
        return id >= 0 && id < nextId && !deleted[id];
    }

    /** Members of set {@code id}. */
    public synchronized int size(int id) {
        check(id);
        return sizes[id];
    }

    /**
     * Removes every member and retires the id (classifiers still naming it see an empty set).
     * O(members) when they were removed one by one beforehand, else one scan of the tables.
     */
    public synchronized void deleteSet(int id) {
        check(id);
        if (sizes[id] > 0) {
            long[] t4 = v4;
            for (int i = 0; i < t4.length; i++) {
                long w = t4[i];
                if ((w & STATE) == MEMBER && setOf(w) == id) SLOT.setRelease(t4, i, w ^ (MEMBER | REMOVED));
            }
            long[] t6 = v6;
            for (int i = 0; i < t6.length; i += 3) {
                long w = t6[i];
                if (w == (MEMBER | id)) SLOT.setRelease(t6, i, w ^ (MEMBER | REMOVED));
            }
            sizes[id] = 0;
        }
        deleted[id] = true;
    }

    /** Adds an IPv4 address (first octet in the top byte); false if already a member. */
    public synchronized boolean addV4(int id, int address) {
        check(id);
        long key = MEMBER | (long) id << 32 | (address & 0xFFFF_FFFFL);
        long[] t = v4;
        int mask = t.length - 1;
        int reuse = -1;
        int i = hash4(id, address) & mask;
        for (long w; (w = t[i]) != 0; i = (i + 1) & mask) {
            if (w == key) return false;
            if ((w & STATE) == REMOVED) {
                if ((w ^ REMOVED) == (key ^ MEMBER)) {
                    SLOT.setRelease(t, i, key); // revive in place
                    sizes[id]++;
                    return true;
                }
                if (reuse < 0) reuse = i;
            }
        }
        if (reuse >= 0) {
            SLOT.setRelease(t, reuse, key); // one word: a reader sees the old key or the new one
        } else {
            if (2 * (v4Used + 1) > t.length) {
                t = rehash4(t);
                mask = t.length - 1;
                i = hash4(id, address) & mask;
                while (t[i] != 0) i = (i + 1) & mask;
            }
            SLOT.setRelease(t, i, key);
            v4Used++;
        }
        sizes[id]++;
        return true;
    }

    /** Removes an IPv4 address; false if it was not a member. */
    public synchronized boolean removeV4(int id, int address) {
        check(id);
        long key = MEMBER | (long) id << 32 | (address & 0xFFFF_FFFFL);
        long[] t = v4;
        int mask = t.length - 1;
        for (int i = hash4(id, address) & mask; ; i = (i + 1) & mask) {
            long w = t[i];
            if (w == 0) return false;
            if (w == key) {
                SLOT.setRelease(t, i, key ^ (MEMBER | REMOVED));
                sizes[id]--;
                return true;
            }
        }
    }

    /** Adds an IPv6 address (network order: hi holds bytes 0..7); false if already a member. */
    public synchronized boolean addV6(int id, long hi, long lo) {
        check(id);
        long tag = MEMBER | id;
        long[] t = v6;
        int mask = t.length / 3 - 1;
        int i = hash6(id, hi, lo) & mask;
        for (long w; (w = t[3 * i]) != 0; i = (i + 1) & mask) {
            if ((w & ~STATE) == id && t[3 * i + 1] == hi && t[3 * i + 2] == lo) {
                if (w == tag) return false;
                SLOT.setRelease(t, 3 * i, tag); // revive: the address words are already there
                sizes[id]++;
                return true;
            }
        }
        if (2 * (v6Used + 1) > t.length / 3) {
            t = rehash6(t);
            mask = t.length / 3 - 1;
            i = hash6(id, hi, lo) & mask;
            while (t[3 * i] != 0) i = (i + 1) & mask;
        }
        t[3 * i + 1] = hi;
        t[3 * i + 2] = lo;
        SLOT.setRelease(t, 3 * i, tag); // release: the address words are visible before the tag
        v6Used++;
        sizes[id]++;
        return true;
    }

    /** Removes an IPv6 address; false if it was not a member. */
    public synchronized boolean removeV6(int id, long hi, long lo) {
        check(id);
        long tag = MEMBER | id;
        long[] t = v6;
        int mask = t.length / 3 - 1;
        for (int i = hash6(id, hi, lo) & mask; ; i = (i + 1) & mask) {
            long w = t[3 * i];
            if (w == 0) return false;
            if (w == tag && t[3 * i + 1] == hi && t[3 * i + 2] == lo) {
                SLOT.setRelease(t, 3 * i, tag ^ (MEMBER | REMOVED));
                sizes[id]--;
                return true;
            }
        }
    }

    /** Whether {@code address} is in set {@code id}; false for unknown or deleted sets. Allocates nothing. */
    public boolean containsV4(int id, int address) {
        long[] t = (long[]) V4.getAcquire(this); // acquire: the slots written before this array was published
        long key = MEMBER | (long) id << 32 | (address & 0xFFFF_FFFFL);
        int mask = t.length - 1;
        for (int i = hash4(id, address) & mask; ; i = (i + 1) & mask) {
            long w = (long) SLOT.getAcquire(t, i);
            if (w == key) return true;
            if (w == 0) return false;
        }
    }

    /** Whether the IPv6 address is in set {@code id}; false for unknown or deleted sets. Allocates nothing. */
    public boolean containsV6(int id, long hi, long lo) {
        long[] t = (long[]) V6.getAcquire(this);
        long tag = MEMBER | id;
        int mask = t.length / 3 - 1;
        for (int i = hash6(id, hi, lo) & mask; ; i = (i + 1) & mask) {
            // acquire: the address words of a slot are complete once its tag is seen
            long w = (long) SLOT.getAcquire(t, 3 * i);
            if (w == 0) return false;
            if (w == tag && t[3 * i + 1] == hi && t[3 * i + 2] == lo) return true;
        }
    }

    /** Bytes of the two hash tables. */
    public long memoryBytes() {
        return 8L * (((long[]) V4.getAcquire(this)).length + ((long[]) V6.getAcquire(this)).length);
    }

    // ---- set conditions of rules (see SetMatch.encode) -------------------------------------------

    /** Whether an IPv4 header passes every encoded condition. */
    boolean passV4(int[] conditions, int src, int dst) {
        for (int c : conditions) {
            if (containsV4(c >>> 2, (c & SetMatch.DST) == 0 ? src : dst) == ((c & SetMatch.NEGATED) != 0)) return false;
        }
        return true;
    }

    boolean passV6(int[] conditions, long srcHi, long srcLo, long dstHi, long dstLo) {
        for (int c : conditions) {
            boolean dst = (c & SetMatch.DST) != 0;
            boolean in = containsV6(c >>> 2, dst ? dstHi : srcHi, dst ? dstLo : srcLo);
            if (in == ((c & SetMatch.NEGATED) != 0)) return false;
        }
        return true;
    }

    // ---- internals ---------------------------------------------------------------------------

    private void check(int id) {
        if (id < 0 || id >= nextId) throw new IllegalArgumentException("IP set id " + id + " was never created (ids 0.." + (nextId - 1) + ")");
        if (deleted[id]) throw new IllegalArgumentException("IP set id " + id + " was deleted");
    }

    private static int setOf(long w) {
        return (int) (w >>> 32) & (MAX_SETS - 1);
    }

    private static int hash4(int id, int address) {
        long h = ((long) id << 32 | (address & 0xFFFF_FFFFL)) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) ^ (int) h;
    }

    private static int hash6(int id, long hi, long lo) {
        long h = (hi * 0x9E3779B97F4A7C15L) ^ (lo * 0xC2B2AE3D27D4EB4FL) ^ (id * 0xD6E8FEB86659FD93L);
        h ^= h >>> 29;
        return (int) (h >>> 32) ^ (int) h;
    }

    /** A new array holding the members only, at load at most 1/4, published with a release store. */
    private long[] rehash4(long[] old) {
        int live = 0;
        for (long w : old) if ((w & STATE) == MEMBER) live++;
        int capacity = Integer.highestOneBit(Math.max(16, 4 * (live + 1) - 1)) * 2;
        long[] t = new long[capacity];
        int mask = capacity - 1;
        for (long w : old) {
            if ((w & STATE) != MEMBER) continue;
            int i = hash4(setOf(w), (int) w) & mask;
            while (t[i] != 0) i = (i + 1) & mask;
            t[i] = w;
        }
        v4Used = live;
        V4.setRelease(this, t); // release: every slot of t is written before a reader can see it
        return t;
    }

    private long[] rehash6(long[] old) {
        int live = 0;
        for (int i = 0; i < old.length; i += 3) if ((old[i] & STATE) == MEMBER) live++;
        int capacity = Integer.highestOneBit(Math.max(16, 4 * (live + 1) - 1)) * 2;
        long[] t = new long[3 * capacity];
        int mask = capacity - 1;
        for (int o = 0; o < old.length; o += 3) {
            long w = old[o];
            if ((w & STATE) != MEMBER) continue;
            int i = hash6((int) (w & ~STATE), old[o + 1], old[o + 2]) & mask;
            while (t[3 * i] != 0) i = (i + 1) & mask;
            t[3 * i] = w;
            t[3 * i + 1] = old[o + 1];
            t[3 * i + 2] = old[o + 2];
        }
        v6Used = live;
        V6.setRelease(this, t);
        return t;
    }
}
