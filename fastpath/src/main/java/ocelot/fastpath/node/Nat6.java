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
     * payload's end) addressed to the node about a packet a NATed flow sent out: the outer
     * destination and the quoted packet's source and port (or echo id) go back to the
     * endpoint's, the quoted transport checksum patched when the quote holds it (as Linux's
     * nf_nat_icmp_reply_translation does), then the error's own checksum recomputed. Only an
     * error whose checksum verifies as received is translated, so a damaged one is not
     * laundered into a valid one. Returns false (nothing changed) when it does not verify.
     */
    static boolean relatedError(long ip, long icmp, long end, long inner, int proto, int f, ConntrackTable ct6) {
        int length = (int) (end - icmp);
        long pseudo = Checksum.pseudoHeader6(ip, length, Ipv4.PROTO_ICMPV6);
        if (Checksum.fold(Checksum.sum(icmp, length, pseudo)) != 0xFFFF) return false;
        long origHi = ct6.natOrigSrcHi(f), origLo = ct6.natOrigSrcLo(f);
        int origPort = ct6.natOrigPort(f);
        long oldHi = Ipv6.srcHi(inner), oldLo = Ipv6.srcLo(inner);
        PacketMemory.u64(inner + Ipv6.SRC_OFFSET, origHi);
        PacketMemory.u64(inner + Ipv6.SRC_OFFSET + 8, origLo);
        long t = inner + Ipv6.HEADER_LENGTH;
        long checksumAt = switch (proto) {
            case Ipv4.PROTO_TCP -> t + Transport.TCP_CHECKSUM_OFFSET;
            case Ipv4.PROTO_UDP -> t + Transport.UDP_CHECKSUM_OFFSET;
            default -> t + Transport.ICMP_CHECKSUM_OFFSET;
        };
        if (checksumAt + 2 <= end) {
            rewriteL4(proto, t, oldHi, oldLo, origHi, origLo, Transport.SRC_PORT_OFFSET, origPort);
        } else {
            // the quote stops before the checksum (a TCP header cut at 8 bytes): only the port changes
            PacketMemory.u16(t + (proto == Ipv4.PROTO_ICMPV6 ? Transport.ICMP_ID_OFFSET : Transport.SRC_PORT_OFFSET), origPort);
        }
        PacketMemory.u64(ip + Ipv6.DST_OFFSET, origHi);
        PacketMemory.u64(ip + Ipv6.DST_OFFSET + 8, origLo);
        PacketMemory.u16(icmp + Transport.ICMP_CHECKSUM_OFFSET, 0);
        PacketMemory.u16(icmp + Transport.ICMP_CHECKSUM_OFFSET, Checksum.icmp6(ip, icmp, length));
        return true;
    }
}
