package ocelot.bgp.rib;

import ocelot.bgp.wire.PathAttributes;

import java.net.InetAddress;

/**
 * One peer's route to a prefix (an Adj-RIB-In entry after import). Immutable and shared: every
 * destination a peer announced with one attribute set and next hop holds the same object
 * ({@link PathCache}), so a route costs a reference instead of a 24-octet object (the 1M transit:
 * 24 MB less live heap and allocation). {@code stale} marks routes kept across a peer's graceful
 * restart (RFC 4724 §4.2) until it re-announces or the timer ends; the stale form is a second
 * shared object ({@link #asStale}), so marking a million routes stale allocates nothing per route.
 */
public final class Path {
    final RibPeer source;
    final PathAttributes attributes;
    final InetAddress nextHop;
    final boolean stale;
    /** The stale form of this fresh path, made on first use and shared from then on. */
    private Path staleForm;

    Path(RibPeer source, PathAttributes attributes, InetAddress nextHop) {
        this(source, attributes, nextHop, false);
    }

    private Path(RibPeer source, PathAttributes attributes, InetAddress nextHop, boolean stale) {
        this.source = source;
        this.attributes = attributes;
        this.nextHop = nextHop;
        this.stale = stale;
    }

    /** This path as kept across its peer's restart (itself when already stale). */
    Path asStale() {
        if (stale) return this;
        Path s = staleForm;
        if (s == null) staleForm = s = new Path(source, attributes, nextHop, true);
        return s;
    }

    public RibPeer source() { return source; }
    public PathAttributes attributes() { return attributes; }
    public InetAddress nextHop() { return nextHop; }
    public boolean stale() { return stale; }

    long localPref() {
        return attributes.localPref() >= 0 ? attributes.localPref() : 100; // RFC 4271 §9.1.1 default as BIRD's
    }

    /** RFC 4456 §9: a reflected route is identified by its ORIGINATOR_ID instead of the peer's router id. */
    long identifier() {
        long o = attributes.originatorId();
        return o >= 0 ? o : Integer.toUnsignedLong(source.routerId);
    }
}
