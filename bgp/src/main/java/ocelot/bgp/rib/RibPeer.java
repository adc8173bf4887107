package ocelot.bgp.rib;

import io.netty.buffer.ByteBuf;

import java.net.InetAddress;

/**
 * A source and destination of routes as the RIB sees it: an Established session, or
 * {@link #local} for routes this node originates. {@code localAddress} is our own address on the
 * session (next-hop-self). {@code output} receives encoded UPDATEs; null for the local peer.
 */
public final class RibPeer {
    /** Where encoded messages for a peer go: ownership of each buffer passes on {@link #write}. */
    public interface Output {
        void write(ByteBuf encodedMessage);

        void flush();
    }

    final int id;
    final InetAddress address;
    final long asNumber;
    final int routerId;
    final boolean internal;
    final boolean routeReflectorClient;
    final boolean nextHopSelf;
    final InetAddress localAddress;
    final boolean fourOctetAs;
    final Output output;
    UpdateGroup group;
    /**
     * Some of this peer's paths may be stale (RFC 4724 §4.2). Lets End-of-RIB skip the table walk
     * when there is nothing to sweep: the 1M transit's feeder ends with End-of-RIB, and walking a
     * million destinations for nothing delayed the last routes (JFR: about 15% of the event loop).
     */
    boolean mayHaveStale;
    /** This peer's shared paths, one per attribute set and next hop. */
    final PathCache paths = new PathCache();

    public RibPeer(int id, InetAddress address, long asNumber, int routerId, boolean internal,
                   boolean routeReflectorClient, boolean nextHopSelf, InetAddress localAddress,
                   boolean fourOctetAs, Output output) {
        if (id <= 0) throw new IllegalArgumentException("peer id " + id + " must be positive (0 is the local peer)");
        this.id = id;
        this.address = address;
        this.asNumber = asNumber;
        this.routerId = routerId;
        this.internal = internal;
        this.routeReflectorClient = routeReflectorClient;
        this.nextHopSelf = nextHopSelf;
        this.localAddress = localAddress;
        this.fourOctetAs = fourOctetAs;
        this.output = output;
    }

    private RibPeer(long localAs, int routerId) {
        this.id = 0;
        this.address = null;
        this.asNumber = localAs;
        this.routerId = routerId;
        this.internal = true;
        this.routeReflectorClient = false;
        this.nextHopSelf = false;
        this.localAddress = null;
        this.fourOctetAs = true;
        this.output = null;
    }

    static RibPeer local(long localAs, int routerId) {
        return new RibPeer(localAs, routerId);
    }

    public boolean isLocal() {
        return id == 0;
    }

    public int id() { return id; }
    public InetAddress address() { return address; }
    public long asNumber() { return asNumber; }
    public int routerId() { return routerId; }
    public boolean internal() { return internal; }
    public boolean routeReflectorClient() { return routeReflectorClient; }

    @Override
    public String toString() {
        return isLocal() ? "local" : address.getHostAddress() + " AS" + asNumber;
    }
}
