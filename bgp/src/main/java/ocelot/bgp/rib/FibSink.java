package ocelot.bgp.rib;

import ocelot.bgp.wire.Prefix;

import java.net.InetAddress;

/**
 * Where learned best paths go: the fastpath's route table in a node, a recording sink in tests.
 * Called on the speaker's event loop; {@code install} replaces any earlier next hop of the prefix.
 * Locally originated routes never reach the sink.
 *
 * <p>IPv4 routes arrive through {@link #installIpv4}/{@link #removeIpv4} with the prefix as
 * primitives, so a table load makes no Prefix object per route; a sink keyed by primitives (an
 * LPM table) overrides them, any other gets the Prefix form through the defaults.
 */
public interface FibSink {
    void install(Prefix prefix, InetAddress nextHop);

    void remove(Prefix prefix);

    /** {@code address} holds the prefix's network address, host bits zero. */
    default void installIpv4(int address, int length, InetAddress nextHop) {
        install(Prefix.ipv4(address, length), nextHop);
    }

    default void removeIpv4(int address, int length) {
        remove(Prefix.ipv4(address, length));
    }

    /**
     * Installs an equal-cost multipath route (BGP multipath: two or more next hops, distinct, in
     * address order), replacing whatever the prefix had. A sink without multipath forwards over
     * the first.
     */
    default void installMultipath(Prefix prefix, java.util.List<InetAddress> nextHops) {
        install(prefix, nextHops.getFirst());
    }

    /** {@link #installMultipath} with the IPv4 prefix as primitives. */
    default void installIpv4Multipath(int address, int length, java.util.List<InetAddress> nextHops) {
        installMultipath(Prefix.ipv4(address, length), nextHops);
    }

    /**
     * A peer sent End-of-RIB (RFC 4724 §2, one per family): what it announced before has been
     * applied, every resulting change already reached this sink. A sink may summarize here (control's FIB logs
     * its counts); nothing has to happen.
     */
    default void endOfRib() {
    }
}
