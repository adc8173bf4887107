package ocelot.fastpath.counter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One worker's counters, off-heap, single writer (VPP's per-thread counters): the worker
 * increments with plain reads and opaque writes, so a reader on another thread sees each
 * value whole and eventually, and the hot path pays no fence. Readers sum the records of all
 * workers ({@link CounterSet}).
 *
 * <p>Layout (longs): {@link Counter} slots by ordinal; then per port {rx, tx, drop}; then one
 * hit count per policy rule id.
 */
public final class CounterRecord implements AutoCloseable {
    /** Port slots of a record made without a port capacity (tests of single nodes). */
    public static final int DEFAULT_PORTS = 64;
    public static final int PORT_RX = 0;
    public static final int PORT_TX = 1;
    public static final int PORT_DROP = 2;
    private static final int PORT_SLOTS = 3;
    private static final VarHandle LONGS = ValueLayout.JAVA_LONG.arrayElementVarHandle();

    private final Arena arena = Arena.ofShared();
    private final MemorySegment slots;
    private final int portBase;
    private final int ruleBase;
    private final int ruleCapacity;

    public CounterRecord(int ruleCapacity) { this(DEFAULT_PORTS, ruleCapacity); }

    /** @param portCapacity port slots counted (a port's slot index must be below it) */
    public CounterRecord(int portCapacity, int ruleCapacity) {
        if (portCapacity < 1) throw new IllegalArgumentException("portCapacity must be >= 1, got " + portCapacity);
        if (ruleCapacity < 0) throw new IllegalArgumentException("ruleCapacity must be >= 0, got " + ruleCapacity);
        this.ruleCapacity = ruleCapacity;
        this.portBase = Counter.VALUES.length;
        this.ruleBase = portBase + portCapacity * PORT_SLOTS;
        this.slots = arena.allocate(ValueLayout.JAVA_LONG, (long) ruleBase + ruleCapacity);
    }

    private void add(long index, long delta) {
        long v = (long) LONGS.get(slots, 0L, index);
        LONGS.setOpaque(slots, 0L, index, v + delta);
    }

    private long read(long index) { return (long) LONGS.getOpaque(slots, 0L, index); }

    public void add(Counter c, long delta) { add(c.ordinal(), delta); }

    public void increment(Counter c) { add(c.ordinal(), 1); }

    /** Counts a drop by reason ordinal (as carried per packet). */
    public void addByOrdinal(int ordinal, long delta) { add(ordinal, delta); }

    public void addPort(int port, int which, long delta) { add(portBase + (long) port * PORT_SLOTS + which, delta); }

    /** Rule ids beyond the capacity are not counted (the snapshot validates ids up front). */
    public void addRuleHit(int ruleId, long delta) {
        if (ruleId >= 0 && ruleId < ruleCapacity) add(ruleBase + (long) ruleId, delta);
    }

    public long get(Counter c) { return read(c.ordinal()); }

    public long port(int port, int which) { return read(portBase + (long) port * PORT_SLOTS + which); }

    public long ruleHits(int ruleId) { return ruleId >= 0 && ruleId < ruleCapacity ? read(ruleBase + (long) ruleId) : 0; }

    public int ruleCapacity() { return ruleCapacity; }

    @Override
    public void close() { arena.close(); }
}
