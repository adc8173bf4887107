package ocelot.lpm;

import java.util.Arrays;

/**
 * Exact-match store of the IPv4 rules that the lookup structure cannot reproduce on its own
 * (every length but /32): needed to find the covering rule when a prefix is deleted and to
 * answer {@code get} and {@code forEach}. Open addressing with linear probing and
 * backward-shift deletion (Knuth vol. 3, 6.4 Algorithm R), so deletes leave no tombstones
 * under constant churn. Writer-thread only: readers never touch it.
 */
final class Ipv4PrefixMap {
    private static final int MIN_CAPACITY = 64;
    private long[] keys;      // 0 = empty slot; else (prefix << 8) | (length + 1)
    private int[] nextHops;
    private int mask;
    private int size;

    Ipv4PrefixMap() {
        allocate(MIN_CAPACITY);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        nextHops = new int[capacity];
        mask = capacity - 1;
    }

    private static long key(int prefix, int length) {
        return ((prefix & 0xFFFF_FFFFL) << 8) | (length + 1);
    }

    /** Murmur3's fmix64: /32s and /26s of one pool differ only in a few middle bits. */
    private static int slot(long key, int mask) {
        long h = key;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }

    int size() {
        return size;
    }

    /** The next hop, or -1. */
    int get(int prefix, int length) {
        long k = key(prefix, length);
        for (int i = slot(k, mask); ; i = (i + 1) & mask) {
            long found = keys[i];
            if (found == k) return nextHops[i];
            if (found == 0) return -1;
        }
    }

    /** Inserts or replaces; returns the previous next hop or -1. */
    int put(int prefix, int length, int nextHop) {
        if ((size + 1) * 4L > keys.length * 3L) grow(); // load factor 0.75
        long k = key(prefix, length);
        for (int i = slot(k, mask); ; i = (i + 1) & mask) {
            long found = keys[i];
            if (found == k) {
                int previous = nextHops[i];
                nextHops[i] = nextHop;
                return previous;
            }
            if (found == 0) {
                keys[i] = k;
                nextHops[i] = nextHop;
                size++;
                return -1;
            }
        }
    }

    /** Removes; returns the removed next hop or -1. */
    int remove(int prefix, int length) {
        long k = key(prefix, length);
        int i = slot(k, mask);
        while (keys[i] != k) {
            if (keys[i] == 0) return -1;
            i = (i + 1) & mask;
        }
        int removed = nextHops[i];
        // Backward shift: pull later members of the probe run into the hole.
        int hole = i;
        for (int j = (hole + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                nextHops[hole] = nextHops[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        size--;
        if (keys.length > MIN_CAPACITY && size * 8L < keys.length) shrink();
        return removed;
    }

    private void grow() {
        rehash(keys.length * 2);
    }

    private void shrink() {
        rehash(keys.length / 2);
    }

    private void rehash(int capacity) {
        long[] oldKeys = keys;
        int[] oldNextHops = nextHops;
        allocate(capacity);
        for (int i = 0; i < oldKeys.length; i++) {
            long k = oldKeys[i];
            if (k == 0) continue;
            int s = slot(k, mask);
            while (keys[s] != 0) s = (s + 1) & mask;
            keys[s] = k;
            nextHops[s] = oldNextHops[i];
        }
    }

    void forEach(Ipv4RouteConsumer consumer) {
        long[] snapshot = Arrays.copyOf(keys, keys.length);
        int[] hops = Arrays.copyOf(nextHops, nextHops.length);
        for (int i = 0; i < snapshot.length; i++) {
            long k = snapshot[i];
            if (k != 0) consumer.accept((int) (k >>> 8), (int) (k & 0xFF) - 1, hops[i]);
        }
    }

    long memoryBytes() {
        return keys.length * 8L + nextHops.length * 4L;
    }
}
