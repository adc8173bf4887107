package ocelot.bgp.rib;

import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.Prefix;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The Loc-RIB's prefix index: open addressing with linear probing over one array of
 * {@link Destination}s, keyed by the primitive prefix fields each Destination holds (no Prefix
 * object per route). Replaces a
 * {@code HashMap<Prefix, Destination>}, whose 32-byte entry per route was one of five objects a
 * route cost and that young GC copied a million times during a full-table load (JFR on the 1M
 * transit benchmark: young pauses of 0.6-1.6 s). Deletion shifts the probe run back (Knuth
 * 6.4 algorithm R), so there are no tombstones and lookups stay short after churn.
 */
final class DestinationTable implements Iterable<Destination> {
    private static final int MIN_CAPACITY = 16;

    private Destination[] slots = new Destination[MIN_CAPACITY];
    /**
     * Each slot's full hash, beside it, 0 for an empty slot: a probe reads only this array until a
     * hash matches, so inserting a new prefix costs one cache miss (the Destination slot is only
     * written), and resizing touches no Destination. Before, emptiness was read from the
     * Destination slot: two misses per insert (JFR, warm 1M load: getOrAdd ~45% of the samples).
     */
    private int[] hashes = new int[MIN_CAPACITY];
    private int size;

    int size() {
        return size;
    }

    Destination get(Prefix p) {
        return get(p.family() == AddressFamily.IPV6_UNICAST, p.high(), p.low(), p.length());
    }

    Destination get(boolean v6, long high, long low, int length) {
        Destination[] s = slots;
        int[] hs = hashes;
        int mask = s.length - 1;
        int h = hash(v6, high, low, length);
        for (int i = h & mask; ; i = (i + 1) & mask) {
            int hi = hs[i];
            if (hi == 0) return null;
            if (hi == h) {
                Destination d = s[i];
                if (d.is(v6, high, low, length)) return d;
            }
        }
    }

    Destination getOrAdd(Prefix p) {
        return getOrAdd(p.family() == AddressFamily.IPV6_UNICAST, p.high(), p.low(), p.length());
    }

    /** Returns the destination for the prefix, adding an empty one when there is none. */
    Destination getOrAdd(boolean v6, long high, long low, int length) {
        Destination[] s = slots;
        int[] hs = hashes;
        int mask = s.length - 1;
        int h = hash(v6, high, low, length);
        int i = h & mask;
        for (; ; i = (i + 1) & mask) {
            int hi = hs[i];
            if (hi == 0) break;
            if (hi == h) {
                Destination d = s[i];
                if (d.is(v6, high, low, length)) return d;
            }
        }
        Destination d = Destination.of(v6, high, low, length);
        s[i] = d;
        hs[i] = h;
        // Load factor 1/2: probe runs stay short; 1M routes cost 2M slots (16 MiB with the hashes).
        if (++size > s.length >>> 1) resize(s.length << 1);
        return d;
    }

