package ocelot.fastpath.conntrack;

import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.packet.Transport;

/**
 * Flow states and the TCP state machine, a reduction of Linux's nf_conntrack_proto_tcp.c
 * table (RFC 9293 section 3.3.2): the states that change the timeout, driven by SYN, SYN+ACK,
 * ACK, FIN and RST per direction. Sequence-window tracking is not done.
 */
public final class FlowState {
    private FlowState() {}

    public static final int INVALID = 0;
    public static final int SYN_SENT = 1;
    public static final int SYN_RECV = 2;
    public static final int ESTABLISHED = 3;
    public static final int FIN_WAIT = 4;
    public static final int TIME_WAIT = 5;
    public static final int CLOSE = 6;
    public static final int UDP_UNREPLIED = 7;
    public static final int UDP_REPLIED = 8;
    public static final int ICMP = 9;
    public static final int OTHER = 10;

    /** FIN seen from the originator / the responder (kept beside the state). */
    public static final int FIN_ORIGINAL = 1;
    public static final int FIN_REPLY = 2;

    /** State of a new flow started by this packet, or {@link #INVALID} when it cannot start one. */
    public static int initial(int protocol, int tcpFlags) {
        return switch (protocol) {
            case Ipv4.PROTO_TCP -> {
                int f = tcpFlags & (Transport.TCP_SYN | Transport.TCP_ACK | Transport.TCP_FIN | Transport.TCP_RST);
                if (f == Transport.TCP_SYN) yield SYN_SENT;
                // mid-stream pickup (nf_conntrack_tcp_loose=1): a flow survives a table flush or eviction
                if ((f & Transport.TCP_ACK) != 0 && (f & (Transport.TCP_SYN | Transport.TCP_RST)) == 0) yield ESTABLISHED;
                yield INVALID;
            }
            case Ipv4.PROTO_UDP -> UDP_UNREPLIED;
            case Ipv4.PROTO_ICMP, Ipv4.PROTO_ICMPV6 -> ICMP;
            default -> OTHER;
        };
    }

    /**
     * Next TCP state for a segment with {@code flags} in direction {@code reply}; {@code fins}
     * is updated in place through the returned value's high bits (state | fins << 8).
     */
    public static int tcpNext(int state, int fins, boolean reply, int flags) {
        if ((flags & Transport.TCP_RST) != 0) return CLOSE | fins << 8;
        boolean syn = (flags & Transport.TCP_SYN) != 0;
        boolean ack = (flags & Transport.TCP_ACK) != 0;
        if ((flags & Transport.TCP_FIN) != 0) fins |= reply ? FIN_REPLY : FIN_ORIGINAL;
        int next = state;
        switch (state) {
            case SYN_SENT -> { if (reply && syn && ack) next = SYN_RECV; }
            case SYN_RECV -> { if (!reply && ack && !syn) next = ESTABLISHED; }
            case TIME_WAIT, CLOSE -> {
                if (!reply && syn && !ack) { next = SYN_SENT; fins = 0; } // port reuse: a new connection
            }
            default -> { }
        }
        if (next == ESTABLISHED || next == FIN_WAIT) {
            if (fins == (FIN_ORIGINAL | FIN_REPLY)) next = TIME_WAIT;
            else if (fins != 0) next = FIN_WAIT;
        }
        return next | fins << 8;
    }
}
