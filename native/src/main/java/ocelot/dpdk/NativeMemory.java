package ocelot.dpdk;

import java.lang.foreign.MemorySegment;

/**
 * One segment spanning the whole address space, so packet bytes at an mbuf's data address
 * are read as {@code ALL.get(layout, address + offset)} without creating a segment per packet
 * (which would allocate on the hot path). Bounds are the caller's job: it must stay inside the
 * lengths DPDK reported for that mbuf.
 */
public final class NativeMemory {
    private NativeMemory() {}

    public static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
}
