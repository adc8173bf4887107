package ocelot.bgp.interop;

import ocelot.bgp.rib.FibSink;
import ocelot.bgp.wire.Prefix;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A FIB that records what the speaker installed: the oracle of the interop tests. */
public final class RecordingFib implements FibSink {
    public final Map<Prefix, InetAddress> routes = new ConcurrentHashMap<>();
    public final AtomicLong installs = new AtomicLong();
    public final AtomicLong removals = new AtomicLong();
    public final AtomicLong endOfRibs = new AtomicLong();

    @Override
    public void install(Prefix prefix, InetAddress nextHop) {
        routes.put(prefix, nextHop);
        installs.incrementAndGet();
    }

    @Override
    public void remove(Prefix prefix) {
        if (routes.remove(prefix) != null) removals.incrementAndGet();
    }

    @Override
    public void endOfRib() {
        endOfRibs.incrementAndGet();
    }
}
