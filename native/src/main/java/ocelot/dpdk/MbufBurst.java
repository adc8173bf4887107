package ocelot.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * A vector of up to {@code capacity} mbuf pointers plus, structure-of-arrays, each packet's
 * data address and lengths, all off-heap and allocated once. One burst belongs to one thread.
 *
 * <p>Ownership: the mbufs in slots [0, count) belong to whoever holds the burst until they are
 * sent ({@link DpdkPort#txBurst}), freed ({@link #free}) or handed on; each exactly once.
 */
public final class MbufBurst implements AutoCloseable {
    public static final int MAX_CAPACITY = 1024;

    private final Arena arena;
    private final int capacity;
    private final MemorySegment mbufs;
    private final MemorySegment dataAddr;
    private final MemorySegment dataLen;
    private final MemorySegment pktLen;
    private final MemorySegment segs;
    private int count;

    public MbufBurst(int capacity) {
        if (capacity <= 0 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("burst capacity must be 1.." + MAX_CAPACITY + ", got " + capacity);
        }
        this.arena = Arena.ofShared();
        this.capacity = capacity;
        this.mbufs = unscoped(arena.allocate(ADDRESS, capacity));
        this.dataAddr = unscoped(arena.allocate(JAVA_LONG, capacity));
        this.dataLen = unscoped(arena.allocate(JAVA_SHORT, capacity));
        this.pktLen = unscoped(arena.allocate(JAVA_INT, capacity));
        this.segs = unscoped(arena.allocate(JAVA_SHORT, capacity));
    }

    /**
     * The same memory as a segment of the global scope. A downcall that takes a segment of a
     * shared arena acquires and releases the arena around the call (two atomic operations: 2.4%
     * of the fastpath benchmark's profile, at 3-5 downcalls per burst); a global one costs
     * nothing. Safe because the arena is closed only by {@link #close}, after which the burst
     * (one owner, one thread) is never used again.
     */
    private static MemorySegment unscoped(MemorySegment s) {
        return MemorySegment.ofAddress(s.address()).reinterpret(s.byteSize());
    }

    public int capacity() { return capacity; }

    public int count() { return count; }

    public void setCount(int n) {
        if (n < 0 || n > capacity) throw new IllegalArgumentException("count " + n + " outside 0.." + capacity);
        count = n;
    }

    /** The pointer array itself, for downcalls. */
    public MemorySegment mbufs() { return mbufs; }

    public long mbuf(int i) { return mbufs.getAtIndex(JAVA_LONG, i); }

    public void setMbuf(int i, long mbuf) { mbufs.setAtIndex(JAVA_LONG, i, mbuf); }

    /** Reads data address, first-segment length, packet length and segment count of slots [0, count). */
    public void refresh() {
        OcelotShim.ocelot_burst_info(mbufs, (short) count, dataAddr, dataLen, pktLen, segs);
    }

    /** Address of packet i's first byte, valid after {@link #refresh}; read through {@link NativeMemory#ALL}. */
    public long dataAddress(int i) { return dataAddr.getAtIndex(JAVA_LONG, i); }

    public int dataLength(int i) { return Short.toUnsignedInt(dataLen.getAtIndex(JAVA_SHORT, i)); }

    public int packetLength(int i) { return pktLen.getAtIndex(JAVA_INT, i); }

    public int segments(int i) { return Short.toUnsignedInt(segs.getAtIndex(JAVA_SHORT, i)); }

    /**
     * Bulk copy of slots [0, n)'s data addresses, first-segment lengths and segment counts (as
     * {@link #refresh} left them) into Java arrays: three checked copies per burst instead of
     * three checked off-heap reads per packet.
     */
    public void copyInfo(long[] addresses, short[] lengths, short[] segments, int n) {
        MemorySegment.copy(dataAddr, JAVA_LONG, 0, addresses, 0, n);
        MemorySegment.copy(dataLen, JAVA_SHORT, 0, lengths, 0, n);
        MemorySegment.copy(segs, JAVA_SHORT, 0, segments, 0, n);
    }

    /** Stages a new length for packet i; applied to the mbufs by {@link #applyLengths}. */
    public void setDataLength(int i, int len) { dataLen.setAtIndex(JAVA_SHORT, i, (short) len); }

    /** Writes the staged lengths into the mbufs; returns how many did not fit their buffer. */
    public int applyLengths() { return OcelotShim.ocelot_burst_set_len(mbufs, (short) count, dataLen); }

    /** Frees slots [start, count) back to their pools and truncates the burst to start. */
    public void free(int start) {
        if (start < count) OcelotShim.ocelot_pktmbuf_free_bulk(mbufs, (short) start, (short) (count - start));
        count = Math.min(count, start);
    }

    public void freeAll() { free(0); }

    @Override
    public void close() {
        freeAll();
        arena.close();
    }
}
