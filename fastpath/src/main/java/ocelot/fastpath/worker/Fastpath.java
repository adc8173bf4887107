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

/**
 * The dataplane of one node: its ports, its workers, the control door and the counters.
 * Two ways to run it (Aeron's agent modes): {@link #start} gives every worker its own thread
 * (registered with EAL so DPDK's per-lcore mempool caches work) under an injected idle
 * strategy; invoker mode ({@link #pollOnce}) runs every worker's duty cycle on the caller's
 * thread, so tests are deterministic and never sleep.
 */
public final class Fastpath implements AutoCloseable {
    private final List<Port> ports;
    private final FastpathControl control;
    private final List<Worker> workers = new ArrayList<>();
    private final CounterSet counters = new CounterSet();
    private final List<AgentRunner> runners = new ArrayList<>();

    public Fastpath(List<? extends Port> ports, FastpathConfig config, NanoClock clock) {
        if (ports.isEmpty()) throw new IllegalArgumentException("fastpath needs at least one port");
        if (ports.size() > ocelot.fastpath.counter.CounterRecord.MAX_PORTS) throw new IllegalArgumentException("at most " + ocelot.fastpath.counter.CounterRecord.MAX_PORTS + " ports, got " + ports.size());
        this.ports = List.copyOf(ports);
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Port p : this.ports) if (!names.add(p.name())) throw new IllegalArgumentException("two ports named " + p.name());
        NeighbourTable neighbours = new NeighbourTable(config.neighbourCapacity());
        this.control = new FastpathControl(this.ports, neighbours);
        for (int w = 0; w < config.workers(); w++) {
            Worker worker = new Worker(w, config.workers(), this.ports, control, neighbours, clock, config);
            workers.add(worker);
            counters.register(worker.counters());
        }
    }

    public FastpathControl control() { return control; }

    public CounterSet counters() { return counters; }

    public List<Port> ports() { return ports; }

    public List<Worker> workers() { return workers; }

    /** Index of the port with this name (what counters are keyed by). */
    public int portIndex(String name) {
        for (int p = 0; p < ports.size(); p++) if (ports.get(p).name().equals(name)) return p;
        throw new IllegalArgumentException("no port named " + name);
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

    /** One thread per worker, each an EAL-registered thread. */
    public void start(java.util.function.Supplier<IdleStrategy> idle) {
        if (!runners.isEmpty()) throw new IllegalStateException("already started");
        for (Worker w : workers) {
            AgentRunner r = new AgentRunner(idle.get(), Throwable::printStackTrace, null, new RegisteredAgent(w));
            runners.add(r);
            AgentRunner.startOnThread(r);
        }
    }

    @Override
    public void close() {
        for (AgentRunner r : runners) r.close();
        runners.clear();
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
