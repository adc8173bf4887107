package ocelot.acl;

import java.util.Arrays;

/**
 * One table of a TupleMerge classifier (Daly and Torng, "TupleMerge: Fast Software Packet
 * Processing for Online Packet Classification", IEEE/ACM ToN 2019): every box in it has
 * prefixes at least {@link #srcLen}/{@link #dstLen} long and port/protocol ranges that stay
 * inside one aligned block of {@link #spLen}/{@link #dpLen}/{@link #pLen} leading bits, so all
 * headers a box matches hash to the same key once masked with the table's tuple.
 *
 * <p>Immutable once built (readers share it without synchronization); an update builds a new
 * table in O(entries), which at 10k rules stays far below the 1 ms budget.
 *
 * <p>Layout, chosen by measurement: a lookup costs about two cache misses, not ten. A first
 * version kept one array per entry field; verifying one candidate then touched ~10 arrays and
 * the whole classifier ran at 1.3M classifications/s on acl1_10000. Now:
 * <pre>
 * index   long[2 * capacity]: key (0 = empty) | start &lt;&lt; 32 | length      (open addressing)
 * rows    long[E * entries]: one bucket's rows contiguous, sorted by rule index
 *   IPv4 (E = 4): src &lt;&lt; 32 | dst | srcMask &lt;&lt; 32 | dstMask | ports | proto, slot
 *   IPv6 (E = 10): srcHi srcLo dstHi dstLo, four masks, ports, proto+slot
 *   ports = spLow &lt;&lt; 48 | spWidth &lt;&lt; 32 | dpLow &lt;&lt; 16 | dpWidth
 *   proto+slot = pLow &lt;&lt; 56 | pWidth &lt;&lt; 48 | SETS flag (bit 32) | slot
 * </pre>
 * A row whose rule has IP set conditions carries {@link #SETS}: a candidate that passes the box
 * is then accepted only if {@link IpSetTable} says its conditions hold, else the scan goes on.
 * A key is a multiply-xor hash of the masked fields (top bits give the position); two different
 * keys colliding in 64 bits share a bucket, which is harmless since every candidate is verified.
 */
final class TupleTable {
    /** Row flag: the rule has IP set conditions to check after the 5-tuple fields. */
    static final long SETS = 1L << 32;
    static final long K1 = 0x9E3779B97F4A7C15L, K2 = 0xC2B2AE3D27D4EB4FL, K3 = 0xD6E8FEB86659FD93L;

    final int family, stride;
    final int srcLen, dstLen, spLen, dpLen, pLen;
    final long srcMask, dstMask, sdMask;
    final int spMask, dpMask, pMask;
    final long[] index;
    final long[] rows;
    final int count;
    final int shift;
    /**
     * One bit per top-bits value of the keys present, about 16 bits per key: a probe whose bit is
     * clear skips the table without touching {@link #index}. The filters of all tables together
     * are ~2 bytes per rule and stay in L1, while most probes of a packet miss (it matches few
     * tables); measured on acl1_10000 this lifted classify from 1.9M to see README /s.
     */
    final long[] filter;
    final int filterShift;
    final int keys;     // index positions in use, emptied buckets included
    final int bestSlot; // slot of the lowest-index rule in this table
    /**
     * Whether some row carries {@link #SETS}. Tables without one run the plain loops: with the
     * set check compiled into the same loop, fw1_10000 classified 0.83x as fast (same-run
     * before/after, bench/acl/before-after.sh), though the check only runs on a hit.
     */
    final boolean hasSets;

    private TupleTable(int family, int[] tuple, long[] rows, int count, long[] index, int bestSlot) {
        this(family, tuple, rows, count, index, bestSlot, null, countKeys(index));
    }

    private static int countKeys(long[] index) {
        int n = 0;
        for (int pos = 0; pos < index.length / 2; pos++) if (index[2 * pos] != 0) n++;
        return n;
    }

