package ocelot.fastpath.port;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import ocelot.dpdk.MbufBurst;
import ocelot.dpdk.Mempool;
import ocelot.dpdk.NativeMemory;

/**
 * An in-JVM port for tests: frames injected as byte arrays are received as real mbufs from a
 * real mempool (so the pipeline runs exactly as on a NIC), and transmitted mbufs are copied
 * out and freed. The copying allocates; that is the test side, not the pipeline.
 */
public final class SoftwarePort implements Port {
    private final String name;
    private final PortRole role;
    private final long mac;
    private final Mempool pool;
    private final Queue<byte[]> rx = new ConcurrentLinkedQueue<>();
    private final Queue<byte[]> tx = new ConcurrentLinkedQueue<>();
    private volatile int txLimit = Integer.MAX_VALUE;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicInteger usesAfterClose = new java.util.concurrent.atomic.AtomicInteger();

    public SoftwarePort(String name, PortRole role, long mac, Mempool pool) {
        this.name = name;
        this.role = role;
        this.mac = mac;
        this.pool = pool;
    }

    /** Queues a frame to be received by the next {@link #receive}. */
    public void inject(byte[] frame) {
        if (frame.length == 0 || frame.length > pool.dataRoom() - 128) {
            throw new IllegalArgumentException("port " + name + ": frame of " + frame.length + " bytes does not fit an mbuf");
        }
        rx.add(frame.clone());
    }

    /** Frames transmitted so far, oldest first; removes them from the port. */
    public List<byte[]> drainTransmitted() {
        List<byte[]> out = new ArrayList<>();
        for (byte[] f; (f = tx.poll()) != null; ) out.add(f);
        return out;
    }

    public int pendingRx() { return rx.size(); }

    /** Makes the port refuse all but {@code limit} packets per transmit call (a full tx queue). */
    public void limitTransmit(int limit) { txLimit = limit; }

    @Override public String name() { return name; }

    @Override public PortRole role() { return role; }

    @Override public long mac() { return mac; }

    /** Any worker may poll it and send on it: its queues are thread-safe. */
    @Override public int rxQueues() { return 64; }

    @Override public int txQueues() { return 64; }

    /** Synchronized: several workers may poll it (its size and polls must agree). */
    @Override
    public synchronized int receive(int queue, MbufBurst burst) {
        if (closed) {
            usesAfterClose.incrementAndGet();
            burst.setCount(0);
            return 0;
        }
        int n = Math.min(rx.size(), burst.capacity());
        if (n == 0 || !pool.allocate(burst, n)) {
            burst.setCount(0);
            return 0;
        }
        burst.refresh();
        for (int i = 0; i < n; i++) {
            byte[] f = rx.poll();
            MemorySegment.copy(MemorySegment.ofArray(f), 0, NativeMemory.ALL, burst.dataAddress(i), f.length);
            burst.setDataLength(i, f.length);
        }
        burst.applyLengths();
        burst.refresh();
        return n;
    }

    @Override
    public int transmit(int queue, MbufBurst burst, int start, int n) {
        if (n == 0) return 0;
        // a closed device would crash or leak: count the misuse, free the mbufs as sent-and-lost
        int sent = closed ? 0 : Math.min(n, txLimit);
        if (closed) usesAfterClose.incrementAndGet();
        int saved = burst.count();
        // burst_info reads slots [0, count): widen the count over the slots being sent
        burst.setCount(start + n);
        burst.refresh();
        for (int i = start; i < start + sent; i++) {
            byte[] f = new byte[burst.dataLength(i)];
            MemorySegment.copy(NativeMemory.ALL, ValueLayout.JAVA_BYTE, burst.dataAddress(i), f, 0, f.length);
            tx.add(f);
        }
        ocelot.dpdk.OcelotShim.ocelot_pktmbuf_free_bulk(burst.mbufs(), (short) start, (short) n);
        burst.setCount(saved);
        return sent;
    }

    /** Closed like a stopped device: a receive or transmit after this is a bug, counted in {@link #usesAfterClose()}. */
    @Override public void close() { closed = true; }

    /** Receives and transmits attempted after {@link #close()}: what removing a port must make impossible. */
    public int usesAfterClose() { return usesAfterClose.get(); }

    @Override public String toString() { return "SoftwarePort[" + name + " " + role + "]"; }
}
