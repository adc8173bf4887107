package ocelot.bgp.speaker;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RIB thread's hand-off: FIFO under back-pressure, robust to a failing task, drained on close. */
class RibThreadTest {
    @Test
    void tasksRunInSubmissionOrderThroughAFullRing() throws Exception {
        int n = 200_000;
        int[] seen = new int[n];
        int[] next = {0};
        // 4 slots: the producer waits for the consumer thousands of times, and the consumer parks
        // whenever the producer pauses (every 1000 tasks), so both wait paths run.
        RibThread t = RibThread.started("rib-test", 4);
        Thread producer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < n; i++) {
                int v = i;
                t.submit(() -> seen[next[0]++] = v);
                if (i % 1000 == 999) LockSupport.parkNanos(100_000);
            }
        });
        producer.join();
        t.close();
        assertEquals(n, t.tasksRun());
        assertEquals(n, next[0]);
        for (int i = 0; i < n; i++) assertEquals(i, seen[i], "task at position " + i);
    }

    @Test
    void aFailingTaskDoesNotStopTheOnesBehindIt() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        try (RibThread t = RibThread.started("rib-test", 8)) {
            t.submit(() -> {
                throw new IllegalStateException("thrown on purpose by the test");
            });
            t.submit(ran::countDown);
            assertTrue(ran.await(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void closeRunsWhatIsQueuedThenRefusesMore() {
        List<Integer> done = new ArrayList<>();
        RibThread t = RibThread.started("rib-test", 64);
        for (int i = 0; i < 50; i++) {
            int v = i;
            t.submit(() -> {
                LockSupport.parkNanos(100_000);
                done.add(v);
            });
        }
        t.close();
        assertEquals(50, done.size());
        assertThrows(IllegalStateException.class, () -> t.submit(() -> { }));
    }

    @Test
    void inlineRunsOnTheCaller() {
        Thread[] where = new Thread[1];
        RibThread t = RibThread.inline();
        t.submit(() -> where[0] = Thread.currentThread());
        assertEquals(Thread.currentThread(), where[0]);
        assertTrue(t.inRibThread());
    }
}