    /** {@code filter} null: build it from the index (or when the row count outgrew it). */
    private TupleTable(int family, int[] tuple, long[] rows, int count, long[] index, int bestSlot, long[] filter, int keys) {
        this.family = family;
        stride = stride(family);
        srcLen = tuple[0]; dstLen = tuple[1]; spLen = tuple[2]; dpLen = tuple[3]; pLen = tuple[4];
        srcMask = Prefix.maskHi(srcLen);
        dstMask = Prefix.maskHi(dstLen);
        sdMask = srcMask | (dstMask >>> 32);
        spMask = (0xFFFF << (16 - spLen)) & 0xFFFF;
        dpMask = (0xFFFF << (16 - dpLen)) & 0xFFFF;
        pMask = (0xFF << (8 - pLen)) & 0xFF;
        this.rows = rows;
        this.count = count;
        this.index = index;
        this.shift = 64 - Integer.numberOfTrailingZeros(index.length / 2);
        this.bestSlot = bestSlot;
        this.keys = keys;
        boolean flagged = false;
        for (int r = 0; r < count && !flagged; r++) flagged = (rows[r * stride + stride - 1] & SETS) != 0;
        hasSets = flagged;
        int bits = Integer.highestOneBit(Math.max(64, count * 16 - 1)) * 2;
        if (filter != null && filter.length * 64 >= bits / 2) {
            this.filter = filter;
            filterShift = 64 - Integer.numberOfTrailingZeros(filter.length * 64);
        } else {
            this.filter = new long[bits / 64];
            filterShift = 64 - Integer.numberOfTrailingZeros(bits);
            for (int pos = 0; pos < index.length / 2; pos++) {
                long key = index[2 * pos];
                if (key == 0) continue;
                int bit = (int) (key >>> filterShift);
                this.filter[bit >>> 6] |= 1L << bit;
            }
        }
    }

    static int stride(int family) {
        return family == 4 ? 4 : 10;
    }

    int[] tuple() {
        return new int[] {srcLen, dstLen, spLen, dpLen, pLen};
    }

    /** The row of a box: see the class comment. */
    static long[] row(int family, RuleCompiler.Box b, int slot, boolean flagged) {
        long ports = (long) b.srcPortLow() << 48 | (long) (b.srcPortHigh() - b.srcPortLow()) << 32
                | (long) b.dstPortLow() << 16 | (b.dstPortHigh() - b.dstPortLow());
        long protoSlot = (long) b.protocolLow() << 56 | (long) (b.protocolHigh() - b.protocolLow()) << 48 | (flagged ? SETS : 0) | slot;
        if (family == 4) {
            long sd = b.src().hi() | (b.dst().hi() >>> 32);
            long m = Prefix.maskHi(b.src().length()) | (Prefix.maskHi(b.dst().length()) >>> 32);
            return new long[] {sd, m, ports, protoSlot};
        }
        return new long[] {b.src().hi(), b.src().lo(), b.dst().hi(), b.dst().lo(),
            Prefix.maskHi(b.src().length()), Prefix.maskLo(b.src().length()),
            Prefix.maskHi(b.dst().length()), Prefix.maskLo(b.dst().length()), ports, protoSlot};
    }

    static int slotOf(long[] rows, int stride, int r) {
        return (int) rows[r * stride + stride - 1];
    }

    /** Natural tuple of a box: its own prefix lengths and the aligned blocks its ranges fit in. */
    static int[] naturalTuple(int family, RuleCompiler.Box b) {
        int cap = family == 4 ? 32 : 64; // IPv6 keys use the top 64 bits; the rest is verified
        return new int[] {Math.min(b.src().length(), cap), Math.min(b.dst().length(), cap),
            16 - bitLength(b.srcPortLow() ^ b.srcPortHigh()), 16 - bitLength(b.dstPortLow() ^ b.dstPortHigh()),
            8 - bitLength(b.protocolLow() ^ b.protocolHigh())};
    }

