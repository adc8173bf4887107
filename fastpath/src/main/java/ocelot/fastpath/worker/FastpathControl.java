package ocelot.fastpath.worker;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import ocelot.fastpath.counter.CounterSet;
import ocelot.fastpath.neighbour.NeighbourTable;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.port.Port;
import ocelot.fastpath.port.PortTable;
import ocelot.fastpath.state.DataplaneState;
import ocelot.fastpath.state.ForwardingSnapshot;
import ocelot.fastpath.state.Neighbour;
import ocelot.fastpath.state.SnapshotCompiler;

/**
 * The one door from the control plane into the dataplane (Aeron's {@code SenderProxy}): it
 * compiles a {@link DataplaneState} into a {@link ForwardingSnapshot} on the caller's thread
 * and publishes it with a single volatile store; ports join and leave through it too, as a new
 * snapshot over the new port set. Workers load the reference once per duty cycle and never
 * block; a state or port change that fails validation throws and the snapshot in use stays.
 * Nothing else crosses from control threads to workers. Every method is thread-safe (one
 * caller at a time inside).
 */
public final class FastpathControl {
    /** How long {@link #removePort} waits for every worker to finish the cycle it is in. */
    static final long QUIESCE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final NeighbourTable neighbours;
    private final CounterSet counters;
    private final int workerCount;
    private volatile ForwardingSnapshot current;
    private final SnapshotCompiler compiler = new SnapshotCompiler();
    private PortTable ports;
    private long generation;
    private List<Worker> workers = List.of();
    /** True while workers run on their own threads ({@link Fastpath#start}); false in invoker mode. */
    private volatile boolean threaded;

    FastpathControl(PortTable ports, NeighbourTable neighbours, CounterSet counters, int workerCount) {
        this.ports = ports;
        this.neighbours = neighbours;
        this.counters = counters;
        this.workerCount = workerCount;
    }

    void attach(List<Worker> workers) { this.workers = List.copyOf(workers); }

    void threaded(boolean on) { this.threaded = on; }

    /**
     * Validates, compiles and publishes; returns the new generation. Costs what changed against
     * the state published before (see {@link SnapshotCompiler}); when endpoints come or go
     * together with route changes it first publishes a bridge snapshot knowing both and waits
     * for every worker thread to finish the duty cycle it is in (one cycle, or one park of the
     * idle strategy) before the route table moves.
     */
    public synchronized long publish(DataplaneState state) {
        SnapshotCompiler.Plan plan = compiler.prepare(state, ports);
        for (Neighbour n : state.neighbours()) {
            if (!neighbours.put(n.address(), n.mac(), ports.slot(n.port()))) {
                throw new IllegalStateException("neighbour table full adding " + Ipv4.format(n.address()));
            }
        }
        if (state.ipv6() != null) {
            for (ocelot.fastpath.state.Neighbour6 n : state.ipv6().neighbours()) {
                if (!neighbours.put6(n.address().hi(), n.address().lo(), n.mac(), ports.slot(n.port()))) {
                    throw new IllegalStateException("neighbour table full adding " + n.address());
                }
            }
        }
        ForwardingSnapshot bridge = plan.bridgeSnapshot(generation + 1);
        if (bridge != null) {
            swapIn(bridge);
            awaitWorkersPastCurrent("publishing generation " + (generation + 1));
        }
        swapIn(plan.apply(generation + 1));
        return generation;
    }

