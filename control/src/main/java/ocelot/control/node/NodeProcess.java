package ocelot.control.node;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import ocelot.control.datastore.Datastore;

/**
 * A running node as `ocelotctl node run` starts it: the BGP agent plus the status socket in
 * the node's run directory that `node status` reads. Closing stops both (socket first, so a
 * status query never reaches a half-stopped speaker).
 */
public final class NodeProcess implements AutoCloseable {
    private final BgpNodeAgent agent;
    private final NodeStatusServer statusServer;
    private final LearnedRouteTable routes;

    private NodeProcess(BgpNodeAgent agent, NodeStatusServer statusServer, LearnedRouteTable routes) {
        this.agent = agent;
        this.statusServer = statusServer;
        this.routes = routes;
    }

    /** Starts node {@code name}'s agent on {@code bgpPort} and its status socket under {@code runDir}. */
    public static NodeProcess start(Datastore store, String name, int bgpPort, Path runDir, Clock clock) throws IOException {
        LearnedRouteTable routes = new LearnedRouteTable(name);
        BgpNodeAgent agent = new BgpNodeAgent(store, name, bgpPort, routes, clock);
        agent.start();
        try {
            return new NodeProcess(agent, NodeStatusServer.open(runDir, agent::status), routes);
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

    @Override
    public void close() {
        statusServer.close();
        agent.close();
    }
}
