package ocelot.control.node;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import ocelot.control.datastore.Datastore;
import ocelot.control.metrics.MetricsSource;
import ocelot.control.metrics.PrometheusText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the node can reach its datastore right now, for {@code /health}, {@code /metrics} and
 * {@code node status}. A check every second ({@link Datastore#checkReachable}, a few seconds at
 * most on a stopped etcd). Losing the datastore changes nothing in forwarding: the dataplane
 * keeps the last state it published, and the watches resync by themselves when the store is back
 * (EtcdWatch); this class only observes and reports, logging each change of state once.
 */
public final class DatastoreConnection implements MetricsSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DatastoreConnection.class);

    private final Datastore store;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong outages = new AtomicLong();
    private volatile boolean connected = true;
    private volatile Instant since;
    private volatile String lastError;

    private DatastoreConnection(Datastore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.since = clock.instant();
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("ocelot-datastore-check").unstarted(r));
    }

    /** Starts checking {@code store} every {@code interval}. */
    public static DatastoreConnection watch(Datastore store, Clock clock, Duration interval) {
        DatastoreConnection c = new DatastoreConnection(store, clock);
        c.thread.scheduleWithFixedDelay(c::check, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return c;
    }

    private void check() {
        try {
            store.checkReachable();
            if (!connected) {
                Duration down = Duration.between(since, clock.instant());
                connected = true;
                since = clock.instant();
                LOG.warn("datastore {} reachable again after {} s; the watches resync from it", store.describe(), down.toSeconds());
            }
        } catch (RuntimeException e) { // DatastoreException, or anything the client throws
            errors.incrementAndGet();
            lastError = e.getMessage();
            if (connected) {
                connected = false;
                since = clock.instant();
                outages.incrementAndGet();
                LOG.error("datastore {} unreachable ({}); forwarding continues on the last state", store.describe(), e.getMessage());
            }
        }
    }

    public boolean connected() {
        return connected;
    }

    /** One line for {@code node status}. */
    public String describe() {
        long seconds = Duration.between(since, clock.instant()).toSeconds();
        return connected
                ? "Datastore: connected to " + store.describe() + "\n"
                : "Datastore: UNREACHABLE for " + seconds + " s (" + lastError + "); forwarding on the last state, "
                        + errors.get() + " failed checks\n";
    }

    @Override
    public void writeTo(PrometheusText t) {
        t.single("ocelot_datastore_connected", "gauge", "1 while the datastore answers the node's checks, 0 while it does not.",
                connected ? 1 : 0);
        t.single("ocelot_datastore_errors_total", "counter", "Datastore checks that failed (no answer or an error).", errors.get());
        t.single("ocelot_datastore_outages_total", "counter", "Times the datastore became unreachable.", outages.get());
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
