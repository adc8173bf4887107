package ocelot.control.node;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.SortedMap;
import ocelot.bgp.speaker.RestartState;
import ocelot.bgp.wire.Prefix;
import ocelot.control.datastore.Datastore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running node as `ocelotctl node run` starts it: the BGP agent plus the status socket in
 * the node's run directory that `node status` reads. Closing stops both (socket first, so a
 * status query never reaches a half-stopped speaker).
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
    private final int restoredRoutes;

    private NodeProcess(String name, Path runDir, BgpNodeAgent agent, NodeStatusServer statusServer, LearnedRouteTable routes,
                        int restoredRoutes) {
        this.name = name;
        this.runDir = runDir;
        this.agent = agent;
        this.statusServer = statusServer;
        this.routes = routes;
        this.restoredRoutes = restoredRoutes;
    }

    /** Starts node {@code name}'s agent on {@code bgpPort} and its status socket under {@code runDir}. */
    public static NodeProcess start(Datastore store, String name, int bgpPort, Path runDir, Clock clock) throws IOException {
        LearnedRouteTable routes = new LearnedRouteTable(name);
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
        BgpNodeAgent agent = new BgpNodeAgent(store, name, bgpPort, routes, clock, restart);
        agent.start();
        try {
            return new NodeProcess(name, runDir, agent, NodeStatusServer.open(runDir, agent::status), routes,
                    saved == null ? -1 : saved.size());
        } catch (IOException | RuntimeException e) {
            agent.close();
            throw e;
        }
    }

    public BgpNodeAgent agent() {
        return agent;
    }

    public LearnedRouteTable routes() {
        return routes;
    }

    /** Routes restored from a graceful restart's saved state at start; -1 when it was a cold start. */
    public int restoredRoutes() {
        return restoredRoutes;
    }

    /** Stops for a graceful restart: no NOTIFICATION to peers, the FIB saved for the next start; returns the file. */
    public Path closeForRestart() throws IOException {
        statusServer.close();
        agent.closeForRestart();
        SortedMap<Prefix, InetAddress> fib = routes.snapshot();
        ForwardingStateFile.write(runDir, name, fib);
        LOG.info("node {}: stopped for graceful restart; {} learned routes saved to {}", name, fib.size(),
                runDir.resolve(ForwardingStateFile.NAME));
        return runDir.resolve(ForwardingStateFile.NAME);
    }

    @Override
    public void close() {
        statusServer.close();
        agent.close();
    }
}