    private static int bitLength(int x) {
        return 32 - Integer.numberOfLeadingZeros(x);
    }

    static boolean admits(int[] table, int[] natural) {
        for (int i = 0; i < 5; i++) if (table[i] > natural[i]) return false;
        return true;
    }

    // ---- keys -------------------------------------------------------------------------------

    static long hash4(long sd, long pp) {
        return (sd * K1 ^ pp * K2) | 1; // never 0, the empty marker
    }

    static long hash6(long s, long d, long pp) {
        return (s * K1 ^ d * K3 ^ pp * K2) | 1;
    }

    private static long ppOf(int sp, int dp, int p) {
        return (long) sp << 24 | (long) dp << 8 | p;
    }

    /** Key of a row under the masks of tuple {@code t} (the row's low corner is one of its headers). */
    static long keyOfRow(int family, int[] t, long[] rows, int r) {
        int stride = stride(family);
        int o = r * stride;
        long ports = rows[o + stride - 2], ps = rows[o + stride - 1];
        int spm = (0xFFFF << (16 - t[2])) & 0xFFFF, dpm = (0xFFFF << (16 - t[3])) & 0xFFFF, pm = (0xFF << (8 - t[4])) & 0xFF;
        long pp = ppOf((int) (ports >>> 48) & spm, (int) (ports >>> 16) & 0xFFFF & dpm, (int) (ps >>> 56) & pm);
        if (family == 4) {
            return hash4(rows[o] & (Prefix.maskHi(t[0]) | (Prefix.maskHi(t[1]) >>> 32)), pp);
        }
        return hash6(rows[o] & Prefix.maskHi(t[0]), rows[o + 2] & Prefix.maskHi(t[1]), pp);
    }

    long keyOfRow(long[] row) {
        return keyOfRow(family, tuple(), row, 0);
    }

    private int find(long key) {
        int m = index.length / 2 - 1;
        for (int pos = (int) (key >>> shift); ; pos = (pos + 1) & m) {
            long k = index[2 * pos];
            if (k == key || k == 0) return pos;
        }
    }

    int bucketSize(long key) {
        int pos = find(key);
        return index[2 * pos] == 0 ? 0 : (int) index[2 * pos + 1];
    }

    boolean holds(int slot) {
        for (int r = 0; r < count; r++) if (slotOf(rows, stride, r) == slot) return true;
        return false;
    }

    // ---- building -----------------------------------------------------------------------------

    /**
     * Builds a table from {@code count} rows in any order, except that rows with equal keys must
     * come in ascending rule index (they keep that order in their bucket).
     */
    static TupleTable build(int family, int[] tuple, long[] rows, int count, int[] indexOfSlot) {
        int stride = stride(family);
        long[] rowKeys = new long[count];
        int bestSlot = -1;
        for (int r = 0; r < count; r++) {
            rowKeys[r] = keyOfRow(family, tuple, rows, r);
            int slot = slotOf(rows, stride, r);
            if (bestSlot < 0 || indexOfSlot[slot] < indexOfSlot[bestSlot]) bestSlot = slot;
        }
        int[] posOfRow = new int[count];
        int capacity = capacityFor(count);
        long[] index = new long[2 * capacity];
        int keys = fill(index, capacity, rowKeys, posOfRow);
        if (capacityFor(keys) < capacity) {
            // Sized by distinct keys, not rows: big buckets would leave the index mostly empty,
            // and every update copies the index.
            capacity = capacityFor(keys);
            index = new long[2 * capacity];
            fill(index, capacity, rowKeys, posOfRow);
        }
        int start = 0;
        for (int pos = 0; pos < capacity; pos++) {
            if (index[2 * pos] == 0) continue;
            int len = (int) index[2 * pos + 1];
            index[2 * pos + 1] = (long) start << 32; // length re-counted while placing rows
            start += len;
        }
        long[] placed = new long[count * stride];
        for (int r = 0; r < count; r++) {
            int pos = posOfRow[r];
            long v = index[2 * pos + 1];
            int at = (int) (v >>> 32) + (int) v;
            System.arraycopy(rows, r * stride, placed, at * stride, stride);
            index[2 * pos + 1] = v + 1;
        }
        return new TupleTable(family, tuple, placed, count, index, bestSlot);
    }

