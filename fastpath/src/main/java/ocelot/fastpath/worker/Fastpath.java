package ocelot.fastpath.worker;

import java.util.ArrayList;
import java.util.List;

import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import ocelot.dpdk.Eal;
import ocelot.fastpath.counter.CounterSet;
import ocelot.fastpath.neighbour.NeighbourTable;
import ocelot.fastpath.port.Port;
import ocelot.fastpath.port.PortTable;

/**
 * The dataplane of one node: its ports, its workers, the control door and the counters.
 * Two ways to run it (Aeron's agent modes): {@link #start} gives every worker its own thread
 * (registered with EAL so DPDK's per-lcore mempool caches work) under an injected idle
 * strategy; invoker mode ({@link #pollOnce}) runs every worker's duty cycle on the caller's
 * thread, so tests are deterministic and never sleep.
 */
public final class Fastpath implements AutoCloseable {
    private final FastpathControl control;
    private final FastpathConfig config;
    private final List<Worker> workers = new ArrayList<>();
    private final CounterSet counters = new CounterSet();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong workerErrors = new java.util.concurrent.atomic.AtomicLong();

    /** A node with no ports yet: they join through {@code control().addPort}. */
    public Fastpath(FastpathConfig config, NanoClock clock) { this(List.of(), config, clock); }

    /** A node with these ports to start with (in this order: slots 0, 1, ...); more may be added and removed. */
    public Fastpath(List<? extends Port> ports, FastpathConfig config, NanoClock clock) {
        this.config = config;
        NeighbourTable neighbours = new NeighbourTable(config.neighbourCapacity());
        this.control = new FastpathControl(PortTable.empty(config.maxPorts()), neighbours, counters, config.workers());
        for (int w = 0; w < config.workers(); w++) {
            Worker worker = new Worker(w, config.workers(), control, neighbours, clock, config, this::burstFailed);
            workers.add(worker);
            counters.register(worker.counters());
        }
        control.attach(workers);
        for (Port p : ports) control.addPort(p);
    }

    public FastpathControl control() { return control; }

    public CounterSet counters() { return counters; }

    /** The ports present now, in polling order. */
    public List<Port> ports() { return control.ports(); }

    public List<Worker> workers() { return workers; }

    /** Slot of the port with this name (what per-port counters are keyed by; stable while the port exists). */
    public int portIndex(String name) {
        int slot = control.portSlot(name);
        if (slot < 0) throw new IllegalArgumentException("no port named " + name);
        return slot;
    }

    /** Invoker mode: one duty cycle of every worker on this thread; returns packets processed. */
    public int pollOnce() {
        int work = 0;
        // indexed, not for-each: C2 scalar-replaces the ArrayList iterator only while doWork's
        // profile lets it inline the loop; a polluted profile left 32 bytes per cycle (ZeroAllocationTest after Nat44Test)
        for (int w = 0; w < workers.size(); w++) work += workers.get(w).doWork();
        return work;
    }

    /** Polls until a cycle finds no packets (at most maxCycles); for tests. */
    public int pollUntilIdle(int maxCycles) {
        int total = 0;
        for (int c = 0; c < maxCycles; c++) {
            int n = pollOnce();
            total += n;
            if (n == 0) break;
        }
        return total;
    }

    /** One thread per worker, each an EAL-registered thread, idling as {@link FastpathConfig#idle()} says. */
    public void start() { start(config.idle()::newStrategy); }

    /** One thread per worker, each an EAL-registered thread, idling with a strategy from {@code idle} (one per worker). */
    public void start(java.util.function.Supplier<IdleStrategy> idle) {
        if (!runners.isEmpty()) throw new IllegalStateException("already started");
        control.threaded(true);
        for (Worker w : workers) {
            AgentRunner r = new AgentRunner(idle.get(), this::workerFailed, null, new RegisteredAgent(w));
            runners.add(r);
            AgentRunner.startOnThread(r);
        }
    }

    private boolean closed;

    private void workerFailed(Throwable t) {
        workerErrors.incrementAndGet();
        t.printStackTrace();
    }

    /** Bursts abandoned whose exception was printed: the first few, then one in every {@link #BURST_ERROR_LOG_EVERY}. */
    private final java.util.concurrent.atomic.AtomicLong burstErrorsSeen = new java.util.concurrent.atomic.AtomicLong();
    private static final int BURST_ERROR_LOG_FIRST = 10;
    private static final int BURST_ERROR_LOG_EVERY = 1000;

    /**
     * A worker abandoned a burst whose processing threw (it freed the burst and counted it in
     * {@code worker_errors}); printed with its stack trace, rate-limited, since a bug that one
     * packet triggers may be triggered by every packet of a flow.
     */
    private void burstFailed(Worker worker, Throwable t) {
        long seen = burstErrorsSeen.incrementAndGet();
        if (seen <= BURST_ERROR_LOG_FIRST || seen % BURST_ERROR_LOG_EVERY == 0) {
            System.err.println(worker.roleName() + ": burst abandoned after an exception (" + seen + " so far; the worker continues)");
            t.printStackTrace();
        }
    }

    /**
     * Exceptions in the workers so far, each a bug: bursts abandoned by a worker that went on
     * ({@code worker_errors}, summed over workers) plus anything thrown out of a worker thread's
     * duty cycle itself. For health checks, metrics and tests.
     */
    public long workerErrors() { return workerErrors.get() + counters.get(ocelot.fastpath.counter.Counter.WORKER_ERRORS); }

    /** Stops the worker threads (if started) and frees the workers' bursts; once. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (AgentRunner r : runners) r.close();
        runners.clear();
        control.threaded(false);
        for (Worker w : workers) w.onClose();
    }

    /** Registers the worker thread with EAL on start so mempool per-lcore caches apply. */
    private record RegisteredAgent(Worker worker) implements org.agrona.concurrent.Agent {
        @Override public void onStart() { Eal.registerThread(); }
        @Override public int doWork() { return worker.doWork(); }
        @Override public void onClose() { Eal.unregisterThread(); }
        @Override public String roleName() { return worker.roleName(); }
    }
}
