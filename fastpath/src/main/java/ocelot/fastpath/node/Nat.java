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