    /** Index positions for {@code keys} keys: a power of two, load at most 1/2. */
    private static int capacityFor(int keys) {
        return Integer.highestOneBit(Math.max(8, keys * 2 + 1)) * 2;
    }

    /** Inserts every row key (counting bucket lengths); returns the number of distinct keys. */
    private static int fill(long[] index, int capacity, long[] rowKeys, int[] posOfRow) {
        int shift = 64 - Integer.numberOfTrailingZeros(capacity);
        int keys = 0;
        for (int r = 0; r < rowKeys.length; r++) {
            long key = rowKeys[r];
            int pos = (int) (key >>> shift);
            while (index[2 * pos] != 0 && index[2 * pos] != key) pos = (pos + 1) & (capacity - 1);
            if (index[2 * pos] == 0) keys++;
            index[2 * pos] = key;
            index[2 * pos + 1]++; // length, start filled by the caller
            posOfRow[r] = pos;
        }
        return keys;
    }

    /**
     * A new table with {@code row} added after the rows of its bucket with a lower rule index.
     * O(rows + index) array copies, no rehashing: the update path (measured ~0.1 ms at 10k rules).
     */
    TupleTable with(long[] row, int[] indexOfSlot) {
        long key = keyOfRow(row);
        int slot = (int) row[stride - 1];
        int idx = indexOfSlot[slot];
        int best = bestSlot < 0 || idx < indexOfSlot[bestSlot] ? slot : bestSlot;
        int pos = find(key);
        boolean fresh = index[2 * pos] == 0;
        if (fresh && (keys + 1) * 2 > index.length / 2) { // grow: full build at load 1/2
            long[] next = Arrays.copyOf(rows, (count + 1) * stride);
            System.arraycopy(row, 0, next, count * stride, stride);
            return build(family, tuple(), next, count + 1, indexOfSlot);
        }
        // An emptied bucket (length 0) has no meaningful start: it is refilled like a new one, at the end.
        int len = fresh ? 0 : (int) index[2 * pos + 1];
        int at = count;
        if (len > 0) {
            int start = (int) (index[2 * pos + 1] >>> 32);
            at = start + len;
            for (int r = start; r < start + len; r++) {
                if (indexOfSlot[slotOf(rows, stride, r)] > idx) {
                    at = r;
                    break;
                }
            }
        }
        long[] next = new long[(count + 1) * stride];
        System.arraycopy(rows, 0, next, 0, at * stride);
        System.arraycopy(row, 0, next, at * stride, stride);
        System.arraycopy(rows, at * stride, next, (at + 1) * stride, (count - at) * stride);
        long[] nextIndex = index.clone();
        for (int p = 0; p < nextIndex.length / 2; p++) {
            if (p == pos || nextIndex[2 * p] == 0 || (int) nextIndex[2 * p + 1] == 0) continue;
            if ((int) (nextIndex[2 * p + 1] >>> 32) >= at) nextIndex[2 * p + 1] += 1L << 32;
        }
        long[] nextFilter = filter;
        if (fresh) {
            nextFilter = filter.clone();
            int bit = (int) (key >>> filterShift);
            nextFilter[bit >>> 6] |= 1L << bit;
        }
        nextIndex[2 * pos] = key;
        nextIndex[2 * pos + 1] = (long) (len == 0 ? at : (int) (index[2 * pos + 1] >>> 32)) << 32 | (len + 1);
        return new TupleTable(family, tuple(), next, count + 1, nextIndex, best, nextFilter, fresh ? keys + 1 : keys);
    }

