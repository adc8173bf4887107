package ocelot.control.node;

import java.net.InetAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import ocelot.bgp.rib.FibSink;
import ocelot.bgp.wire.Prefix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The best paths the speaker learned, prefix -> next hop, logged as they change. It is the FIB
 * hand-off of a node that has no fastpath wired yet, and what tests wait on. The speaker calls it
 * on its event loop; readers on other threads see a consistent per-prefix value.
 */
public final class LearnedRouteTable implements FibSink {
    private static final Logger LOG = LoggerFactory.getLogger(LearnedRouteTable.class);
    private final String node;
    private final Map<Prefix, InetAddress> routes = new ConcurrentHashMap<>();

    public LearnedRouteTable(String node) {
        this.node = node;
    }

    @Override
    public void install(Prefix prefix, InetAddress nextHop) {
        InetAddress before = routes.put(prefix, nextHop);
        if (!nextHop.equals(before)) LOG.info("{}: route {} via {}", node, prefix, nextHop.getHostAddress());
    }

    @Override
    public void remove(Prefix prefix) {
        if (routes.remove(prefix) != null) LOG.info("{}: route {} withdrawn", node, prefix);
    }

    /** Removes every route (the speaker that learned them was replaced). */
    void clear() {
        for (Prefix p : routes.keySet()) remove(p);
    }

    public InetAddress nextHop(Prefix prefix) {
        return routes.get(prefix);
    }

    /** A sorted copy. */
    public Map<Prefix, InetAddress> snapshot() {
        return new TreeMap<>(routes);
    }
}
