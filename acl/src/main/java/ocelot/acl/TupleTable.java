package ocelot.acl;

import java.util.Arrays;

/**
 * One table of a TupleMerge classifier (Daly and Torng, "TupleMerge: Fast Software Packet
 * Processing for Online Packet Classification", IEEE/ACM ToN 2019): every box in it has
 * prefixes at least {@link #srcLen}/{@link #dstLen} long and port/protocol ranges that stay
 * inside one aligned block of {@link #spLen}/{@link #dpLen}/{@link #pLen} leading bits, so all
 * headers a box matches hash to the same key once masked with the table's tuple. A bucket holds
 * the boxes of one key (and of any key colliding in 64 bits: every candidate is verified
 * field by field), sorted by rule index, so the first box that verifies is the bucket's answer.
 *
 * <p>A table is mutable only while its owner builds it; once a snapshot holding it is published
 * it is never written again (updates work on a {@link #copy()}). Inner {@code int[]} buckets are
 * never mutated in place, so copies share them.
 */
final class TupleTable {
    final int family;
    final int srcLen, dstLen, spLen, dpLen, pLen;
    final long srcMask, dstMask;
    final int spMask, dpMask, pMask;

    int count;
    long[] eSrc, eSrcMask, eDst, eDstMask;
    long[] eSrcLo, eSrcMaskLo, eDstLo, eDstMaskLo; // IPv6 tables only
    int[] eSpLo, eSpWidth, eDpLo, eDpWidth, ePLo, ePWidth, eSlot;

    long[] keys;        // 0 = empty slot; open addressing, linear probing
    int[][] buckets;    // entry positions sorted by rule index
    int usedKeys;
    int bestSlot = -1;  // slot of the lowest-index rule in this table

    TupleTable(int family, int srcLen, int dstLen, int spLen, int dpLen, int pLen) {
        this.family = family;
        this.srcLen = srcLen;
        this.dstLen = dstLen;
        this.spLen = spLen;
        this.dpLen = dpLen;
        this.pLen = pLen;
        srcMask = Prefix.maskHi(srcLen);
        dstMask = Prefix.maskHi(dstLen);
        spMask = (0xFFFF << (16 - spLen)) & 0xFFFF;
        dpMask = (0xFFFF << (16 - dpLen)) & 0xFFFF;
        pMask = (0xFF << (8 - pLen)) & 0xFF;
        allocateEntries(8);
        keys = new long[16];
        buckets = new int[16][];
    }

    private TupleTable(TupleTable o) {
        this(o.family, o.srcLen, o.dstLen, o.spLen, o.dpLen, o.pLen);
        count = o.count;
        eSrc = o.eSrc.clone(); eSrcMask = o.eSrcMask.clone(); eDst = o.eDst.clone(); eDstMask = o.eDstMask.clone();
        if (family == 6) {
            eSrcLo = o.eSrcLo.clone(); eSrcMaskLo = o.eSrcMaskLo.clone(); eDstLo = o.eDstLo.clone(); eDstMaskLo = o.eDstMaskLo.clone();
        }
        eSpLo = o.eSpLo.clone(); eSpWidth = o.eSpWidth.clone(); eDpLo = o.eDpLo.clone(); eDpWidth = o.eDpWidth.clone();
        ePLo = o.ePLo.clone(); ePWidth = o.ePWidth.clone(); eSlot = o.eSlot.clone();
        keys = o.keys.clone();
        buckets = o.buckets.clone();
        usedKeys = o.usedKeys;
        bestSlot = o.bestSlot;
    }

    /** A private copy the writer may change before publishing it. */
    TupleTable copy() {
        return new TupleTable(this);
    }

    boolean sameTuple(int s, int d, int sp, int dp, int p) {
        return srcLen == s && dstLen == d && spLen == sp && dpLen == dp && pLen == p;
    }

    /** True when a box with this natural tuple fits this table (every length at least the table's). */
    boolean admits(int s, int d, int sp, int dp, int p) {
        return srcLen <= s && dstLen <= d && spLen <= sp && dpLen <= dp && pLen <= p;
    }

    static long hash(long src, long dst, int sp, int dp, int p) {
        // Multiply-xorshift (SplitMix64's finalizer): every input bit reaches the low bits used
        // for the bucket position.
        long h = src * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(dst, 31) ^ ((long) sp << 40 | (long) dp << 16 | p);
        h ^= h >>> 30;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 27;
        h *= 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return h == 0 ? 1 : h;
    }

    long keyOfBox(RuleCompiler.Box b) {
        return hash(b.src().hi() & srcMask, b.dst().hi() & dstMask, b.srcPortLow() & spMask, b.dstPortLow() & dpMask, b.protocolLow() & pMask);
    }

    private long keyOfEntry(int e) {
        return hash(eSrc[e] & srcMask, eDst[e] & dstMask, eSpLo[e] & spMask, eDpLo[e] & dpMask, ePLo[e] & pMask);
    }