    /** A new table without the rows of {@code slot}, or null when nothing is left. No rehashing. */
    TupleTable without(int slot, int[] indexOfSlot) {
        int[] removedBefore = new int[count + 1];
        for (int r = 0; r < count; r++) removedBefore[r + 1] = removedBefore[r] + (slotOf(rows, stride, r) == slot ? 1 : 0);
        int n = count - removedBefore[count];
        if (n == 0) return null;
        if (n == count) return this;
        long[] next = new long[n * stride];
        for (int r = 0, w = 0; r < count; r++) {
            if (removedBefore[r + 1] != removedBefore[r]) continue;
            System.arraycopy(rows, r * stride, next, w * stride, stride);
            w++;
        }
        long[] nextIndex = index.clone();
        for (int p = 0; p < nextIndex.length / 2; p++) {
            if (nextIndex[2 * p] == 0) continue;
            int start = (int) (nextIndex[2 * p + 1] >>> 32), len = (int) nextIndex[2 * p + 1];
            if (len == 0) {
                nextIndex[2 * p + 1] = 0; // an emptied bucket's start means nothing (see with)
                continue;
            }
            int gone = removedBefore[start + len] - removedBefore[start];
            // An emptied bucket keeps its key with length 0 until the next full build.
            nextIndex[2 * p + 1] = (long) (start - removedBefore[start]) << 32 | (len - gone);
        }
        int best = bestSlot;
        if (best == slot) {
            best = -1;
            for (int r = 0; r < n; r++) {
                int s = slotOf(next, stride, r);
                if (best < 0 || indexOfSlot[s] < indexOfSlot[best]) best = s;
            }
        }
        return new TupleTable(family, tuple(), next, n, nextIndex, best, filter, keys);
    }

    /** Checks that the buckets tile the rows exactly and each row sits under its own key (tests). */
    void checkInvariants(int[] indexOfSlot) {
        int[] owner = new int[count];
        java.util.Arrays.fill(owner, -1);
        for (int p = 0; p < index.length / 2; p++) {
            if (index[2 * p] == 0) continue;
            int start = (int) (index[2 * p + 1] >>> 32), len = (int) index[2 * p + 1];
            for (int r = start; r < start + len; r++) {
                if (r >= count || owner[r] >= 0) throw new IllegalStateException(this + ": row " + r + " claimed twice or out of range");
                owner[r] = p;
                if (keyOfRow(family, tuple(), rows, r) != index[2 * p]) throw new IllegalStateException(this + ": row " + r + " under a foreign key");
                if (r > start && indexOfSlot[slotOf(rows, stride, r - 1)] > indexOfSlot[slotOf(rows, stride, r)]) {
                    throw new IllegalStateException(this + ": bucket out of rule order at row " + r);
                }
            }
        }
        for (int r = 0; r < count; r++) if (owner[r] < 0) throw new IllegalStateException(this + ": row " + r + " in no bucket");
    }

    long memoryBytes() {
        return 8L * (index.length + rows.length + filter.length) + 64;
    }

    // ---- lookup -------------------------------------------------------------------------------

    /**
     * Probes this table for the IPv4 headers {@code active[0..count)} of the burst, each with a
     * best match so far ({@code best[i]}) worse than this table's best rule; lowers
     * {@code best[i]} on a hit. Compacts {@code active} in place to the headers whose best is
     * still worse than {@code nextBest} (the next table's best rule: a header at or under it can
     * gain nothing from any later table) and returns their number. Later tables so loop over the
     * headers still open only; with a pass over the whole burst per table, fw4_10000 (68 tables,
     * ~40 visited per burst) spent more in the passes than in the probes. Uses the loop this
     * table needs: with IP set checks only if some row has conditions.
     */
    int classifyV4(HeaderBatch b, int[] active, int count, int[] best, int nextBest, int[] indexOfSlot, int[][] setsOfSlot, IpSetTable sets, long generation) {
        return hasSets ? classifyV4Sets(b, active, count, best, nextBest, indexOfSlot, setsOfSlot, sets, generation) : classifyV4(b, active, count, best, nextBest, indexOfSlot);
    }

