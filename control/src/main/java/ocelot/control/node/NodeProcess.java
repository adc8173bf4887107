package ocelot.control.node;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import ocelot.bgp.speaker.RestartState;
import ocelot.bgp.wire.Prefix;
import ocelot.control.dataplane.DataplaneDriver;
import ocelot.control.dataplane.DriverConfig;
import ocelot.control.datastore.Datastore;
import ocelot.control.metrics.BgpMetrics;
import ocelot.control.metrics.FastpathMetrics;
import ocelot.control.metrics.MetricsServer;
import ocelot.control.metrics.NodeHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node as `ocelotctl node run` starts it: the BGP agent, the status socket that
 * `node status` reads, and, when it has a dataplane, the workload-attach socket, the query
 * socket for `node status`/`node routes`/`node diags`, and the metrics/health endpoint.
 * Closing stops the sockets first (no request reaches a half-stopped node), then BGP, then the
 * dataplane (which gives the uplink back to the kernel).
 *
 * <p>Graceful restart (RFC 4724) of the node process: {@link #closeForRestart} stops without a
 * NOTIFICATION and saves the FIB to {@code RUNDIR/forwarding-state}; the next {@link #start} in
 * that run directory loads it into the FIB before BGP starts (forwarding resumes from it at
 * once) and runs the speaker as the restarting speaker, which removes what no peer re-announces.
 */
public final class NodeProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeProcess.class);
    private final String name;
    private final Path runDir;
    private final BgpNodeAgent agent;
    private final NodeStatusServer statusServer;
    private final LearnedRouteTable routes;
    private final RouteAges ages;
    private final int restoredRoutes;
    private final NodeDataplane dataplane;
    private final DataplaneDriver driver;
    private final NodeHealth health = new NodeHealth();
    private final DatastoreConnection datastore;
    private WorkloadAttachServer attachServer;
    private NodeQueryServer queryServer;
    private MetricsServer metrics;

    private NodeProcess(String name, Path runDir, BgpNodeAgent agent, NodeStatusServer statusServer, LearnedRouteTable routes,
                        RouteAges ages, int restoredRoutes, NodeDataplane dataplane, DataplaneDriver driver,
                        DatastoreConnection datastore) {
        this.name = name;
        this.datastore = datastore;
        this.runDir = runDir;
        this.agent = agent;
        this.statusServer = statusServer;
        this.routes = routes;
        this.ages = ages;
        this.restoredRoutes = restoredRoutes;
        this.dataplane = dataplane;
        this.driver = driver;
    }

    /** Starts node {@code name}'s agent on {@code bgpPort} and its status socket under {@code runDir}; no dataplane. */
    public static NodeProcess start(Datastore store, String name, int bgpPort, Path runDir, Clock clock) throws IOException {
        return start(store, name, bgpPort, runDir, clock, null, null);
    }

    /**
     * As above, over {@code dataplane} (already started; owned by the node from here, closed
     * with it) with the workload-attach socket, and the metrics endpoint on
     * {@code metricsAddress} (HOST:PORT) unless null.
     */
    public static NodeProcess start(Datastore store, String name, int bgpPort, Path runDir, Clock clock, NodeDataplane dataplane,
                                    String metricsAddress) throws IOException {
        LearnedRouteTable routes = new LearnedRouteTable(name);
        RouteAges ages = new RouteAges(routes, clock);
        RestartState restart = null;
        SortedMap<Prefix, InetAddress> saved;
        try {
            saved = ForwardingStateFile.take(runDir);
        } catch (IllegalArgumentException e) {
            // The file is consumed either way: better a cold start than forwarding on damaged state.
            LOG.error("node {}: forwarding state not restored, starting without it: {}", name, e.getMessage());
            saved = null;
        }
        if (saved != null) {
            for (var e : saved.entrySet()) routes.install(e.getKey(), e.getValue());
            restart = new RestartState(saved.keySet(), BgpNodeAgent.GRACEFUL_RESTART_SECONDS);
            LOG.info("node {}: graceful restart: {} learned routes restored into the FIB from {}", name, saved.size(),
                    runDir.resolve(ForwardingStateFile.NAME));
        }
        BgpNodeAgent agent = new BgpNodeAgent(store, name, bgpPort, ages, clock, restart);
        if (dataplane != null && dataplane.router()) agent.listenOnEveryAddress();
        DataplaneDriver driver = null;
        NodeProcess node = null;
        try {
            if (dataplane != null) {
                driver = startDriver(store, name, dataplane, routes);
                if (!dataplane.router()) restoreWorkloads(store, name, dataplane);
            }
            agent.start();
            node = new NodeProcess(name, runDir, agent, NodeStatusServer.open(runDir, agent::status), routes, ages,
                    saved == null ? -1 : saved.size(), dataplane, driver, DatastoreConnection.watch(store, clock, Duration.ofSeconds(1)));
            node.openServices(metricsAddress);
            return node;
        } catch (IOException | RuntimeException e) {
            if (node != null) node.close();
            else {
                agent.close();
                if (driver != null) driver.close();
                if (dataplane != null) dataplane.close();
            }
            throw e;
        }
    }

    /**
     * Felix's part: the driver publishes the datastore's state (and BGP's learned routes) into
     * the fastpath before BGP starts, and hears of every workload port that comes and goes.
     */
    private static DataplaneDriver startDriver(Datastore store, String name, NodeDataplane dataplane, LearnedRouteTable routes) {
        DriverConfig config = DriverConfig.of(name, dataplane.nodeCidr(), dataplane.uplinkName(), dataplane.hostTap().name(), dataplane.hostMac());
        if (dataplane.hostTap().defaultGateway() != null) config = config.withDefaultGateway(dataplane.hostTap().defaultGateway());
        if (dataplane.hostTap().ipv6Address() != null) config = config.withIpv6(dataplane.hostTap().ipv6Address());
        if (dataplane.router()) {
            List<DriverConfig.RouterPort> ports = new ArrayList<>();
            dataplane.hostTap().routerPortAddresses().forEach((port, cidr) -> ports.add(new DriverConfig.RouterPort(port,
                    ocelot.fastpath.state.NodeAddress.of(cidr))));
            config = config.withRouterPorts(ports);
        }
        DataplaneDriver driver = new DataplaneDriver(store, config, state -> {
            var control = dataplane.fastpath().control();
            control.publish(state);
            // the driver empties retired IP sets after this returns: no worker may still be on the old snapshot
            try {
                control.awaitCurrentSnapshotInUse();
            } catch (IllegalStateException stuck) { // published all the same: not a refusal of the state
                LOG.warn("node {}: {}", name, stuck.getMessage());
            }
        }).followLearnedRoutes(routes);
        driver.start(dataplane.workloads().present());
        dataplane.workloads().onPresenceChange(present -> {
            driver.portsChanged(present);
            try {
                driver.sync(); // the published state names exactly the present ports before the caller goes on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for the dataplane driver");
            }
        });
        LOG.info("node {}: dataplane driver started; first state published", name);
        return driver;
    }

    /**
     * The workload interfaces this node's previous run attached and that died with it (a crash,
     * or a stop): re-attached from {@code RUNDIR/workloads} before the attach socket opens, for
     * the endpoints the datastore still holds for this node, so they forward again with the
     * addresses, MAC and policy they had, without their orchestrator calling CNI again.
     */
    private static void restoreWorkloads(Datastore store, String name, NodeDataplane dataplane) {
        java.util.Set<String> interfaces = new java.util.HashSet<>();
        for (var r : new ocelot.control.datastore.ResourceStore(store).list(ocelot.control.resource.Kind.WORKLOAD_ENDPOINT,
                r -> name.equals(((ocelot.control.resource.WorkloadEndpoint) r).node()))) {
            String ifName = ((ocelot.control.resource.WorkloadEndpoint) r).interfaceName();
            if (ifName != null) interfaces.add(ifName);
        }
        int restored = dataplane.workloads().restore(interfaces::contains);
        if (restored > 0) LOG.info("node {}: {} workload interface(s) restored from the previous run", name, restored);
    }

    private void openServices(String metricsAddress) throws IOException {
        health.live("bgp-agent", () -> true);
        health.ready("datastore-and-bgp", agent::configured);
        // Not ready while the datastore is away (Felix's readiness too); forwarding goes on regardless.
        health.ready("datastore-connected", datastore::connected);
        if (dataplane != null) {
            health.live("fastpath", () -> dataplane.fastpath() != null);
            health.ready("fastpath-started", () -> dataplane.fastpath().control().current() != null);
            health.ready("dataplane-in-sync", () -> driver.published() != null);
            // a router has no workloads: no attach socket, so a CNI call fails at once, naming the missing socket
            if (!dataplane.router()) attachServer = WorkloadAttachServer.open(runDir, dataplane.workloads());
        }
        queryServer = NodeQueryServer.open(runDir, new NodeQueries(this));
        if (metricsAddress != null) {
            metrics = MetricsServer.start(metricsAddress, health);
            metrics.add(datastore);
            metrics.add(new BgpMetrics(agent::status, agent::updateErrors, routes::size));
            if (dataplane != null) {
                metrics.add(new FastpathMetrics(dataplane.fastpath(), driver::ruleLabels));
                metrics.add(t -> t.single("ocelot_workload_ports", "gauge", "Workload ports attached to this node's fastpath.",
                        dataplane.workloads().size()));
                metrics.add(t -> {
                    StringBuilder b = new StringBuilder();
                    driver.metrics().render(b);
                    t.raw(b);
                });
            }
            LOG.info("node {}: metrics and health on http://{}:{}/metrics, /health", name, metrics.address().getHostString(),
                    metrics.address().getPort());
        }
    }

    public String name() { return name; }

    public BgpNodeAgent agent() { return agent; }

    public LearnedRouteTable routes() { return routes; }

    RouteAges routeAges() { return ages; }

    /** The dataplane driver, or null for a BGP-only node. */
    public DataplaneDriver driver() { return driver; }

    /** The dataplane, or null for a BGP-only node. */
    public NodeDataplane dataplane() { return dataplane; }

    public NodeHealth health() { return health; }

    /** Whether the datastore answers now, and since when. */
    public DatastoreConnection datastore() { return datastore; }

    /** The metrics server, or null when none was asked for. */
    public MetricsServer metrics() { return metrics; }

    public Path runDir() { return runDir; }

    /** Routes restored from a graceful restart's saved state at start; -1 when it was a cold start. */
    public int restoredRoutes() {
        return restoredRoutes;
    }

    private void closeServices() {
        datastore.close();
        if (metrics != null) metrics.close();
        if (queryServer != null) queryServer.close();
        if (attachServer != null) attachServer.close();
        statusServer.close();
    }

    /** Stops for a graceful restart: no NOTIFICATION to peers, the FIB saved for the next start; returns the file. */
    public Path closeForRestart() throws IOException {
        closeServices();
        agent.closeForRestart();
        SortedMap<Prefix, InetAddress> fib = routes.snapshot();
        ForwardingStateFile.write(runDir, name, fib);
        LOG.info("node {}: stopped for graceful restart; {} learned routes saved to {}", name, fib.size(),
                runDir.resolve(ForwardingStateFile.NAME));
        if (driver != null) driver.close();
        if (dataplane != null) dataplane.close();
        return runDir.resolve(ForwardingStateFile.NAME);
    }

    @Override
    public void close() {
        closeServices();
        agent.close();
        if (driver != null) driver.close();
        if (dataplane != null) dataplane.close();
    }
}
