package ocelot.fastpath.node;

import ocelot.fastpath.conntrack.ConntrackTable;
import ocelot.fastpath.packet.Checksum;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.packet.Ipv6;
import ocelot.fastpath.packet.PacketMemory;
import ocelot.fastpath.packet.Transport;

/**
 * NAT66 outgoing, the byte side: source address and port (or ICMPv6 echo id) to the node's,
 * the reverse for replies, and ICMPv6 errors about a translated packet turned back. IPv6 has
 * no header checksum, but the TCP, UDP and ICMPv6 checksums cover a pseudo-header with both
 * addresses (RFC 8200 section 8.1), so each change patches the L4 checksum (RFC 1624). A UDP
 * checksum is mandatory in IPv6 and 0 is not a valid value: a result of 0 is sent as 0xFFFF
 * (RFC 768's rule), and a received 0 is patched like any other (it stays invalid: the
 * receiver drops it as it would have before).
 */
final class Nat6 {
    private Nat6() {}

    /** Source NAT of a NATed flow's original-direction packet: source to flow {@code f}'s node address and port. */
    static void snat(long ip, long l4, int protocol, int f, ConntrackTable ct6) {
        long oldHi = Ipv6.srcHi(ip), oldLo = Ipv6.srcLo(ip);
        long newHi = ct6.replyDstHi(f), newLo = ct6.replyDstLo(f);
        PacketMemory.u64(ip + Ipv6.SRC_OFFSET, newHi);
        PacketMemory.u64(ip + Ipv6.SRC_OFFSET + 8, newLo);
        rewriteL4(protocol, l4, oldHi, oldLo, newHi, newLo, Transport.SRC_PORT_OFFSET, ct6.replyDstPort(f));
    }

    /** Reverse translation of a reply: destination back to the endpoint's address and port (or echo id). */
    static void reverse(long ip, long l4, int protocol, long origHi, long origLo, int origPort) {
        long oldHi = Ipv6.dstHi(ip), oldLo = Ipv6.dstLo(ip);
        PacketMemory.u64(ip + Ipv6.DST_OFFSET, origHi);
        PacketMemory.u64(ip + Ipv6.DST_OFFSET + 8, origLo);
        rewriteL4(protocol, l4, oldHi, oldLo, origHi, origLo, Transport.DST_PORT_OFFSET, origPort);
    }

    /**
     * After an address changed, sets the port at {@code portOffset} (for ICMPv6 the echo id)
     * to {@code newPort} and patches the checksum for both changes.
     */
    static void rewriteL4(int protocol, long l4, long oldHi, long oldLo, long newHi, long newLo, int portOffset, int newPort) {
        long c;
        long portAt;
        if (protocol == Ipv4.PROTO_TCP) {
            c = l4 + Transport.TCP_CHECKSUM_OFFSET;
            portAt = l4 + portOffset;
        } else if (protocol == Ipv4.PROTO_UDP) {
            c = l4 + Transport.UDP_CHECKSUM_OFFSET;
            portAt = l4 + portOffset;
        } else if (protocol == Ipv4.PROTO_ICMPV6) {
            c = l4 + Transport.ICMP_CHECKSUM_OFFSET;
            portAt = l4 + Transport.ICMP_ID_OFFSET;
        } else {
            return;
        }
        int oldPort = PacketMemory.u16(portAt);
        PacketMemory.u16(portAt, newPort);
        int sum = Checksum.update16(Checksum.update128(PacketMemory.u16(c), oldHi, oldLo, newHi, newLo), oldPort, newPort);
        PacketMemory.u16(c, protocol == Ipv4.PROTO_UDP && sum == 0 ? 0xFFFF : sum);
    }

    /**
     * An ICMPv6 error (at {@code ip}, its ICMPv6 header at {@code icmp}, {@code end} the
     * payload's end, the quoted IPv6 header at {@code inner}) about a packet of a NATed flow,
     * translated like that packet's own direction (RFC 5508 section 3.2, Linux's
     * nf_nat_icmp_reply_translation): coming in to the node about a packet the flow sent out,
     * the outer destination and the quote's source and port (or echo id) go back to the
     * endpoint's; going out from the endpoint about a reply it got, the outer source and the
     * quote's destination and port become the node's. The quoted transport checksum is patched
     * when the quote holds it, then the error's own checksum recomputed. Only an error whose
     * checksum verifies as received is translated, so a damaged one is not laundered into a
     * valid one. Returns false (nothing changed) when it does not verify.
     *
     * @param outerOffset {@link Ipv6#DST_OFFSET} (coming in) or {@link Ipv6#SRC_OFFSET} (going out)
     */
    static boolean relatedError(long ip, long icmp, long end, long inner, int proto, int outerOffset, long newHi, long newLo, int newPort) {
        int length = (int) (end - icmp);
        long pseudo = Checksum.pseudoHeader6(ip, length, Ipv4.PROTO_ICMPV6);
        if (Checksum.fold(Checksum.sum(icmp, length, pseudo)) != 0xFFFF) return false;
        // the quote travels the other way: its source is what the outer destination is, and vice versa
        int innerOffset = outerOffset == Ipv6.DST_OFFSET ? Ipv6.SRC_OFFSET : Ipv6.DST_OFFSET;
        int portOffset = outerOffset == Ipv6.DST_OFFSET ? Transport.SRC_PORT_OFFSET : Transport.DST_PORT_OFFSET;
        long oldHi = PacketMemory.u64(inner + innerOffset), oldLo = PacketMemory.u64(inner + innerOffset + 8);
        PacketMemory.u64(inner + innerOffset, newHi);
        PacketMemory.u64(inner + innerOffset + 8, newLo);
        long t = inner + Ipv6.HEADER_LENGTH;
        long checksumAt = switch (proto) {
            case Ipv4.PROTO_TCP -> t + Transport.TCP_CHECKSUM_OFFSET;
            case Ipv4.PROTO_UDP -> t + Transport.UDP_CHECKSUM_OFFSET;
            default -> t + Transport.ICMP_CHECKSUM_OFFSET;
        };
        if (checksumAt + 2 <= end) {
            rewriteL4(proto, t, oldHi, oldLo, newHi, newLo, portOffset, newPort);
        } else {
            // the quote stops before the checksum (a TCP header cut at 8 bytes): only the port changes
            PacketMemory.u16(t + (proto == Ipv4.PROTO_ICMPV6 ? Transport.ICMP_ID_OFFSET : portOffset), newPort);
        }
        PacketMemory.u64(ip + outerOffset, newHi);
        PacketMemory.u64(ip + outerOffset + 8, newLo);
        PacketMemory.u16(icmp + Transport.ICMP_CHECKSUM_OFFSET, 0);
        PacketMemory.u16(icmp + Transport.ICMP_CHECKSUM_OFFSET, Checksum.icmp6(ip, icmp, length));
        return true;
    }
}