    int classifyV6(HeaderBatch b, int[] active, int count, int[] best, int nextBest, int[] indexOfSlot, int[][] setsOfSlot, IpSetTable sets, long generation) {
        return hasSets ? classifyV6Sets(b, active, count, best, nextBest, indexOfSlot, setsOfSlot, sets, generation) : classifyV6(b, active, count, best, nextBest, indexOfSlot);
    }

    int classifyV4(HeaderBatch b, int[] active, int count, int[] best, int nextBest, int[] indexOfSlot) {
        final long sdm = sdMask;
        final int spm = spMask, dpm = dpMask, pm = pMask, sh = shift, fsh = filterShift;
        final long[] index = this.index, rows = this.rows, filter = this.filter;
        final int m = index.length / 2 - 1;
        final int[] srcs = b.srcV4, dsts = b.dstV4, sps = b.srcPort, dps = b.dstPort, ps = b.protocol;
        int open = 0;
        for (int a = 0; a < count; a++) {
            int i = active[a];
            int cur = best[i];
            probe:
            {
            long sd = (long) srcs[i] << 32 | (dsts[i] & 0xFFFF_FFFFL);
            int sp = sps[i], dp = dps[i], p = ps[i];
            long key = hash4(sd & sdm, ppOf(sp & spm, dp & dpm, p & pm));
            int bit = (int) (key >>> fsh);
            if ((filter[bit >>> 6] & (1L << bit)) == 0) break probe;
            int pos = (int) (key >>> sh);
            long k;
            while ((k = index[2 * pos]) != key) {
                if (k == 0) break;
                pos = (pos + 1) & m;
            }
            if (k == 0) break probe;
            long v = index[2 * pos + 1];
            int o = (int) (v >>> 32) * 4, end = o + (int) v * 4;
            for (; o < end; o += 4) {
                long ps4 = rows[o + 3];
                int idx = indexOfSlot[(int) ps4];
                if (idx >= cur) break;
                long ports = rows[o + 2];
                if (((sd ^ rows[o]) & rows[o + 1]) == 0
                        && Integer.compareUnsigned(sp - (int) (ports >>> 48), (int) (ports >>> 32) & 0xFFFF) <= 0
                        && Integer.compareUnsigned(dp - ((int) ports >>> 16), (int) ports & 0xFFFF) <= 0
                        && Integer.compareUnsigned(p - (int) (ps4 >>> 56), (int) (ps4 >>> 48) & 0xFF) <= 0) {
                    best[i] = cur = idx;
                    break;
                }
            }
            }
            if (cur > nextBest) active[open++] = i;
        }
        return open;
    }

    int classifyV6(HeaderBatch b, int[] active, int count, int[] best, int nextBest, int[] indexOfSlot) {
        final int m = index.length / 2 - 1;
        int open = 0;
        for (int a = 0; a < count; a++) {
            int i = active[a];
            int cur = best[i];
            probe:
            {
            long s = b.srcV6Hi[i], sl = b.srcV6Lo[i], d = b.dstV6Hi[i], dl = b.dstV6Lo[i];
            int sp = b.srcPort[i], dp = b.dstPort[i], p = b.protocol[i];
            long key = hash6(s & srcMask, d & dstMask, ppOf(sp & spMask, dp & dpMask, p & pMask));
            int bit = (int) (key >>> filterShift);
            if ((filter[bit >>> 6] & (1L << bit)) == 0) break probe;
            int pos = (int) (key >>> shift);
            long k;
            while ((k = index[2 * pos]) != key) {
                if (k == 0) break;
                pos = (pos + 1) & m;
            }
            if (k == 0) break probe;
            long v = index[2 * pos + 1];
            int o = (int) (v >>> 32) * 10, end = o + (int) v * 10;
            for (; o < end; o += 10) {
                long ps10 = rows[o + 9];
                int idx = indexOfSlot[(int) ps10];
                if (idx >= cur) break;
                long ports = rows[o + 8];
                if (((s ^ rows[o]) & rows[o + 4]) == 0 && ((sl ^ rows[o + 1]) & rows[o + 5]) == 0
                        && ((d ^ rows[o + 2]) & rows[o + 6]) == 0 && ((dl ^ rows[o + 3]) & rows[o + 7]) == 0
                        && Integer.compareUnsigned(sp - (int) (ports >>> 48), (int) (ports >>> 32) & 0xFFFF) <= 0
                        && Integer.compareUnsigned(dp - ((int) ports >>> 16), (int) ports & 0xFFFF) <= 0
                        && Integer.compareUnsigned(p - (int) (ps10 >>> 56), (int) (ps10 >>> 48) & 0xFF) <= 0) {
                    best[i] = cur = idx;
                    break;
                }
            }
            }
            if (cur > nextBest) active[open++] = i;
        }
        return open;
    }

