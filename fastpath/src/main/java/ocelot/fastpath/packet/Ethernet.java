package ocelot.fastpath.packet;

/**
 * Ethernet II with an optional 802.1Q tag (IEEE 802.1Q-2018 section 9.3).
 * <pre>
 *  0                   6                   12      14
 * +-------------------+-------------------+-------+
 * |  destination MAC  |    source MAC     | type  |       untagged
 * +-------------------+-------------------+-------+-------+-------+
 * |  destination MAC  |    source MAC     | 8100  |  TCI  | type  |   802.1Q
 * </pre>
 * Accessors take the frame's address; offsets are constants so callers can compose them.
 */
public final class Ethernet {
    private Ethernet() {}

    public static final int DST_OFFSET = 0;
    public static final int SRC_OFFSET = 6;
    public static final int TYPE_OFFSET = 12;
    public static final int HEADER_LENGTH = 14;
    public static final int VLAN_TAG_LENGTH = 4;

    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_VLAN = 0x8100;
    public static final int TYPE_QINQ = 0x88A8;
    public static final int TYPE_IPV6 = 0x86DD;

    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    public static long dst(long frame) { return PacketMemory.mac(frame + DST_OFFSET); }

    public static long src(long frame) { return PacketMemory.mac(frame + SRC_OFFSET); }

    public static void dst(long frame, long mac) { PacketMemory.mac(frame + DST_OFFSET, mac); }

    public static void src(long frame, long mac) { PacketMemory.mac(frame + SRC_OFFSET, mac); }

    /** Writes both addresses with two stores (a 64-bit and a 32-bit one) instead of four. */
    public static void addresses(long frame, long dst, long src) {
        PacketMemory.u64(frame, dst << 16 | (src >>> 32) & 0xFFFF);
        PacketMemory.u32(frame + 8, (int) src);
    }

    public static int type(long frame) { return PacketMemory.u16(frame + TYPE_OFFSET); }

    public static boolean isMulticast(long mac) { return (mac & 0x0100_0000_0000L) != 0; }
}