    /**
     * Adds a port at runtime: from the next duty cycle every worker whose index is below the
     * port's {@link Port#rxQueues()} polls it (worker w, queue w), and any worker may send to it
     * (each on its own tx queue, hence {@code txQueues() >= workers}). States published from now
     * on may name it. Returns the port's slot (its index in per-port counters).
     *
     * @throws IllegalArgumentException a port of that name exists, or too few queues (naming the port)
     * @throws IllegalStateException every slot is in use ({@link FastpathConfig#maxPorts()})
     */
    public synchronized int addPort(Port port) {
        if (port.rxQueues() < 1) throw new IllegalArgumentException("port " + port.name() + ": no rx queue");
        if (port.txQueues() < workerCount) {
            throw new IllegalArgumentException("port " + port.name() + " has " + port.txQueues() + " tx queue(s) but the fastpath runs "
                    + workerCount + " workers, each sending on its own queue: configure the device with txQueues >= " + workerCount);
        }
        PortTable next = ports.with(port);
        int slot = next.slot(port.name());
        counters.portAdded(port.name(), slot); // before any worker can count on the slot
        republish(next);
        return slot;
    }

    /**
     * Removes the port named {@code name} and returns once no worker can touch it any more: no
     * worker polls it, holds a snapshot naming it, or has an mbuf bound for it (each burst is
     * dispatched within the duty cycle that received it). The caller may then stop and close
     * the device. Neighbours learned through it are forgotten; its counters no longer read by name.
     *
     * <p>A port the published state still uses is <b>not</b> removed: the error names the
     * endpoint, route or neighbour that uses it; publish a state without them first. In invoker
     * mode, call it between {@link Fastpath#pollOnce} calls.
     *
     * @throws IllegalArgumentException no such port
     * @throws IllegalStateException the published state still uses it, or a worker did not
     *         finish its duty cycle within 10 s (the port is then out of every new snapshot but
     *         must not be closed)
     */
    public synchronized void removePort(String name) {
        int slot = ports.slot(name);
        if (slot < 0) throw new IllegalArgumentException("no port named " + name + " (ports: " + ports.names() + ")");
        String user = compiler.usesPort(name);
        if (user != null) throw new IllegalStateException("port " + name + " is still in use by the published state (" + user + "); publish a state without it first");
        republish(ports.without(name));
        awaitWorkersPastCurrent("removing port " + name);
        neighbours.forgetPort(slot);
        counters.portRemoved(name);
    }

    /** The ports present now, in polling order. */
    public synchronized List<Port> ports() { return ports.ports(); }

    /** The slot of the port named {@code name}, or -1. */
    public synchronized int portSlot(String name) { return ports.slot(name); }

    /** The port set changes: the published state (if any) recompiled over it, as a new generation. */
    private void republish(PortTable next) {
        ForwardingSnapshot compiled = compiler.state() == null ? null : compiler.withPorts(generation + 1, next);
        ports = next;
        if (compiled != null) swapIn(compiled);
    }

    private void swapIn(ForwardingSnapshot next) {
        generation = next.generation;
        current = next; // volatile store: publishes the fully built snapshot to every worker
    }

    /**
     * Waits until every worker thread has completed a duty cycle that began after the last
     * store of {@link #current}. A worker's count is a volatile store after its cycle and the
     * snapshot a volatile load before it, so a count read here that later moves proves the
     * cycle holding any older snapshot has ended. In invoker mode the caller runs the workers
     * itself and none is mid-cycle.
     */
    private void awaitWorkersPastCurrent(String what) {
        if (!threaded) return;
        long deadline = System.nanoTime() + QUIESCE_TIMEOUT_NS;
        for (Worker w : workers) {
            long seen = w.cycles();
            while (w.cycles() == seen && threaded) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(what + ": worker " + w.roleName() + " did not finish a duty cycle within 10 s");
                }
                LockSupport.parkNanos(20_000);
            }
        }
    }

    /**
     * Returns once every worker thread has finished the duty cycle it was in, so none still runs
     * on a snapshot older than the current one (at once in invoker mode). For callers that free
     * what only earlier snapshots read (the driver's retired IP sets).
     */
    public void awaitCurrentSnapshotInUse() {
        awaitWorkersPastCurrent("waiting for the workers to take generation " + generation);
    }

    /** The snapshot in force (volatile load), or null before the first publish. */
    public ForwardingSnapshot current() { return current; }
}