    int classifyV4Sets(HeaderBatch b, int[] active, int count, int[] best, int nextBest, int[] indexOfSlot, int[][] setsOfSlot, IpSetTable sets, long generation) {
        final long sdm = sdMask;
        final int spm = spMask, dpm = dpMask, pm = pMask, sh = shift, fsh = filterShift;
        final long[] index = this.index, rows = this.rows, filter = this.filter;
        final int m = index.length / 2 - 1;
        final int[] srcs = b.srcV4, dsts = b.dstV4, sps = b.srcPort, dps = b.dstPort, ps = b.protocol;
        int open = 0;
        for (int a = 0; a < count; a++) {
            int i = active[a];
            int cur = best[i];
            probe:
            {
            long sd = (long) srcs[i] << 32 | (dsts[i] & 0xFFFF_FFFFL);
            int sp = sps[i], dp = dps[i], p = ps[i];
            long key = hash4(sd & sdm, ppOf(sp & spm, dp & dpm, p & pm));
            int bit = (int) (key >>> fsh);
            if ((filter[bit >>> 6] & (1L << bit)) == 0) break probe;
            int pos = (int) (key >>> sh);
            long k;
            while ((k = index[2 * pos]) != key) {
                if (k == 0) break;
                pos = (pos + 1) & m;
            }
            if (k == 0) break probe;
            long v = index[2 * pos + 1];
            int o = (int) (v >>> 32) * 4, end = o + (int) v * 4;
            for (; o < end; o += 4) {
                long ps4 = rows[o + 3];
                int idx = indexOfSlot[(int) ps4];
                if (idx >= cur) break;
                long ports = rows[o + 2];
                if (((sd ^ rows[o]) & rows[o + 1]) == 0
                        && Integer.compareUnsigned(sp - (int) (ports >>> 48), (int) (ports >>> 32) & 0xFFFF) <= 0
                        && Integer.compareUnsigned(dp - ((int) ports >>> 16), (int) ports & 0xFFFF) <= 0
                        && Integer.compareUnsigned(p - (int) (ps4 >>> 56), (int) (ps4 >>> 48) & 0xFF) <= 0
                        && ((ps4 & SETS) == 0 || sets.passV4(setsOfSlot[(int) ps4], srcs[i], dsts[i], generation))) {
                    best[i] = cur = idx;
                    break;
                }
            }
            }
            if (cur > nextBest) active[open++] = i;
        }
        return open;
    }

