package ocelot.bgp.rib;

import ocelot.bgp.wire.PathAttributes;

import java.net.InetAddress;

/**
 * One peer's route to a prefix (an Adj-RIB-In entry after import). {@code stale} marks routes
 * kept across a peer's graceful restart (RFC 4724 §4.2) until it re-announces or the timer ends.
 */
public final class Path {
    final RibPeer source;
    final PathAttributes attributes;
    final InetAddress nextHop;
    boolean stale;

    Path(RibPeer source, PathAttributes attributes, InetAddress nextHop) {
        this.source = source;
        this.attributes = attributes;
        this.nextHop = nextHop;
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
