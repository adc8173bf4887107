package ocelot.fastpath.neighbour;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * IPv4 and IPv6 neighbours (address to MAC and port), shared by all workers: static entries
 * from the control plane and entries learned from ARP replies and neighbour advertisements. Open addressing with linear probing
 * over two {@link AtomicLongArray}s; a key slot is claimed once with a CAS and never freed,
 * and the value is published with a release store after it, so a reader that sees the key
 * with an acquire load sees a whole value. Learning is rare (an ARP reply) and lookups are
 * per burst per next hop, so this never contends in practice.
 *
 * <p>Value layout: MAC in the low 48 bits, port index in bits 48..62; 0 = not yet resolved.
 *
 * <p>IPv6 keys are two words, which one CAS cannot claim: a slot's state goes 0 (free) to 1
 * (claimed, by CAS) to 2 (key written, release store); readers only compare keys of state-2
 * slots. Two writers racing for the same new address may each claim a slot; lookups then find
 * the first, and both hold a valid answer.
 */
public final class NeighbourTable {
    public static final long UNRESOLVED = 0;
    private static final int MAX_PROBES = 32;

    private final int mask;
    private final AtomicLongArray keys;
    private final AtomicLongArray values;
    private final AtomicIntegerArray state6;
    private final AtomicLongArray keys6Hi, keys6Lo, values6;
    /**
     * Bumped after every change of a resolved MAC or port (not on a refresh with the same
     * answer): workers tag the forwarding results they cache in a flow with it, so a learned
     * change invalidates them without a snapshot publication.
     */
    private final AtomicInteger version = new AtomicInteger();

    public NeighbourTable(int capacity) {
        if (capacity < 16 || Integer.bitCount(capacity) != 1) throw new IllegalArgumentException("neighbour table capacity must be a power of two >= 16, got " + capacity);
        this.mask = capacity - 1;
        this.keys = new AtomicLongArray(capacity);
        this.values = new AtomicLongArray(capacity);
        this.state6 = new AtomicIntegerArray(capacity);
        this.keys6Hi = new AtomicLongArray(capacity);
        this.keys6Lo = new AtomicLongArray(capacity);
        this.values6 = new AtomicLongArray(capacity);
    }

    private static int hash6(long hi, long lo) {
        long x = (hi * 0x9E3779B97F4A7C15L) ^ lo;
        x = (x ^ (x >>> 29)) * 0xBF58476D1CE4E5B9L;
        return (int) (x ^ (x >>> 32)) >>> 3;
    }

    /** Records or refreshes an IPv6 address -> mac on port; false when the table is full around the slot. */
    public boolean put6(long hi, long lo, long mac, int port) {
        int slot = hash6(hi, lo) & mask;
        for (int probe = 0; probe < MAX_PROBES; probe++, slot = (slot + 1) & mask) {
            int st = state6.getAcquire(slot);
            if (st == 0 && state6.compareAndSet(slot, 0, 1)) {
                keys6Hi.setPlain(slot, hi);
                keys6Lo.setPlain(slot, lo);
                values6.setPlain(slot, pack(mac, port));
                state6.setRelease(slot, 2); // publishes key and value together
                version.incrementAndGet();
                return true;
            }
            if (st == 2 && keys6Hi.getPlain(slot) == hi && keys6Lo.getPlain(slot) == lo) {
                long value = pack(mac, port);
                if (values6.getAndSet(slot, value) != value) version.incrementAndGet();
                return true;
            }
        }
        return false;
    }

    /** The packed value of an IPv6 neighbour or {@link #UNRESOLVED}. */
    public long get6(long hi, long lo) {
        int slot = hash6(hi, lo) & mask;
        for (int probe = 0; probe < MAX_PROBES; probe++, slot = (slot + 1) & mask) {
            int st = state6.getAcquire(slot);
            if (st == 0) return UNRESOLVED;
            if (st == 2 && keys6Hi.getPlain(slot) == hi && keys6Lo.getPlain(slot) == lo) return values6.getAcquire(slot);
        }
        return UNRESOLVED;
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
                // a volatile swap publishes the value to workers that read the key with acquire;
                // the version moves after it, so a worker that sees the new version sees the new MAC
                long value = pack(mac, port);
                if (values.getAndSet(slot, value) != value) version.incrementAndGet();
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

    /**
     * Forgets every answer learned or set on {@code port} (a removed port: its neighbours are
     * resolved again if a route sends there through another port). The keys stay (slots are
     * never freed); a concurrent learn on another port wins. Control-plane work: a full scan.
     */
    public void forgetPort(int port) {
        boolean changed = false;
        for (int slot = 0; slot <= mask; slot++) {
            long v = values.get(slot);
            if (v != UNRESOLVED && port(v) == port) changed |= values.compareAndSet(slot, v, UNRESOLVED);
            long v6 = values6.get(slot);
            if (v6 != UNRESOLVED && port(v6) == port) changed |= values6.compareAndSet(slot, v6, UNRESOLVED);
        }
        if (changed) version.incrementAndGet();
    }

    /** How many times a resolved answer changed; read once per burst, before any lookup. */
    public int version() { return version.get(); }

    public static long pack(long mac, int port) { return (mac & 0xFFFF_FFFF_FFFFL) | ((long) port << 48); }

    public static long mac(long value) { return value & 0xFFFF_FFFF_FFFFL; }

    public static int port(long value) { return (int) (value >>> 48); }
}
