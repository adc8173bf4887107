package ocelot.fastpath.packet;

/**
 * ARP for IPv4 over Ethernet (RFC 826). Accessors take the address of the ARP header (after
 * the Ethernet header).
 * <pre>
 * | hw type (1) | proto (0800) | hlen 6 | plen 4 | op |
 * | sender MAC | sender IP | target MAC | target IP |      28 bytes
 * </pre>
 */
public final class Arp {
    private Arp() {}

    public static final int LENGTH = 28;
    public static final int OP_OFFSET = 6;
    public static final int SENDER_MAC_OFFSET = 8;
    public static final int SENDER_IP_OFFSET = 14;
    public static final int TARGET_MAC_OFFSET = 18;
    public static final int TARGET_IP_OFFSET = 24;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    /** True for Ethernet/IPv4 ARP: hardware type 1, protocol 0x0800, lengths 6 and 4. */
    public static boolean isEthernetIpv4(long arp) {
        return PacketMemory.u32(arp) == 0x0001_0800 && PacketMemory.u16(arp + 4) == 0x0604;
    }

    public static int op(long arp) { return PacketMemory.u16(arp + OP_OFFSET); }

    public static long senderMac(long arp) { return PacketMemory.mac(arp + SENDER_MAC_OFFSET); }

    public static int senderIp(long arp) { return PacketMemory.u32(arp + SENDER_IP_OFFSET); }

    public static int targetIp(long arp) { return PacketMemory.u32(arp + TARGET_IP_OFFSET); }

    /** Writes a whole ARP message (header fields included). */
    public static void write(long arp, int op, long senderMac, int senderIp, long targetMac, int targetIp) {
        PacketMemory.u32(arp, 0x0001_0800);
        PacketMemory.u16(arp + 4, 0x0604);
        PacketMemory.u16(arp + OP_OFFSET, op);
        PacketMemory.mac(arp + SENDER_MAC_OFFSET, senderMac);
        PacketMemory.u32(arp + SENDER_IP_OFFSET, senderIp);
        PacketMemory.mac(arp + TARGET_MAC_OFFSET, targetMac);
        PacketMemory.u32(arp + TARGET_IP_OFFSET, targetIp);
    }
}
