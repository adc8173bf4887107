package ocelot.bgp.rib;

import ocelot.bgp.wire.Prefix;

import java.net.InetAddress;

/**
 * Where learned best paths go: the fastpath's route table in a node, a recording sink in tests.
 * Called on the speaker's event loop; {@code install} replaces any earlier next hop of the prefix.
 * Locally originated routes never reach the sink.
 */
public interface FibSink {
    void install(Prefix prefix, InetAddress nextHop);

    void remove(Prefix prefix);
}
