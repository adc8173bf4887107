package ocelot.fastpath;

import static ocelot.fastpath.Topology.pool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import ocelot.dpdk.MbufBurst;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.port.SoftwarePort;

/**
 * Two workers poll one software port at once (every multi-worker test does: its rxQueues() lets
 * each worker poll it) while frames are injected. Each frame is received exactly once and every
 * mbuf a receive allocates holds a frame: receives that raced used to allocate a burst for the
 * same frames, and the loser failed on an empty queue with its burst allocated (the 64 mbufs
 * PortRemovalUnderTrafficTest once found missing from the pool).
 */
class SoftwarePortConcurrencyTest {
    @Test
    void twoPollersReceiveEachFrameOnceAndKeepNoMbuf() throws Exception {
        try (Topology t = new Topology()) { // EAL and the shared pool
            SoftwarePort port = new SoftwarePort("shared", PortRole.WORKLOAD, 0xEEEE_EEEE_EE09L, pool);
            int frames = 6_000;
            int inUseBefore = pool.inUse();
            AtomicInteger received = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // a hang, not a timing check
            List<Thread> pollers = new ArrayList<>();
            for (int q = 0; q < 2; q++) {
                int queue = q;
                pollers.add(Thread.ofPlatform().start(() -> {
                    try (MbufBurst burst = new MbufBurst(32)) {
                        while (received.get() < frames && failures.isEmpty() && System.nanoTime() < deadline) {
                            int n = port.receive(queue, burst);
                            assertEquals(n, burst.count(), "a receive returned a count its burst does not hold");
                            received.addAndGet(n);
                            burst.freeAll();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            byte[] frame = Frames.udp(Topology.W1_MAC, Topology.EP1_MAC, "10.65.0.2", "10.65.0.4", 1024, 53, 64, 20);
            // a burst and a half at a time, once the pollers emptied the queue: each batch ends
            // with both pollers reaching for its last frames
            for (int injected = 0; injected < frames && failures.isEmpty() && System.nanoTime() < deadline; ) {
                if (port.pendingRx() > 0) {
                    Thread.yield();
                    continue;
                }
                for (int i = 0; i < 48 && injected < frames; i++, injected++) port.inject(frame);
            }
            for (Thread p : pollers) p.join();
            assertTrue(failures.isEmpty(), () -> "a poller failed: " + failures.peek());
            assertEquals(frames, received.get(), "frames received");
            assertEquals(0, port.pendingRx());
            assertEquals(inUseBefore, pool.inUse(), "every mbuf went back to the pool");
        }
    }
}