    int classifyV6Sets(HeaderBatch b, int[] active, int count, int[] best, int nextBest, int[] indexOfSlot, int[][] setsOfSlot, IpSetTable sets, long generation) {
        final int m = index.length / 2 - 1;
        int open = 0;
        for (int a = 0; a < count; a++) {
            int i = active[a];
            int cur = best[i];
            probe:
            {
            long s = b.srcV6Hi[i], sl = b.srcV6Lo[i], d = b.dstV6Hi[i], dl = b.dstV6Lo[i];
            int sp = b.srcPort[i], dp = b.dstPort[i], p = b.protocol[i];
            long key = hash6(s & srcMask, d & dstMask, ppOf(sp & spMask, dp & dpMask, p & pMask));
            int bit = (int) (key >>> filterShift);
            if ((filter[bit >>> 6] & (1L << bit)) == 0) break probe;
            int pos = (int) (key >>> shift);
            long k;
            while ((k = index[2 * pos]) != key) {
                if (k == 0) break;
                pos = (pos + 1) & m;
            }
            if (k == 0) break probe;
            long v = index[2 * pos + 1];
            int o = (int) (v >>> 32) * 10, end = o + (int) v * 10;
            for (; o < end; o += 10) {
                long ps10 = rows[o + 9];
                int idx = indexOfSlot[(int) ps10];
                if (idx >= cur) break;
                long ports = rows[o + 8];
                if (((s ^ rows[o]) & rows[o + 4]) == 0 && ((sl ^ rows[o + 1]) & rows[o + 5]) == 0
                        && ((d ^ rows[o + 2]) & rows[o + 6]) == 0 && ((dl ^ rows[o + 3]) & rows[o + 7]) == 0
                        && Integer.compareUnsigned(sp - (int) (ports >>> 48), (int) (ports >>> 32) & 0xFFFF) <= 0
                        && Integer.compareUnsigned(dp - ((int) ports >>> 16), (int) ports & 0xFFFF) <= 0
                        && Integer.compareUnsigned(p - (int) (ps10 >>> 56), (int) (ps10 >>> 48) & 0xFF) <= 0
                        && ((ps10 & SETS) == 0 || sets.passV6(setsOfSlot[(int) ps10], s, sl, d, dl, generation))) {
                    best[i] = cur = idx;
                    break;
                }
            }
            }
            if (cur > nextBest) active[open++] = i;
        }
        return open;
    }

    /**
     * One IPv4 header through this table as {@link #classifyV4} would take it, counting into
     * {@code work} filter hits, index steps and rows read (for {@code TupleMergeClassifier}'s
     * cost estimate; set conditions are taken as holding). Returns the new best index.
     */
    int replayV4(long sd, int sp, int dp, int p, int cur, int[] indexOfSlot, int[] work) {
        long key = hash4(sd & sdMask, ppOf(sp & spMask, dp & dpMask, p & pMask));
        int bit = (int) (key >>> filterShift);
        if ((filter[bit >>> 6] & (1L << bit)) == 0) return cur;
        work[0]++;
        int m = index.length / 2 - 1;
        int pos = (int) (key >>> shift);
        long k;
        while ((k = index[2 * pos]) != key) {
            work[1]++;
            if (k == 0) return cur;
            pos = (pos + 1) & m;
        }
        long v = index[2 * pos + 1];
        for (int o = (int) (v >>> 32) * 4, end = o + (int) v * 4; o < end; o += 4) {
            long ps4 = rows[o + 3];
            int idx = indexOfSlot[(int) ps4];
            if (idx >= cur) return cur;
            work[2]++;
            long ports = rows[o + 2];
            if (((sd ^ rows[o]) & rows[o + 1]) == 0
                    && Integer.compareUnsigned(sp - (int) (ports >>> 48), (int) (ports >>> 32) & 0xFFFF) <= 0
                    && Integer.compareUnsigned(dp - ((int) ports >>> 16), (int) ports & 0xFFFF) <= 0
                    && Integer.compareUnsigned(p - (int) (ps4 >>> 56), (int) (ps4 >>> 48) & 0xFF) <= 0) {
                return idx;
            }
        }
        return cur;
    }

    @Override
    public String toString() {
        return "TupleTable" + Arrays.toString(tuple()) + " rows=" + count;
    }
}
