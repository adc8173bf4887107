package ocelot.fastpath.neighbour;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * IPv4 neighbours (address to MAC and port), shared by all workers: static entries from the
 * control plane and entries learned from ARP replies. Open addressing with linear probing
 * over two {@link AtomicLongArray}s; a key slot is claimed once with a CAS and never freed,
 * and the value is published with a release store after it, so a reader that sees the key
 * with an acquire load sees a whole value. Learning is rare (an ARP reply) and lookups are
 * per burst per next hop, so this never contends in practice.
 *
 * <p>Value layout: MAC in the low 48 bits, port index in bits 48..62; 0 = not yet resolved.
 */
public final class NeighbourTable {
    public static final long UNRESOLVED = 0;
    private static final int MAX_PROBES = 32;

    private final int mask;
    private final AtomicLongArray keys;
    private final AtomicLongArray values;

    public NeighbourTable(int capacity) {
        if (capacity < 16 || Integer.bitCount(capacity) != 1) throw new IllegalArgumentException("neighbour table capacity must be a power of two >= 16, got " + capacity);
        this.mask = capacity - 1;
        this.keys = new AtomicLongArray(capacity);
        this.values = new AtomicLongArray(capacity);
    }

    private static long key(int address) { return (address & 0xFFFFFFFFL) | (1L << 32); }

    private static int hash(int address) { return (address * 0x9E3779B1) >>> 7; }

    /** Records or refreshes address -> mac on port; false when the table is full around the slot. */
    public boolean put(int address, long mac, int port) {
        long k = key(address);
        int slot = hash(address) & mask;
        for (int probe = 0; probe < MAX_PROBES; probe++, slot = (slot + 1) & mask) {
            long cur = keys.getAcquire(slot);
            if (cur == 0 && keys.compareAndSet(slot, 0, k)) cur = k;
            if (cur == k) {
                // release: publishes the value to workers that read the key with acquire
                values.setRelease(slot, pack(mac, port));
                return true;
            }
        }
        return false;
    }

    /** The packed value (mac | port << 48) or {@link #UNRESOLVED}. */
    public long get(int address) {
        long k = key(address);
        int slot = hash(address) & mask;
        for (int probe = 0; probe < MAX_PROBES; probe++, slot = (slot + 1) & mask) {
            long cur = keys.getAcquire(slot);
            if (cur == k) return values.getAcquire(slot);
            if (cur == 0) return UNRESOLVED;
        }
        return UNRESOLVED;
    }

    public static long pack(long mac, int port) { return (mac & 0xFFFF_FFFF_FFFFL) | ((long) port << 48); }

    public static long mac(long value) { return value & 0xFFFF_FFFF_FFFFL; }

    public static int port(long value) { return (int) (value >>> 48); }
}