    private int find(long key) {
        int m = keys.length - 1;
        for (int pos = (int) key & m; ; pos = (pos + 1) & m) {
            long k = keys[pos];
            if (k == key || k == 0) return pos;
        }
    }

    int bucketSize(long key) {
        int[] b = buckets[find(key)];
        return b == null ? 0 : b.length;
    }

    void insert(RuleCompiler.Box b, int slot, int[] indexOfSlot) {
        if (count == eSlot.length) allocateEntries(count * 2);
        int e = count++;
        eSrc[e] = b.src().hi(); eSrcMask[e] = Prefix.maskHi(b.src().length());
        eDst[e] = b.dst().hi(); eDstMask[e] = Prefix.maskHi(b.dst().length());
        if (family == 6) {
            eSrcLo[e] = b.src().lo(); eSrcMaskLo[e] = Prefix.maskLo(b.src().length());
            eDstLo[e] = b.dst().lo(); eDstMaskLo[e] = Prefix.maskLo(b.dst().length());
        }
        eSpLo[e] = b.srcPortLow(); eSpWidth[e] = b.srcPortHigh() - b.srcPortLow();
        eDpLo[e] = b.dstPortLow(); eDpWidth[e] = b.dstPortHigh() - b.dstPortLow();
        ePLo[e] = b.protocolLow(); ePWidth[e] = b.protocolHigh() - b.protocolLow();
        eSlot[e] = slot;
        if ((usedKeys + 1) * 2 > keys.length) rehash(keys.length * 2);
        long key = keyOfBox(b);
        int pos = find(key);
        if (keys[pos] == 0) {
            keys[pos] = key;
            usedKeys++;
        }
        int[] old = buckets[pos] == null ? new int[0] : buckets[pos];
        int idx = indexOfSlot[slot];
        int at = 0;
        while (at < old.length && indexOfSlot[eSlot[old[at]]] < idx) at++;
        int[] nb = new int[old.length + 1];
        System.arraycopy(old, 0, nb, 0, at);
        nb[at] = e;
        System.arraycopy(old, at, nb, at + 1, old.length - at);
        buckets[pos] = nb;
        if (bestSlot < 0 || idx < indexOfSlot[bestSlot]) bestSlot = slot;
    }

    boolean holds(int slot) {
        for (int e = 0; e < count; e++) if (eSlot[e] == slot) return true;
        return false;
    }

    /** Removes every entry of {@code slot} (swap with the last entry, so positions stay dense). */
    void removeSlot(int slot, int[] indexOfSlot) {
        for (int e = count - 1; e >= 0; e--) {
            if (eSlot[e] != slot) continue;
            int last = count - 1;
            replaceInBucket(keyOfEntry(e), e, -1);
            if (e != last) {
                replaceInBucket(keyOfEntry(last), last, e);
                moveEntry(last, e);
            }
            count--;
        }
        if (bestSlot == slot) {
            bestSlot = -1;
            for (int e = 0; e < count; e++) {
                if (bestSlot < 0 || indexOfSlot[eSlot[e]] < indexOfSlot[bestSlot]) bestSlot = eSlot[e];
            }
        }
    }

    /** In the bucket of {@code key}, renames entry {@code from} to {@code to}, or drops it when to is -1. */
    private void replaceInBucket(long key, int from, int to) {
        int pos = find(key);
        int[] b = buckets[pos];
        int[] nb;
        if (to < 0) {
            nb = new int[b.length - 1];
            for (int i = 0, j = 0; i < b.length; i++) if (b[i] != from) nb[j++] = b[i];
        } else {
            nb = b.clone();
            for (int i = 0; i < nb.length; i++) if (nb[i] == from) nb[i] = to;
        }
        buckets[pos] = nb; // an empty bucket keeps its key: harmless, and no tombstones needed
    }

    private void moveEntry(int from, int to) {
        eSrc[to] = eSrc[from]; eSrcMask[to] = eSrcMask[from]; eDst[to] = eDst[from]; eDstMask[to] = eDstMask[from];
        if (family == 6) {
            eSrcLo[to] = eSrcLo[from]; eSrcMaskLo[to] = eSrcMaskLo[from]; eDstLo[to] = eDstLo[from]; eDstMaskLo[to] = eDstMaskLo[from];
        }
        eSpLo[to] = eSpLo[from]; eSpWidth[to] = eSpWidth[from]; eDpLo[to] = eDpLo[from]; eDpWidth[to] = eDpWidth[from];
        ePLo[to] = ePLo[from]; ePWidth[to] = ePWidth[from]; eSlot[to] = eSlot[from];
    }

