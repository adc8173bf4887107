package ocelot.fastpath.packet;

/**
 * IPv4 header (RFC 791 section 3.1). Accessors take the header's address.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * |         Identification        |Flags|      Fragment Offset    |
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * |                       Source Address                          |
 * |                    Destination Address                        |
 * |                    Options                    |    Padding    |
 * </pre>
 */
public final class Ipv4 {
    private Ipv4() {}

    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int ID_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SRC_OFFSET = 12;
    public static final int DST_OFFSET = 16;
    public static final int MIN_HEADER_LENGTH = 20;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_IPIP = 4;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_ICMPV6 = 58;

    /** More-fragments flag and the 13-bit offset: non-zero under this mask = part of a fragmented datagram. */
    public static final int FRAGMENT_MASK = 0x3FFF;
    public static final int DONT_FRAGMENT = 0x4000;

    public static int version(long ip) { return PacketMemory.u8(ip) >>> 4; }

    public static int headerLength(long ip) { return (PacketMemory.u8(ip) & 0x0F) << 2; }

    public static int totalLength(long ip) { return PacketMemory.u16(ip + TOTAL_LENGTH_OFFSET); }

    public static int flagsFragment(long ip) { return PacketMemory.u16(ip + FLAGS_FRAGMENT_OFFSET); }

    public static int ttl(long ip) { return PacketMemory.u8(ip + TTL_OFFSET); }

    public static int protocol(long ip) { return PacketMemory.u8(ip + PROTOCOL_OFFSET); }

    public static int checksum(long ip) { return PacketMemory.u16(ip + CHECKSUM_OFFSET); }

    public static int src(long ip) { return PacketMemory.u32(ip + SRC_OFFSET); }

    public static int dst(long ip) { return PacketMemory.u32(ip + DST_OFFSET); }

    public static void checksum(long ip, int value) { PacketMemory.u16(ip + CHECKSUM_OFFSET, value); }

    /** Writes a 20-byte header without options and its checksum. */
    public static void write(long ip, int tos, int totalLength, int id, int ttl, int protocol, int src, int dst) {
        PacketMemory.u16(ip, 0x4500 | (tos & 0xFF));
        PacketMemory.u16(ip + TOTAL_LENGTH_OFFSET, totalLength);
        PacketMemory.u16(ip + ID_OFFSET, id);
        PacketMemory.u16(ip + FLAGS_FRAGMENT_OFFSET, DONT_FRAGMENT);
        PacketMemory.u8(ip + TTL_OFFSET, ttl);
        PacketMemory.u8(ip + PROTOCOL_OFFSET, protocol);
        PacketMemory.u16(ip + CHECKSUM_OFFSET, 0);
        PacketMemory.u32(ip + SRC_OFFSET, src);
        PacketMemory.u32(ip + DST_OFFSET, dst);
        checksum(ip, Checksum.compute(ip, MIN_HEADER_LENGTH));
    }

    /** Decrements TTL and patches the checksum incrementally (RFC 1624): TTL is the high byte of word 4. */
    public static void decrementTtl(long ip) {
        // TTL, protocol and checksum are one 32-bit word: one load and one store instead of two each
        int word = PacketMemory.u32(ip + TTL_OFFSET);
        int oldTtlProto = word >>> 16;
        int newTtlProto = oldTtlProto - 0x0100;
        PacketMemory.u32(ip + TTL_OFFSET, newTtlProto << 16 | Checksum.update16(word & 0xFFFF, oldTtlProto, newTtlProto));
    }

    /**
     * RFC 1812 5.3.7: a router never forwards to 0/8 ("this network"), 127/8 (loopback) or class
     * E, 240/4, which holds the limited broadcast 255.255.255.255 (section 5.3.5.1).
     */
    public static boolean martianDestination(int dst) {
        int top = dst >>> 24;
        return top == 0 || top == 127 || top >= 240;
    }

    /** RFC 1812 5.3.7: sources never forwarded (0/8, 127/8, class D and E, limited broadcast). */
    public static boolean martianSource(int src) {
        int top = src >>> 24;
        return top == 0 || top == 127 || top >= 224;
    }

    public static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." + (address & 0xFF);
    }

    /** Parses dotted-quad text; a clear error names the text when it is not an IPv4 address. */
    public static int parse(String text) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        int a = 0;
        for (String p : parts) {
            int v;
            try {
                v = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            }
            if (v < 0 || v > 255 || p.isEmpty() || p.length() > 3) throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            a = (a << 8) | v;
        }
        return a;
    }
}
