package ocelot.control.node;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import ocelot.bgp.rib.FibSink;
import ocelot.bgp.wire.Prefix;

/**
 * Sits between the BGP speaker and the node's FIB and remembers when each prefix was last
 * installed, for {@code node routes}' age column (birdc's "since"). Allocation per route change
 * only, never per packet.
 */
final class RouteAges implements FibSink {
    private final FibSink fib;
    private final Clock clock;
    private final Map<Prefix, Instant> since = new ConcurrentHashMap<>();

    RouteAges(FibSink fib, Clock clock) {
        this.fib = fib;
        this.clock = clock;
    }

    @Override
    public void install(Prefix prefix, InetAddress nextHop) {
        since.put(prefix, clock.instant());
        fib.install(prefix, nextHop);
    }

    @Override
    public void installMultipath(Prefix prefix, java.util.List<InetAddress> nextHops) {
        since.put(prefix, clock.instant());
        fib.installMultipath(prefix, nextHops);
    }

    @Override
    public void remove(Prefix prefix) {
        since.remove(prefix);
        fib.remove(prefix);
    }

    @Override
    public void endOfRib() {
        fib.endOfRib();
    }

    /** When {@code prefix} was installed, or null when it was restored from a graceful restart's file. */
    Instant since(Prefix prefix) {
        return since.get(prefix);
    }
}