    private void rehash(int capacity) {
        long[] oldKeys = keys;
        int[][] oldBuckets = buckets;
        keys = new long[capacity];
        buckets = new int[capacity][];
        usedKeys = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] == 0 || oldBuckets[i].length == 0) continue; // drop emptied buckets
            int pos = find(oldKeys[i]);
            keys[pos] = oldKeys[i];
            buckets[pos] = oldBuckets[i];
            usedKeys++;
        }
    }

    private void allocateEntries(int n) {
        eSrc = grow(eSrc, n); eSrcMask = grow(eSrcMask, n); eDst = grow(eDst, n); eDstMask = grow(eDstMask, n);
        if (family == 6) {
            eSrcLo = grow(eSrcLo, n); eSrcMaskLo = grow(eSrcMaskLo, n); eDstLo = grow(eDstLo, n); eDstMaskLo = grow(eDstMaskLo, n);
        }
        eSpLo = grow(eSpLo, n); eSpWidth = grow(eSpWidth, n); eDpLo = grow(eDpLo, n); eDpWidth = grow(eDpWidth, n);
        ePLo = grow(ePLo, n); ePWidth = grow(ePWidth, n); eSlot = grow(eSlot, n);
    }

    private static long[] grow(long[] a, int n) {
        return a == null ? new long[n] : Arrays.copyOf(a, n);
    }

    private static int[] grow(int[] a, int n) {
        return a == null ? new int[n] : Arrays.copyOf(a, n);
    }

    long memoryBytes() {
        int longs = family == 6 ? 8 : 4;
        long bytes = (long) eSlot.length * (longs * 8 + 7 * 4) + keys.length * 8L + buckets.length * 4L;
        for (int[] b : buckets) if (b != null) bytes += 16 + 4L * b.length;
        return bytes;
    }

    /**
     * Probes this table for every IPv4 header whose best match so far ({@code best[i]}) is worse
     * than this table's best rule; lowers {@code best[i]} on a hit.
     */
    void classifyV4(HeaderBatch b, int n, int[] best, int tableBest, int[] indexOfSlot) {
        final long sm = srcMask, dm = dstMask;
        final int spm = spMask, dpm = dpMask, pm = pMask;
        final long[] keys = this.keys;
        final int[][] buckets = this.buckets;
        final int m = keys.length - 1;
        final byte[] ver = b.ipVersion;
        final int[] srcs = b.srcV4, dsts = b.dstV4, sps = b.srcPort, dps = b.dstPort, ps = b.protocol;
        for (int i = 0; i < n; i++) {
            int cur = best[i];
            if (cur <= tableBest || ver[i] != 4) continue;
            long s = (long) srcs[i] << 32, d = (long) dsts[i] << 32;
            int sp = sps[i], dp = dps[i], p = ps[i];
            long key = hash(s & sm, d & dm, sp & spm, dp & dpm, p & pm);
            int pos = (int) key & m;
            long k;
            while ((k = keys[pos]) != key) {
                if (k == 0) break;
                pos = (pos + 1) & m;
            }
            if (k == 0) continue;
            for (int e : buckets[pos]) {
                int idx = indexOfSlot[eSlot[e]];
                if (idx >= cur) break;
                if (((s ^ eSrc[e]) & eSrcMask[e]) == 0 && ((d ^ eDst[e]) & eDstMask[e]) == 0
                        && Integer.compareUnsigned(sp - eSpLo[e], eSpWidth[e]) <= 0
                        && Integer.compareUnsigned(dp - eDpLo[e], eDpWidth[e]) <= 0
                        && Integer.compareUnsigned(p - ePLo[e], ePWidth[e]) <= 0) {
                    best[i] = idx;
                    break;
                }
            }
        }
    }

    void classifyV6(HeaderBatch b, int n, int[] best, int tableBest, int[] indexOfSlot) {
        final int m = keys.length - 1;
        for (int i = 0; i < n; i++) {
            int cur = best[i];
            if (cur <= tableBest || b.ipVersion[i] != 6) continue;
            long s = b.srcV6Hi[i], sl = b.srcV6Lo[i], d = b.dstV6Hi[i], dl = b.dstV6Lo[i];
            int sp = b.srcPort[i], dp = b.dstPort[i], p = b.protocol[i];
            long key = hash(s & srcMask, d & dstMask, sp & spMask, dp & dpMask, p & pMask);
            int pos = (int) key & m;
            long k;
            while ((k = keys[pos]) != key) {
                if (k == 0) break;
                pos = (pos + 1) & m;
            }
            if (k == 0) continue;
            for (int e : buckets[pos]) {
                int idx = indexOfSlot[eSlot[e]];
                if (idx >= cur) break;
                if (((s ^ eSrc[e]) & eSrcMask[e]) == 0 && ((d ^ eDst[e]) & eDstMask[e]) == 0
                        && ((sl ^ eSrcLo[e]) & eSrcMaskLo[e]) == 0 && ((dl ^ eDstLo[e]) & eDstMaskLo[e]) == 0
                        && Integer.compareUnsigned(sp - eSpLo[e], eSpWidth[e]) <= 0
                        && Integer.compareUnsigned(dp - eDpLo[e], eDpWidth[e]) <= 0
                        && Integer.compareUnsigned(p - ePLo[e], ePWidth[e]) <= 0) {
                    best[i] = idx;
                    break;
                }
            }
        }
    }
}
