package ocelot.fastpath.packet;

/**
 * IPv6 fixed header (RFC 8200 section 3) and the extension headers a router walks past to
 * find the upper layer (section 4: hop-by-hop, routing, fragment, destination options; AH
 * per RFC 4302 counts its length in 4-byte units).
 * <pre>
 * |Version| Traffic Class |           Flow Label                  |
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * |                  Source Address (128 bits)                    |
 * |               Destination Address (128 bits)                  |
 * </pre>
 */
public final class Ipv6 {
    private Ipv6() {}

    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SRC_OFFSET = 8;
    public static final int DST_OFFSET = 24;
    public static final int HEADER_LENGTH = 40;

    public static final int EXT_HOP_BY_HOP = 0;
    public static final int EXT_ROUTING = 43;
    public static final int EXT_FRAGMENT = 44;
    public static final int EXT_AH = 51;
    public static final int EXT_DESTINATION = 60;
    public static final int NO_NEXT_HEADER = 59;

    public static int version(long ip) { return PacketMemory.u8(ip) >>> 4; }

    public static int payloadLength(long ip) { return PacketMemory.u16(ip + PAYLOAD_LENGTH_OFFSET); }

    public static int nextHeader(long ip) { return PacketMemory.u8(ip + NEXT_HEADER_OFFSET); }

    public static int hopLimit(long ip) { return PacketMemory.u8(ip + HOP_LIMIT_OFFSET); }

    public static void hopLimit(long ip, int value) { PacketMemory.u8(ip + HOP_LIMIT_OFFSET, value); }

    public static long srcHi(long ip) { return PacketMemory.u64(ip + SRC_OFFSET); }

    public static long srcLo(long ip) { return PacketMemory.u64(ip + SRC_OFFSET + 8); }

    public static long dstHi(long ip) { return PacketMemory.u64(ip + DST_OFFSET); }

    public static long dstLo(long ip) { return PacketMemory.u64(ip + DST_OFFSET + 8); }

    public static boolean isExtension(int nextHeader) {
        return nextHeader == EXT_HOP_BY_HOP || nextHeader == EXT_ROUTING || nextHeader == EXT_FRAGMENT
                || nextHeader == EXT_AH || nextHeader == EXT_DESTINATION;
    }
}
