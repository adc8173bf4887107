package ocelot.fastpath;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import ocelot.acl.Action;
import ocelot.acl.Classifier;
import ocelot.acl.ClassifierSnapshot;
import ocelot.acl.IpSetTable;
import ocelot.acl.Rule;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.worker.FastpathConfig;
import ocelot.fastpath.worker.IdleMode;

import static ocelot.fastpath.Topology.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker whose burst processing throws loses that burst, not itself: the fault is injected
 * through the state it forwards from, ep2's ingress classifier throwing while armed (a
 * malformed state, as a classifier bug would be). The burst's mbufs go back to the pool
 * (counted as {@code drop_worker_error}), {@code worker_errors} counts each abandoned burst,
 * rx == tx + dropped + punted still holds, and the same worker forwards the next bursts.
 */
class WorkerFaultTest {
    /** A real classifier whose lookups throw while {@link #faults} is positive (each throw uses one). */
    static final class FaultyClassifier implements Classifier {
        final Classifier real;
        final AtomicInteger faults = new AtomicInteger();
        final AtomicInteger thrown = new AtomicInteger();

        FaultyClassifier(Classifier real) { this.real = real; }

        @Override
        public ClassifierSnapshot snapshot() {
            if (faults.getAndUpdate(f -> f > 0 ? f - 1 : 0) > 0) {
                thrown.incrementAndGet();
                throw new IllegalStateException("injected classifier fault");
            }
            return real.snapshot();
        }

        @Override public void add(int index, Rule rule) { real.add(index, rule); }
        @Override public Rule remove(int index) { return real.remove(index); }
        @Override public void replaceAll(List<Rule> rules) { real.replaceAll(rules); }
        @Override public IpSetTable ipSets() { return real.ipSets(); }
    }

    static FaultyClassifier allowAll() {
        return new FaultyClassifier(rules(Rule.builder(1).action(Action.ALLOW).build()));
    }

    static byte[] toEp2(int sport, int dport) {
        return Frames.udp(W1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", sport, dport, 64, 20);
    }

    static void assertConservedAndNothingLeaked(Topology t) {
        long rx = t.counter(Counter.RX), tx = t.counter(Counter.TX), drop = t.counter(Counter.DROPPED), punt = t.counter(Counter.PUNTED);
        assertEquals(rx, tx + drop + punt, () -> "rx == tx + drop + punt: " + t.fastpath.counters().describeNonZero());
        assertEquals(0, pool.inUse(), "every mbuf of the abandoned bursts went back to the pool");
    }

    @Test
    void aBurstThatThrowsIsFreedAndCountedAndTheNextOneForwards() {
        Topology t = new Topology();
        try {
            FaultyClassifier ingress = allowAll();
            t.ep2Ingress = ingress;
            t.publish();

            // an established flow first, so the faulty burst mixes fused fast-path packets with a new flow
            t.w1.inject(toEp2(5000, 53));
            t.run();
            assertEquals(1, t.w2.drainTransmitted().size());

            ingress.faults.set(1);
            for (int i = 0; i < 5; i++) t.w1.inject(toEp2(5000, 53)); // established: no classifier
            t.w1.inject(toEp2(5001, 53)); // new flow: ingress classified, which throws
            for (int i = 0; i < 4; i++) t.w1.inject(toEp2(5000, 53));
            t.run();
            assertEquals(1, ingress.thrown.get());
            assertEquals(1, t.counter(Counter.WORKER_ERRORS), "one burst abandoned");
            assertEquals(10, t.counter(Counter.DROP_WORKER_ERROR), "the whole burst, fast-path packets included");
            assertEquals(1, t.fastpath.workerErrors());
            assertEquals(0, t.w2.drainTransmitted().size());
            assertConservedAndNothingLeaked(t);

            // the same worker goes on: both flows forward again
            t.w1.inject(toEp2(5000, 53));
            t.w1.inject(toEp2(5001, 53));
            t.run();
            assertEquals(2, t.w2.drainTransmitted().size(), t.fastpath.counters().describeNonZero());
            assertEquals(1, t.counter(Counter.WORKER_ERRORS));
            assertConservedAndNothingLeaked(t);
        } finally {
            t.close();
        }
    }

    @Test
    void workerThreadsKeepForwardingThroughRepeatedFaults() throws Exception {
        Topology t = new Topology(FastpathConfig.defaults().withWorkers(2).withIdle(IdleMode.BACKOFF));
        try {
            FaultyClassifier ingress = allowAll();
            t.ep2Ingress = ingress;
            t.publish();
            t.fastpath.start();
            int faults = 40;
            ingress.faults.set(faults);
            int sent = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            // new flows (each is classified) until every injected fault has fired
            while (ingress.thrown.get() < faults && System.nanoTime() < deadline) {
                for (int i = 0; i < 16; i++) t.w1.inject(toEp2(1024 + (sent++ & 0x7FFF), 53));
                Thread.sleep(1);
            }
            assertEquals(faults, ingress.thrown.get(), "every injected fault fired before the deadline");
            waitForRx(t, sent, deadline);
            long lostInFaults = t.counter(Counter.DROP_WORKER_ERROR);
            assertEquals(faults, t.counter(Counter.WORKER_ERRORS), "one abandoned burst per fault");
            assertTrue(lostInFaults >= faults, "each abandoned burst freed at least the packet that threw");
            assertEquals(sent - lostInFaults, t.w2.drainTransmitted().size(), "everything outside the faulty bursts was forwarded");

            // after the faults: the worker threads still forward every new flow
            int before = sent;
            for (int i = 0; i < 500; i++) {
                t.w1.inject(toEp2(1024 + (sent++ & 0x7FFF), 54));
                if ((i & 31) == 31) Thread.sleep(1);
            }
            waitForRx(t, sent, deadline);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int forwarded = 0;
            while (forwarded < sent - before && System.nanoTime() < end) {
                forwarded += t.w2.drainTransmitted().size();
                Thread.sleep(2);
            }
            t.fastpath.close();
            forwarded += t.w2.drainTransmitted().size();
            assertEquals(sent - before, forwarded, t.fastpath.counters().describeNonZero());
            assertEquals(faults, t.fastpath.workerErrors(), "no further errors, none thrown out of a worker thread");
            assertConservedAndNothingLeaked(t);
        } finally {
            t.close();
        }
    }

    private static void waitForRx(Topology t, int sent, long deadline) throws InterruptedException {
        while ((t.w1.pendingRx() > 0 || t.counter(Counter.RX) < sent) && System.nanoTime() < deadline) Thread.sleep(2);
        assertEquals(sent, t.counter(Counter.RX), "every frame was received before the deadline");
        // the last bursts may still be between receive and dispatch
        long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (t.counter(Counter.TX) + t.counter(Counter.DROPPED) + t.counter(Counter.PUNTED) < sent && System.nanoTime() < settle) Thread.sleep(2);
    }
}
