package ocelot.fastpath.node;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import ocelot.dpdk.MbufBurst;
import ocelot.dpdk.OcelotShim;

/**
 * Applies the burst's staged {@link PacketVector#headDelta}s (encapsulation prepends,
 * decapsulation strips, ICMP errors prepend) in one downcall, then reloads addresses and
 * lengths. Called only for bursts that have a non-zero delta.
 */
public final class HeadAdjuster implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment delta;
    private final MemorySegment addr;

    public HeadAdjuster(int capacity) {
        delta = arena.allocate(ValueLayout.JAVA_SHORT, capacity);
        addr = arena.allocate(ValueLayout.JAVA_LONG, capacity);
    }

    /**
     * Applies the deltas; a packet that could not be adjusted (no headroom, too short) is dropped
     * and its delta cleared. Returns how many failed.
     */
    public int apply(MbufBurst burst, PacketVector v) {
        for (int i = 0; i < v.count; i++) delta.setAtIndex(ValueLayout.JAVA_SHORT, i, v.headDelta[i]);
        int failed = OcelotShim.ocelot_burst_adjust_head(burst.mbufs(), (short) v.count, delta, addr);
        burst.refresh();
        for (int i = 0; i < v.count; i++) {
            v.address[i] = burst.dataAddress(i);
            v.length[i] = burst.dataLength(i);
            if (failed > 0 && v.headDelta[i] != 0 && addr.getAtIndex(ValueLayout.JAVA_LONG, i) == 0) {
                v.headDelta[i] = 0;
                v.drop(i, ocelot.fastpath.counter.Counter.DROP_NO_HEADROOM);
            }
        }
        return failed;
    }

    @Override
    public void close() { arena.close(); }
}