    /** Removes {@code x} (this very object) when it is a member. */
    void remove(Destination x) {
        Destination[] s = slots;
        int[] hs = hashes;
        int mask = s.length - 1;
        int h = hash(x.v6, x.high(), x.low, x.prefixLength());
        int i = h & mask;
        for (; ; i = (i + 1) & mask) {
            int hi = hs[i];
            if (hi == 0) return;
            if (hi == h && s[i] == x) break;
        }
        // Algorithm R: move later members of the run into the hole when their home allows it.
        int hole = i;
        for (int j = (hole + 1) & mask; hs[j] != 0; j = (j + 1) & mask) {
            int home = hs[j] & mask;
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                s[hole] = s[j];
                hs[hole] = hs[j];
                hole = j;
            }
        }
        s[hole] = null;
        hs[hole] = 0;
        size--;
        // Shrink late and in one step: halving at 1/8 reallocated the arrays at every halving of a
        // mass withdrawal (16 B per withdrawn route, new pages the process had not touched: RSS
        // grew while routes went). Kept arrays cost nothing more; at 1/64 they go in one copy.
        if (size < s.length >>> 6 && s.length > MIN_CAPACITY) resize(Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, size) * 4 - 1) << 1));
    }

    void remove(Prefix p) {
        Destination d = get(p);
        if (d != null) remove(d);
    }

    private void resize(int capacity) {
        Destination[] old = slots;
        int[] oldHashes = hashes;
        Destination[] s = new Destination[capacity];
        int[] hs = new int[capacity];
        int mask = capacity - 1;
        for (int k = 0; k < old.length; k++) {
            if (oldHashes[k] == 0) continue;
            int i = oldHashes[k] & mask;
            while (hs[i] != 0) i = (i + 1) & mask;
            s[i] = old[k];
            hs[i] = oldHashes[k];
        }
        slots = s;
        hashes = hs;
    }

    /** A copy of the members, for walks that remove while they go (peer down, stale sweep). */
    Destination[] snapshot() {
        Destination[] out = new Destination[size];
        int n = 0;
        for (Destination d : slots) if (d != null) out[n++] = d;
        return out;
    }

    /** Iterates the live array; the table must not change structurally meanwhile. */
    @Override
    public Iterator<Destination> iterator() {
        Destination[] s = slots;
        return new Iterator<>() {
            private int i = advance(0);

            private int advance(int from) {
                while (from < s.length && s[from] == null) from++;
                return from;
            }

            @Override
            public boolean hasNext() {
                return i < s.length;
            }

            @Override
            public Destination next() {
                if (i >= s.length) throw new NoSuchElementException();
                Destination d = s[i];
                i = advance(i + 1);
                return d;
            }
        };
    }

    /** Consecutive prefixes of one length share a block of this many slots (one 64-octet line of hashes). */
    static final int BLOCK = 16;

    /**
     * Blocked hashing: an IPv4 prefix's number (its network bits: consecutive /24s are
     * consecutive numbers) keeps its low 4 bits as the low bits of the hash, and only the rest
     * is mixed (Fibonacci hashing). Sixteen consecutive prefixes thus land in one aligned block
     * of 16 slots, one cache line of hashes and one of references, instead of 16 random lines:
     * a full table arrives in prefix order from BIRD, FRR or our own packer, and a Calico block's
     * /32s are consecutive. Scattered prefixes still get a random block each. Measured in-process
     * (1M /32s or /24s into an empty table, C1, thread CPU, load 4): sequential inserts 250-340 ->
     * 80-120 ms, lookups 150-280 -> 50-80 ms; random and 16-apart /32s 180-390 ms either way. The earlier
     * locality hash kept whole 64K-long runs together, and linear probing turned the meeting of two
     * runs into probe chains of thousands (1M load 2-4 s -> 20-30 s); a block of 16 displaced by
     * another probes about one more line. IPv6 is mixed whole (rare in a Calico table).
     */
    static int hash(boolean v6, long high, long low, int length) {
        if (v6) {
            long h = (low * 0x9E3779B97F4A7C15L) ^ (high * 0xC2B2AE3D27D4EB4FL) ^ ((long) length << 1 | 1);
            h *= 0x9E3779B97F4A7C15L;
            int r = (int) (h ^ (h >>> 29) ^ (h >>> 47));
            return r == 0 ? 1 : r; // 0 marks an empty slot
        }
        long number = low >>> (32 - length); // length 0: low >>> 32 == 0 (low holds 32 bits)
        long h = ((number >>> 4) + ((long) length << 32)) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        int m = (int) (h >>> 32);
        // The offset in the block is the number's low bits XOR mixed bits: still a permutation of the
        // block for its 16 prefixes, but prefixes 16 apart (one per block) do not all share one offset.
        int r = (m & -BLOCK) | (((int) number ^ m) & (BLOCK - 1));
        return r == 0 ? BLOCK : r; // 0 marks an empty slot
    }
}
