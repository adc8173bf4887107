package ocelot.control.dataplane;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import ocelot.bgp.wire.Prefix;
import ocelot.control.calc.RuleSlots;
import ocelot.control.datastore.Datastore;
import ocelot.control.datastore.Snapshot;
import ocelot.control.datastore.WatchEvent;
import ocelot.control.datastore.WatchListener;
import ocelot.control.node.LearnedRouteTable;
import ocelot.control.resource.ResourceKey;
import ocelot.fastpath.state.DataplaneState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Felix's job for the userspace fastpath: lists then watches the datastore, feeds the
 * calculation graph, follows the BGP agent's learned routes, and publishes the node's whole
 * desired state as one fastpath {@link DataplaneState}. Changes are applied on one driver
 * thread; a burst of watch events (and route changes) arriving while it works is one batch,
 * hence one publish. A state equal to the one in force is not published again.
 *
 * <p>Failures stay local: a damaged or contradictory resource is left out, named
 * ({@link #problems}), while everything else is published; a state the fastpath still refuses
 * is logged at warn with the datastore keys of the batch, counted, and the previous state keeps
 * forwarding. After a lost watch or compaction the datastore's resync replaces the desired
 * view and only what differs from the applied one is recomputed.
 *
 * <pre>{@code
 * DataplaneDriver driver = new DataplaneDriver(store, DriverConfig.of("node1", "10.0.0.1/24", "uplink", "tap0", tapMac),
 *         fastpath.control()::publish);
 * driver.followLearnedRoutes(node.routes());  // optional: BGP-learned routes
 * driver.start(Set.of("cali1234567890a"));   // the workload ports that exist now
 * ...
 * driver.portsChanged(workloadPortNames);   // after adding or removing a workload port
 * }</pre>
 */
public final class DataplaneDriver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DataplaneDriver.class);
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private final Datastore store;
    private final DriverConfig config;
    private final Consumer<DataplaneState> publisher;
    private final DatastoreMirror mirror = new DatastoreMirror();
    private final DesiredState desired;
    private final DriverMetrics metrics = new DriverMetrics();
    private final ExecutorService thread;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Object[]> learned = new ConcurrentLinkedQueue<>();
    private final Object progress = new Object();
    private volatile Set<String> ports = Set.of();
    private volatile Datastore.Watch watch;
    private volatile DataplaneState published;
    private volatile long appliedRevision;
    private LearnedRouteTable learnedTable;

    /**
     * @param publisher where states go: {@code fastpath.control()::publish}; it throws to refuse one
     */
    public DataplaneDriver(Datastore store, DriverConfig config, Consumer<DataplaneState> publisher) {
        this.store = store;
        this.config = config;
        this.publisher = publisher;
        this.desired = new DesiredState(config);
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ocelot-dataplane-" + config.nodeName());
            t.setDaemon(true);
            return t;
        });
    }

    /** Follows {@code table}'s learned BGP routes (call before {@link #start}). */
    public DataplaneDriver followLearnedRoutes(LearnedRouteTable table) {
        this.learnedTable = table;
        return this;
    }

    /**
     * Reads the datastore, publishes the first state (before returning), then follows changes.
     * {@code workloadPorts}: the names of the workload ports the fastpath has now.
     */
    public void start(Set<String> workloadPorts) {
        ports = Set.copyOf(workloadPorts);
        if (learnedTable != null) {
            Map<Prefix, List<InetAddress>> now = learnedTable.subscribe((prefix, nextHops) -> {
                learned.add(new Object[] {prefix, nextHops});
                schedule();
            });
            now.forEach((p, nh) -> learned.add(new Object[] {p, nh}));
        }
        Snapshot snapshot = store.list(ResourceKey.ROOT);
        mirror.resync(snapshot);
        try {
            thread.submit(() -> flush(true)).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("node " + config.nodeName() + ": first dataplane state not built: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted starting the dataplane driver of " + config.nodeName());
        }
        watch = store.watch(ResourceKey.ROOT, snapshot.revision(), new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                mirror.event(event);
                schedule();
            }

            @Override
            public void onCaughtUp(long revision) {
                mirror.caughtUp(revision);
                schedule();
            }

            @Override
            public void onResync(Snapshot s, String reason) {
                LOG.warn("node {}: dataplane: datastore watch resynced ({}); applying the difference at revision {}",
                        config.nodeName(), reason, s.revision());
                metrics.resyncs.increment();
                mirror.resync(s);
                schedule();
            }
        });
    }

    /** The workload ports the fastpath has now changed: endpoints on new ones get in, on gone ones out. */
    public void portsChanged(Set<String> workloadPorts) {
        ports = Set.copyOf(workloadPorts);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    scheduled.set(false);
                    flush(false);
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing: nothing more is applied
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<InetAddress> learnedNextHops(Object o) {
        return (List<InetAddress>) o;
    }

    private void flush(boolean first) {
        DatastoreMirror.Batch batch = mirror.drain();
        long start = System.nanoTime();
        long cpu = CPU.getCurrentThreadCpuTime();
        try {
            for (Object[] r; (r = learned.poll()) != null; ) desired.learned((Prefix) r[0], learnedNextHops(r[1]));
            desired.ports(ports);
            desired.apply(batch.changes());
            desired.calculate();
        } catch (RuntimeException e) {
            // a defect, not bad input (that is reported per resource): keep forwarding what is in force
            LOG.error("node {}: dataplane: changes at revision {} not applied: {}", config.nodeName(), batch.revision(), e.toString(), e);
            metrics.refusals.increment();
            advance(batch.revision());
            return;
        }
        long calculated = System.nanoTime();
        metrics.calcGraph.record(calculated - start);
        long cpuCalculated = CPU.getCurrentThreadCpuTime();
        metrics.calcCpuNanos.add(cpuCalculated - cpu);
        DataplaneState state = desired.lower();
        long cpuLowered = CPU.getCurrentThreadCpuTime();
        metrics.lowerCpuNanos.add(cpuLowered - cpuCalculated);
        if (!state.equals(published)) {
            for (int attempt = 0; ; attempt++) {
                try {
                    publisher.accept(state);
                    published = state;
                    metrics.publishes.increment();
                    if (first) LOG.info("node {}: dataplane: {} endpoints, {} routes published", config.nodeName(), desired.endpoints(), desired.routes());
                    break;
                } catch (RuntimeException e) {
                    metrics.refusals.increment();
                    LOG.warn("node {}: dataplane: the fastpath refused the state after changes to {}: {}; the previous state keeps forwarding",
                            config.nodeName(), batch.changes().isEmpty() ? "ports or learned routes" : summary(batch.changes().keySet()), e.getMessage());
                    // an endpoint it names is left out and the rest published; a few tries at most
                    if (attempt == 3 || !desired.quarantine(e.getMessage())) break;
                    state = desired.lower();
                }
            }
            metrics.publish.record(System.nanoTime() - calculated);
            metrics.publishCpuNanos.add(CPU.getCurrentThreadCpuTime() - cpuLowered);
        }
        // Only now may IP sets the previous state read be emptied: before the swap its deny rules
        // would miss (a refused state leaves the previous one, and its sets, in force).
        if (state.equals(published)) desired.stateInForce();
        metrics.batches.increment();
        metrics.activeEndpoints = desired.endpoints();
        metrics.activePolicies = desired.activePolicies();
        metrics.fibRoutes = desired.routes();
        metrics.learnedRoutes = desired.learnedRoutes();
        metrics.excludedResources = desired.problems.snapshot().size();
        advance(batch.revision());
    }

    private static String summary(Set<String> keys) {
        return keys.size() <= 10 ? String.join(", ", keys) : String.join(", ", keys.stream().limit(10).toList()) + " and " + (keys.size() - 10) + " more";
    }

    private void advance(long revision) {
        synchronized (progress) {
            if (revision > appliedRevision) appliedRevision = revision;
            progress.notifyAll();
        }
    }

    /** The datastore revision whose changes have all been applied (published, or left out and reported). */
    public long appliedRevision() {
        return appliedRevision;
    }

    /** Waits until the changes up to {@code revision} are applied; false on timeout. */
    public boolean awaitRevision(long revision, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (appliedRevision < revision) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
        }
        return true;
    }

    /** Returns once the driver thread has done everything scheduled before this call (a ports or learned-route change). */
    public void sync() throws InterruptedException {
        try {
            thread.submit(() -> { }).get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The state in force (last published), or null before the first publish. */
    public DataplaneState published() {
        return published;
    }

    /** Resources left out, datastore key -> reason. */
    public Map<String, String> problems() {
        return desired.problems.snapshot();
    }

    public DriverMetrics metrics() {
        return metrics;
    }

    /** Each published rule's hit-counter slot and the policy or profile rule it counts (any thread). */
    public Map<Integer, RuleSlots.Label> ruleLabels() {
        return desired.ruleLabels();
    }

    @Override
    public void close() {
        Datastore.Watch w = watch;
        if (w != null) w.close();
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) LOG.warn("node {}: dataplane driver did not stop in 30 s", config.nodeName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
