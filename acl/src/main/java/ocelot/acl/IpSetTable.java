package ocelot.acl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * IP sets for classifier rules, as ipset ({@code hash:ip}) is for iptables and the ipsets map
 * is for Calico's BPF dataplane: a rule names a set by its id ({@link SetMatch}) and the set's
 * members live here, outside every classifier, so adding or removing a member is one O(1)
 * change, without recompiling any classifier.
 *
 * <p>Membership is versioned: every change is tagged with the open generation, and
 * {@link #seal()} closes it into a {@link View}. A reader classifying with a view sees exactly
 * the membership of that generation, whatever the writer does meanwhile, so a dataplane snapshot
 * carrying its view judges every packet by its own state: a relabel's membership change cannot
 * reach the classifiers of the snapshot before it (the window where both the old and the new
 * state deny but the mix allows). A membership is an interval of generations [added, removed);
 * a member removed and re-added while an older view still reads it gets a second slot.
 * {@link #release} tells the table which views are no longer read, so their slots can be reused.
 * A view costs nothing to take (no copy: 10k-member sets change by their delta only).
 *
 * <p>All sets share two open-addressing hash tables (linear probing, load at most 1/2
 * counting dead slots), one per family:
 * <pre>
 * v4  keys  long[capacity]      SETTLED | USED | setId:30 | address:32
 *     spans long[2 * capacity]  added, removed
 * v6  long[5 * capacity]        USED | setId:30 (the tag), hi, lo, added, removed
 * </pre>
 * An IPv4 key with SETTLED is a member every readable view sees (added at or before the floor,
 * not removed): a lookup probes the keys alone, as dense as an unversioned table, and reads a
 * span only for a key changed since the oldest view in use. A removal clears SETTLED after
 * writing the span's end; {@link #release} settles what became visible to every readable view.
 * One writer (the methods that change membership are serialised), any number of readers that
 * never block and allocate nothing: a reader takes the current array with one acquire load and
 * reads each slot's key with acquire. A slot's key (and an IPv6 slot's address) never changes
 * once written; its interval changes by single-word stores ordered so a reader of any view at or
 * after the release floor never sees a wrong answer (a dead slot of the same key is revived by
 * writing {@code added} before {@code removed}; readers load {@code removed} first). Growth (or
 * too many dead slots) rehashes into a new array published with one release store, keeping every
 * interval some readable view may still see; readers still on the old one see the state before it.
 *
 * <p>Set ids are handed out densely from 0 and never reused: a classifier snapshot that a
 * worker still holds may name a deleted set, and must then see it empty, not another set's
 * members. 2<sup>30</sup> set creations is the lifetime limit.
 */
public final class IpSetTable {
    static final int MAX_SETS = 1 << 30;
    /** The generation that reads the newest membership, changes not yet sealed included (the writer's own view). */
    public static final long NEWEST = Long.MAX_VALUE - 1;
    /** {@code removed} of a member not removed. */
    private static final long NEVER = Long.MAX_VALUE;
    private static final long USED = 1L << 62;
    private static final long SETTLED = Long.MIN_VALUE;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle V4;
    private static final VarHandle V6;

    static {
        try {
            V4 = MethodHandles.lookup().findVarHandle(IpSetTable.class, "v4", Slots4.class);
            V6 = MethodHandles.lookup().findVarHandle(IpSetTable.class, "v6", long[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The membership of one sealed generation of {@code table}: what a dataplane snapshot
     * classifies with. Equal views read the same membership.
     */
    public record View(IpSetTable table, long generation) {}

    // Read by readers through V4/V6 (acquire); the writer reads and writes its own arrays plainly.
    /** The IPv4 keys and their spans, published together (a rehash replaces both). */
    private record Slots4(long[] keys, long[] spans) {}

    private Slots4 v4 = new Slots4(new long[16], new long[32]);
    /** IPv4 slots that are members but not SETTLED yet: settled by {@link #release} once the floor passes their start. */
    private int[] unsettled4 = new int[16];
    private int unsettledCount4;
    private long[] v6 = new long[5 * 16];

    // Writer state.
    private int v4Used;   // slots not empty (live and dead intervals)
    private int v6Used;
    private int nextId;
    private int[] sizes = new int[16];
    private boolean[] deleted = new boolean[16];
    /** The generation changes are tagged with now. */
    private long open;
    /** No reader uses a view older than this: intervals ending at or before it are dead. */
    private long floor;
    private View sealed;
    private boolean changedSinceSeal;

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

    /** Members of set {@code id} now (changes not yet sealed included). */
    public synchronized int size(int id) {
        check(id);
        return sizes[id];
    }

    /**
     * Closes the open generation: the returned view reads every change made so far and none made
     * after. Without a change since the last seal the last view is returned again (equal states
     * stay equal).
     */
    public synchronized View seal() {
        if (sealed != null && !changedSinceSeal) return sealed;
        sealed = new View(this, open);
        open++;
        changedSinceSeal = false;
        return sealed;
    }

    /**
     * No reader uses a view older than {@code oldestInUse} any more (the dataplane has moved every
     * worker past the snapshots that carried them): what only those views saw may be reused.
     */
    public synchronized void release(long oldestInUse) {
        if (oldestInUse > floor) floor = Math.min(oldestInUse, open);
        long[] keys = v4.keys(), spans = v4.spans();
        int kept = 0;
        for (int k = 0; k < unsettledCount4; k++) {
            int i = unsettled4[k];
            if (!settle4(keys, spans, i) && spans[2 * i + 1] == NEVER && keys[i] >= 0) unsettled4[kept++] = i;
        }
        unsettledCount4 = kept;
    }

    /** Marks slot {@code i} SETTLED if every readable view sees it; true if it is (or was). */
    private boolean settle4(long[] keys, long[] spans, int i) {
        long w = keys[i];
        if (w < 0) return true;
        if (w == 0 || spans[2 * i + 1] != NEVER || spans[2 * i] > floor) return false;
        SLOT.setRelease(keys, i, w | SETTLED); // either form reads as a member to every view at or after the floor
        return true;
    }

    /** A member slot just written: settled now if it can be, else remembered for a later release. */
    private void member4(long[] keys, long[] spans, int i) {
        if (settle4(keys, spans, i)) return;
        if (unsettledCount4 == unsettled4.length) unsettled4 = Arrays.copyOf(unsettled4, unsettledCount4 * 2);
        unsettled4[unsettledCount4++] = i;
    }

    /**
     * Removes every member and retires the id: for a set no state sealed from now on names (the
     * classifiers reading it are rebuilt), so it is not a change the next view must carry and does
     * not by itself make the next {@link #seal()} a new view (a set retired after its last state
     * was replaced does not cause another publish). Views sealed before keep its members; views
     * sealed after see it empty. One scan of the tables when it has members.
     */
    public synchronized void deleteSet(int id) {
        check(id);
        if (sizes[id] > 0) {
            long[] keys = v4.keys(), spans = v4.spans();
            for (int i = 0; i < keys.length; i++) {
                long w = keys[i];
                if (w != 0 && setOf(w) == id && spans[2 * i + 1] == NEVER) unsettleRemoved4(keys, spans, i);
            }
            long[] t6 = v6;
            for (int i = 0; i < t6.length; i += 5) {
                if (t6[i] == (USED | id) && t6[i + 4] == NEVER) SLOT.setRelease(t6, i + 4, open);
            }
            sizes[id] = 0;
        }
        deleted[id] = true;
    }

    /** Adds an IPv4 address (first octet in the top byte); false if already a member. */
    public synchronized boolean addV4(int id, int address) {
        check(id);
        long key = USED | (long) id << 32 | (address & 0xFFFF_FFFFL);
        long[] keys = v4.keys(), spans = v4.spans();
        int mask = keys.length - 1;
        int i = hash4(id, address) & mask;
        int undo = -1, revive = -1;
        for (long w; (w = keys[i]) != 0; i = (i + 1) & mask) {
            if (w == (key | SETTLED)) return false;
            if (w != key) continue;
            long removed = spans[2 * i + 1];
            if (removed == NEVER) return false;
            if (removed == open) undo = i;
            else if (removed <= floor) revive = i;
        }
        if (undo >= 0) {
            SLOT.setRelease(spans, 2 * undo + 1, NEVER);
            member4(keys, spans, undo);
        } else if (revive >= 0) {
            // the start first: a reader never sees the old start with the open end
            SLOT.setRelease(spans, 2 * revive, open);
            SLOT.setRelease(spans, 2 * revive + 1, NEVER);
            member4(keys, spans, revive);
        } else {
            if (2 * (v4Used + 1) > keys.length) {
                rehash4();
                keys = v4.keys();
                spans = v4.spans();
                mask = keys.length - 1;
                i = hash4(id, address) & mask;
                while (keys[i] != 0) i = (i + 1) & mask;
            }
            spans[2 * i] = open;
            spans[2 * i + 1] = NEVER;
            SLOT.setRelease(keys, i, key); // release: the span is visible before the key
            v4Used++;
            member4(keys, spans, i);
        }
        sizes[id]++;
        changedSinceSeal = true;
        return true;
    }

    /** Removes an IPv4 address; false if it was not a member. */
    public synchronized boolean removeV4(int id, int address) {
        check(id);
        long key = USED | (long) id << 32 | (address & 0xFFFF_FFFFL);
        long[] keys = v4.keys(), spans = v4.spans();
        int mask = keys.length - 1;
        for (int i = hash4(id, address) & mask; ; i = (i + 1) & mask) {
            long w = keys[i];
            if (w == 0) return false;
            if (w == (key | SETTLED) || (w == key && spans[2 * i + 1] == NEVER)) {
                unsettleRemoved4(keys, spans, i);
                sizes[id]--;
                changedSinceSeal = true;
                return true;
            }
        }
    }

    /** Ends slot {@code i}'s membership at the open generation (views sealed before still see it). */
    private void unsettleRemoved4(long[] keys, long[] spans, int i) {
        SLOT.setRelease(spans, 2 * i + 1, open);
        long w = keys[i];
        if (w < 0) SLOT.setRelease(keys, i, w & ~SETTLED); // after the end: a reader of the plain key reads the span with it
    }

    /** Adds an IPv6 address (network order: hi holds bytes 0..7); false if already a member. */
    public synchronized boolean addV6(int id, long hi, long lo) {
        check(id);
        long tag = USED | id;
        long[] t = v6;
        int mask = t.length / 5 - 1;
        int i = hash6(id, hi, lo) & mask;
        int undo = -1, revive = -1;
        for (long w; (w = t[5 * i]) != 0; i = (i + 1) & mask) {
            if (w != tag || t[5 * i + 1] != hi || t[5 * i + 2] != lo) continue;
            long removed = t[5 * i + 4];
            if (removed == NEVER) return false;
            if (removed == open) undo = i;
            else if (removed <= floor) revive = i;
        }
        if (!changeAt(t, 5, undo, revive)) {
            if (2 * (v6Used + 1) > t.length / 5) {
                t = rehash6(t);
                mask = t.length / 5 - 1;
                i = hash6(id, hi, lo) & mask;
                while (t[5 * i] != 0) i = (i + 1) & mask;
            }
            t[5 * i + 1] = hi;
            t[5 * i + 2] = lo;
            t[5 * i + 3] = open;
            t[5 * i + 4] = NEVER;
            SLOT.setRelease(t, 5 * i, tag); // release: address and interval are visible before the tag
            v6Used++;
        }
        sizes[id]++;
        changedSinceSeal = true;
        return true;
    }

    /** Removes an IPv6 address; false if it was not a member. */
    public synchronized boolean removeV6(int id, long hi, long lo) {
        check(id);
        long tag = USED | id;
        long[] t = v6;
        int mask = t.length / 5 - 1;
        for (int i = hash6(id, hi, lo) & mask; ; i = (i + 1) & mask) {
            long w = t[5 * i];
            if (w == 0) return false;
            if (w == tag && t[5 * i + 1] == hi && t[5 * i + 2] == lo && t[5 * i + 4] == NEVER) {
                SLOT.setRelease(t, 5 * i + 4, open);
                sizes[id]--;
                changedSinceSeal = true;
                return true;
            }
        }
    }

    /**
     * Makes an existing slot of the key a member again, if there is one: a removal not yet sealed
     * is undone (one store), or a dead interval (no readable view sees it) starts anew, written
     * {@code added} first so a reader never sees the old start with the open end. False: a new
     * slot is needed (an older view may still see the key's last removal).
     */
    private boolean changeAt(long[] t, int stride, int undo, int revive) {
        if (undo >= 0) {
            SLOT.setRelease(t, stride * undo + stride - 1, NEVER);
            return true;
        }
        if (revive >= 0) {
            SLOT.setRelease(t, stride * revive + stride - 2, open);
            SLOT.setRelease(t, stride * revive + stride - 1, NEVER);
            return true;
        }
        return false;
    }

    /** Whether {@code address} is in set {@code id} now; false for unknown or deleted sets. Allocates nothing. */
    public boolean containsV4(int id, int address) {
        return containsV4(id, address, NEWEST);
    }

    /**
     * Whether {@code address} was in set {@code id} at {@code generation} (a {@link View}'s, or
     * {@link #NEWEST}); false for unknown or deleted sets. Allocates nothing.
     */
    public boolean containsV4(int id, int address, long generation) {
        Slots4 slots = (Slots4) V4.getAcquire(this); // acquire: the slots written before these arrays were published
        long[] keys = slots.keys;
        long key = USED | (long) id << 32 | (address & 0xFFFF_FFFFL);
        int mask = keys.length - 1;
        for (int i = hash4(id, address) & mask; ; i = (i + 1) & mask) {
            long w = (long) SLOT.getAcquire(keys, i);
            if (w == (key | SETTLED)) return true;
            if (w == 0) return false;
            // removed before added: a revived slot's new start is written before its open end
            if (w == key && generation < (long) SLOT.getAcquire(slots.spans, 2 * i + 1) && (long) SLOT.getAcquire(slots.spans, 2 * i) <= generation) {
                return true;
            }
        }
    }

    /** Whether the IPv6 address is in set {@code id} now; false for unknown or deleted sets. Allocates nothing. */
    public boolean containsV6(int id, long hi, long lo) {
        return containsV6(id, hi, lo, NEWEST);
    }

    /** Whether the IPv6 address was in set {@code id} at {@code generation}. Allocates nothing. */
    public boolean containsV6(int id, long hi, long lo, long generation) {
        long[] t = (long[]) V6.getAcquire(this);
        long tag = USED | id;
        int mask = t.length / 5 - 1;
        for (int i = hash6(id, hi, lo) & mask; ; i = (i + 1) & mask) {
            // acquire: the address words of a slot are complete once its tag is seen
            long w = (long) SLOT.getAcquire(t, 5 * i);
            if (w == 0) return false;
            if (w == tag && t[5 * i + 1] == hi && t[5 * i + 2] == lo
                    && generation < (long) SLOT.getAcquire(t, 5 * i + 4) && (long) SLOT.getAcquire(t, 5 * i + 3) <= generation) {
                return true;
            }
        }
    }

    /** Bytes of the two hash tables. */
    public long memoryBytes() {
        Slots4 slots = (Slots4) V4.getAcquire(this);
        return 8L * (slots.keys.length + slots.spans.length + ((long[]) V6.getAcquire(this)).length);
    }

    // ---- set conditions of rules (see SetMatch.encode) -------------------------------------------

    /** Whether an IPv4 header passes every encoded condition. */
    boolean passV4(int[] conditions, int src, int dst, long generation) {
        for (int c : conditions) {
            if (containsV4(c >>> 2, (c & SetMatch.DST) == 0 ? src : dst, generation) == ((c & SetMatch.NEGATED) != 0)) return false;
        }
        return true;
    }

    boolean passV6(int[] conditions, long srcHi, long srcLo, long dstHi, long dstLo, long generation) {
        for (int c : conditions) {
            boolean dst = (c & SetMatch.DST) != 0;
            boolean in = containsV6(c >>> 2, dst ? dstHi : srcHi, dst ? dstLo : srcLo, generation);
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

    /** Whether an interval may still be seen by some reader: not empty, and ending after the floor. */
    private boolean readable(long added, long removed) {
        return added < removed && removed > floor;
    }

    /** New arrays holding the readable slots only, at load at most 1/4, published with a release store. */
    private void rehash4() {
        long[] oldKeys = v4.keys(), oldSpans = v4.spans();
        int live = 0;
        for (int o = 0; o < oldKeys.length; o++) if (readable4(oldKeys, oldSpans, o)) live++;
        int capacity = Integer.highestOneBit(Math.max(16, 4 * (live + 1) - 1)) * 2;
        long[] keys = new long[capacity], spans = new long[2 * capacity];
        int mask = capacity - 1;
        unsettledCount4 = 0;
        for (int o = 0; o < oldKeys.length; o++) {
            long w = oldKeys[o];
            if (!readable4(oldKeys, oldSpans, o)) continue;
            int i = hash4(setOf(w), (int) w) & mask;
            while (keys[i] != 0) i = (i + 1) & mask;
            keys[i] = w;
            spans[2 * i] = oldSpans[2 * o];
            spans[2 * i + 1] = w < 0 ? NEVER : oldSpans[2 * o + 1];
            if (w >= 0 && spans[2 * i + 1] == NEVER) member4(keys, spans, i);
        }
        v4Used = live;
        V4.setRelease(this, new Slots4(keys, spans)); // release: every slot is written before a reader can see them
    }

    private boolean readable4(long[] keys, long[] spans, int i) {
        long w = keys[i];
        return w < 0 || (w != 0 && readable(spans[2 * i], spans[2 * i + 1]));
    }

    private long[] rehash6(long[] old) {
        int live = 0;
        for (int o = 0; o < old.length; o += 5) if (old[o] != 0 && readable(old[o + 3], old[o + 4])) live++;
        int capacity = Integer.highestOneBit(Math.max(16, 4 * (live + 1) - 1)) * 2;
        long[] t = new long[5 * capacity];
        int mask = capacity - 1;
        for (int o = 0; o < old.length; o += 5) {
            long w = old[o];
            if (w == 0 || !readable(old[o + 3], old[o + 4])) continue;
            int i = hash6((int) (w & ~USED), old[o + 1], old[o + 2]) & mask;
            while (t[5 * i] != 0) i = (i + 1) & mask;
            System.arraycopy(old, o, t, 5 * i, 5);
        }
        v6Used = live;
        V6.setRelease(this, t);
        return t;
    }
}
