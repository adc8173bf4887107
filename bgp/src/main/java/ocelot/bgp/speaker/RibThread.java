package ocelot.bgp.speaker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.locks.LockSupport;

/**
 * Where the RIB runs: its own thread, fed by the speaker's event loop through a bounded
 * single-producer single-consumer ring of tasks (the Lamport queue, as Agrona's and JCTools'
 * SPSC queues), so decoding and socket I/O on the event loop overlap with table work and
 * encoding on this thread. BIRD 2 is one process loop; a full-table load through it is one core
 * busy, and two of our threads get two shares of a loaded machine's cores (the kernel schedules
 * threads, not processes). Measured on the 1M transit: bgp/README.md.
 *
 * <p>Ordering is the event loop's: it is the only producer, so every peer's UPDATEs, its up and
 * down, and each End-of-RIB reach the RIB in the order the sessions produced them, and the RIB
 * sees exactly the call sequence the single-threaded speaker made ({@code RibThreadTest}).
 * When the ring is full the event loop waits (it stops reading sockets, which is TCP's
 * back-pressure on the sending peers); the RIB thread never waits for the event loop, so the
 * two cannot deadlock. {@link #inline} runs every task at once on the caller, the single-threaded
 * speaker (the A/B reference, and the choice for a 1-core node).
 */
final class RibThread implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RibThread.class);
    /**
     * Tasks are the speaker's batches: one event-loop iteration's UPDATEs (up to 16 reads of up to
     * 64 KiB per socket, Netty's defaults). 32 of them bound what waits for the RIB to tens of MiB
     * in the worst case, about one 1M-transit's worth of decoded UPDATEs.
     */
    static final int CAPACITY = 32;

    private final Runnable[] ring;
    private final int mask;
    /** Next slot the producer fills; written by the event loop only. */
    private volatile long tail;
    /** Next slot the consumer takes; written by the RIB thread only. */
    private volatile long head;
    private volatile boolean consumerParked;
    private volatile boolean closing;
    private final Thread consumer;
    private long tasksRun;
    /** Run on the RIB thread each time the ring runs empty (the speaker's deferred flush). */
    private volatile Runnable onIdle;

    private RibThread(String name, int capacity) {
        if (Integer.bitCount(capacity) != 1) throw new IllegalArgumentException("capacity " + capacity + " is not a power of two");
        this.ring = new Runnable[capacity];
        this.mask = capacity - 1;
        this.consumer = name == null ? null : Thread.ofPlatform().name(name).daemon().unstarted(this::run);
    }

    /** A RIB thread named {@code name}, started. */
    static RibThread started(String name) {
        return started(name, CAPACITY);
    }

    /** With a ring of {@code capacity} tasks (a power of two; tests use tiny ones to exercise back-pressure). */
    static RibThread started(String name, int capacity) {
        RibThread t = new RibThread(name, capacity);
        t.consumer.start();
        return t;
    }

    /** No thread: {@link #submit} runs the task on the caller (the single-threaded speaker). */
    static RibThread inline() {
        return new RibThread(null, 1);
    }

    boolean threaded() {
        return consumer != null;
    }

    /** True on the thread that runs the RIB (the caller's, for an inline one). */
    boolean inRibThread() {
        return consumer == null || Thread.currentThread() == consumer;
    }

    /**
     * Queues {@code task} behind everything submitted before. Single producer: only the event loop
     * (or, before the loop runs, the constructing thread) may call this.
     */
    void submit(Runnable task) {
        if (consumer == null) {
            task.run();
            return;
        }
        if (closing) throw new IllegalStateException("RIB thread closed");
        long t = tail;
        // Full: wait for the RIB to take one (back-pressure; the RIB never waits on us).
        for (int spins = 0; t - head >= ring.length; spins++) {
            if (spins < 64) Thread.onSpinWait();
            else LockSupport.parkNanos(20_000);
        }
        ring[(int) t & mask] = task;
        tail = t + 1; // volatile write publishes the slot
        if (consumerParked) LockSupport.unpark(consumer);
    }

    /** Sets what runs on the RIB thread whenever it has nothing queued (before it waits or stops). */
    void onIdle(Runnable task) {
        onIdle = task;
    }

    private void runIdle() {
        Runnable idle = onIdle;
        if (idle == null) return;
        try {
            idle.run();
        } catch (RuntimeException | Error e) {
            LOG.error("RIB idle task failed", e);
        }
    }

    private void run() {
        long h = head;
        while (true) {
            if (h == tail) {
                runIdle();
                if (h != tail) continue;
                if (closing) return;
                // Empty: spin a little (the next UPDATE of a burst is usually microseconds away), then park.
                for (int spins = 0; spins < 256 && h == tail; spins++) Thread.onSpinWait();
                if (h == tail) {
                    consumerParked = true;
                    if (h == tail && !closing) LockSupport.park(this);
                    consumerParked = false;
                }
                continue;
            }
            int slot = (int) h & mask;
            Runnable task = ring[slot];
            ring[slot] = null;
            head = ++h;
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                // One bad task must not stop the RIB for every other peer.
                LOG.error("RIB task failed", e);
            }
            tasksRun++;
        }
    }

    /** Runs what is queued, then stops the thread (waits up to 10 s). */
    @Override
    public void close() {
        if (consumer == null || closing) return;
        closing = true;
        LockSupport.unpark(consumer);
        try {
            consumer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (consumer.isAlive()) LOG.warn("RIB thread did not stop within 10 s");
    }

    /** Tasks completed so far (read on the RIB thread, or after close). */
    long tasksRun() {
        return tasksRun;
    }
}
