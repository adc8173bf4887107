package ocelot.fastpath.node;

import ocelot.fastpath.packet.Checksum;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.packet.PacketMemory;
import ocelot.fastpath.packet.Transport;

/**
 * Transport-header side of an address/port translation, checksums patched incrementally
 * (RFC 1624; RFC 3022 section 4.2 for why TCP/UDP checksums change with the address: the
 * pseudo-header). A UDP checksum of 0 means "none" (RFC 768) and stays 0.
 */
final class Nat {
    private Nat() {}

    /**
     * Reverse translation of a reply to a source-NATed flow: destination address and port (or
     * echo id) back to the endpoint's, IP and L4 checksums patched. Returns the old destination.
     */
    static int reverse(long ip, long l4, int protocol, int origAddr, int origPort) {
        int oldAddr = Ipv4.dst(ip);
        PacketMemory.u32(ip + Ipv4.DST_OFFSET, origAddr);
        Ipv4.checksum(ip, Checksum.update32(Ipv4.checksum(ip), oldAddr, origAddr));
        rewriteL4(protocol, l4, oldAddr, origAddr, Transport.DST_PORT_OFFSET, origPort);
        return oldAddr;
    }

    /**
     * An ICMP error (at {@code ip}, its ICMP header at {@code icmp}, {@code end} the IP
     * payload's end, the quoted IP header at {@code inner}) about a packet of a source-NATed
     * flow, translated like that packet's own direction (RFC 5508 sections 7-8, Linux's
     * nf_nat_icmp_reply_translation). {@code toEndpoint}: it came in to the node about a packet
     * the flow sent out, so the outer destination and the quote's source and source port (or
     * echo id) go back to the endpoint's; otherwise the endpoint sends it about a reply it got,
     * and the outer source and the quote's destination and destination port become the node's.
     * The quoted IP header checksum is patched, the quoted transport checksum too when the quote
     * holds it (RFC 792 quotes only 8 bytes: a TCP checksum is beyond them), the outer header
     * checksum patched and the ICMP checksum recomputed. Only an error whose ICMP checksum
     * verifies as received is translated, so a damaged one is not laundered into a valid one:
     * returns false and changes nothing otherwise.
     */
    static boolean relatedError(long ip, long icmp, long end, long inner, int proto, boolean toEndpoint, int newAddr, int newPort) {
        int length = (int) (end - icmp);
        if (!Checksum.verify(icmp, length)) return false;
        // the quote travels the other way: its source is what the outer destination is, and vice versa
        int innerOffset = toEndpoint ? Ipv4.SRC_OFFSET : Ipv4.DST_OFFSET;
        int portOffset = toEndpoint ? Transport.SRC_PORT_OFFSET : Transport.DST_PORT_OFFSET;
        int oldAddr = PacketMemory.u32(inner + innerOffset);
        PacketMemory.u32(inner + innerOffset, newAddr);
        Ipv4.checksum(inner, Checksum.update32(Ipv4.checksum(inner), oldAddr, newAddr));
        long t = inner + Ipv4.headerLength(inner);
        long checksumAt = switch (proto) {
            case Ipv4.PROTO_TCP -> t + Transport.TCP_CHECKSUM_OFFSET;
            case Ipv4.PROTO_UDP -> t + Transport.UDP_CHECKSUM_OFFSET;
            default -> t + Transport.ICMP_CHECKSUM_OFFSET;
        };
        if (checksumAt + 2 <= end) {
            rewriteL4(proto, t, oldAddr, newAddr, portOffset, newPort);
        } else {
            // the quote stops before the checksum (a TCP header cut at 8 bytes): only the port changes
            PacketMemory.u16(t + (proto == Ipv4.PROTO_ICMP ? Transport.ICMP_ID_OFFSET : portOffset), newPort);
        }
        int outerOffset = toEndpoint ? Ipv4.DST_OFFSET : Ipv4.SRC_OFFSET;
        int oldOuter = PacketMemory.u32(ip + outerOffset);
        PacketMemory.u32(ip + outerOffset, newAddr);
        Ipv4.checksum(ip, Checksum.update32(Ipv4.checksum(ip), oldOuter, newAddr));
        PacketMemory.u16(icmp + Transport.ICMP_CHECKSUM_OFFSET, 0);
        PacketMemory.u16(icmp + Transport.ICMP_CHECKSUM_OFFSET, Checksum.compute(icmp, length));
        return true;
    }

    /**
     * After the IP address changed from oldAddr to newAddr, sets the port at portOffset (or the
     * ICMP echo id) to newPort and fixes the L4 checksum.
     */
    static void rewriteL4(int protocol, long l4, int oldAddr, int newAddr, int portOffset, int newPort) {
        switch (protocol) {
            case Ipv4.PROTO_TCP -> {
                long c = l4 + Transport.TCP_CHECKSUM_OFFSET;
                int sum = Checksum.update32(PacketMemory.u16(c), oldAddr, newAddr);
                int oldPort = PacketMemory.u16(l4 + portOffset);
                PacketMemory.u16(l4 + portOffset, newPort);
                PacketMemory.u16(c, Checksum.update16(sum, oldPort, newPort));
            }
            case Ipv4.PROTO_UDP -> {
                long c = l4 + Transport.UDP_CHECKSUM_OFFSET;
                int oldPort = PacketMemory.u16(l4 + portOffset);
                PacketMemory.u16(l4 + portOffset, newPort);
                int old = PacketMemory.u16(c);
                if (old != 0) {
                    int sum = Checksum.update16(Checksum.update32(old, oldAddr, newAddr), oldPort, newPort);
                    PacketMemory.u16(c, sum == 0 ? 0xFFFF : sum);
                }
            }
            case Ipv4.PROTO_ICMP -> {
                // ICMP has no pseudo-header: only the echo id changes
                long c = l4 + Transport.ICMP_CHECKSUM_OFFSET;
                int oldId = PacketMemory.u16(l4 + Transport.ICMP_ID_OFFSET);
                PacketMemory.u16(l4 + Transport.ICMP_ID_OFFSET, newPort);
                PacketMemory.u16(c, Checksum.update16(PacketMemory.u16(c), oldId, newPort));
            }
            default -> { }
        }
    }
}
