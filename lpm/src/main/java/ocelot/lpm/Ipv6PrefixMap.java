package ocelot.lpm;

/**
 * Exact-match store of IPv6 rules for {@link Ipv6RouteTable}: get, the covering rule on delete,
 * forEach. Open addressing, linear probing, backward-shift deletion (Knuth vol. 3, 6.4
 * Algorithm R). Writer-thread only.
 */
final class Ipv6PrefixMap {
    private static final int MIN_CAPACITY = 64;
    private long[] his;
    private long[] los;
    private int[] lengths;   // length + 1; 0 = empty slot
    private int[] nextHops;
    private int mask;
    private int size;

    Ipv6PrefixMap() {
        allocate(MIN_CAPACITY);
    }

    private void allocate(int capacity) {
        his = new long[capacity];
        los = new long[capacity];
        lengths = new int[capacity];
        nextHops = new int[capacity];
        mask = capacity - 1;
    }

    private static int slot(long hi, long lo, int length, int mask) {
        long h = hi * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(lo, 29) ^ length;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }

    private int find(long hi, long lo, int length) {
        for (int i = slot(hi, lo, length, mask); ; i = (i + 1) & mask) {
            int l = lengths[i];
            if (l == 0) return -1 - i;
            if (l == length + 1 && his[i] == hi && los[i] == lo) return i;
        }
    }

    int size() {
        return size;
    }

    int get(long hi, long lo, int length) {
        int i = find(hi, lo, length);
        return i >= 0 ? nextHops[i] : -1;
    }

    /** Inserts or replaces; returns the previous next hop or -1. */
    int put(long hi, long lo, int length, int nextHop) {
        if ((size + 1) * 4L > lengths.length * 3L) rehash(lengths.length * 2);
        int i = find(hi, lo, length);
        if (i >= 0) {
            int previous = nextHops[i];
            nextHops[i] = nextHop;
            return previous;
        }
        i = -1 - i;
        his[i] = hi;
        los[i] = lo;
        lengths[i] = length + 1;
        nextHops[i] = nextHop;
        size++;
        return -1;
    }

    int remove(long hi, long lo, int length) {
        int i = find(hi, lo, length);
        if (i < 0) return -1;
        int removed = nextHops[i];
        int hole = i;
        for (int j = (hole + 1) & mask; lengths[j] != 0; j = (j + 1) & mask) {
            int home = slot(his[j], los[j], lengths[j] - 1, mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                his[hole] = his[j];
                los[hole] = los[j];
                lengths[hole] = lengths[j];
                nextHops[hole] = nextHops[j];
                hole = j;
            }
        }
        lengths[hole] = 0;
        size--;
        if (lengths.length > MIN_CAPACITY && size * 8L < lengths.length) rehash(lengths.length / 2);
        return removed;
    }

    private void rehash(int capacity) {
        long[] oldHis = his;
        long[] oldLos = los;
        int[] oldLengths = lengths;
        int[] oldNextHops = nextHops;
        allocate(capacity);
        for (int i = 0; i < oldLengths.length; i++) {
            if (oldLengths[i] == 0) continue;
            int s = slot(oldHis[i], oldLos[i], oldLengths[i] - 1, mask);
            while (lengths[s] != 0) s = (s + 1) & mask;
            his[s] = oldHis[i];
            los[s] = oldLos[i];
            lengths[s] = oldLengths[i];
            nextHops[s] = oldNextHops[i];
        }
    }

    void forEach(Ipv6RouteConsumer consumer) {
        long[] h = his.clone();
        long[] l = los.clone();
        int[] len = lengths.clone();
        int[] hops = nextHops.clone();
        for (int i = 0; i < len.length; i++) {
            if (len[i] != 0) consumer.accept(h[i], l[i], len[i] - 1, hops[i]);
        }
    }

    long memoryBytes() {
        return lengths.length * (8L + 8L + 4L + 4L);
    }
}
