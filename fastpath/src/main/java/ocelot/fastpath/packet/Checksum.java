package ocelot.fastpath.packet;

/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624, eqn. 3:
 * {@code HC' = ~(~HC + ~m + m')}), which the rewrite node uses so a TTL decrement or an
 * address translation costs a few adds instead of a pass over the header.
 */
public final class Checksum {
    private Checksum() {}

    /** One's-complement sum of {@code length} bytes at {@code address}, not folded, not inverted. */
    public static long sum(long address, int length, long initial) {
        long sum = initial;
        int i = 0;
        for (; i + 4 <= length; i += 4) sum += PacketMemory.u32(address + i) & 0xFFFFFFFFL;
        for (; i + 2 <= length; i += 2) sum += PacketMemory.u16(address + i);
        if (i < length) sum += PacketMemory.u8(address + i) << 8;
        return sum;
    }

    public static int fold(long sum) {
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) sum;
    }

    /** The checksum field value for a region whose checksum field is zero. */
    public static int compute(long address, int length) { return ~fold(sum(address, length, 0)) & 0xFFFF; }

    /** True when the region, checksum field included, sums to 0xFFFF (RFC 1071 verification). */
    public static boolean verify(long address, int length) {
        if (length == Ipv4.MIN_HEADER_LENGTH) return fold(sum20(address)) == 0xFFFF;
        return fold(sum(address, length, 0)) == 0xFFFF;
    }

    /** {@link #sum} of an option-less IPv4 header, unrolled: five loads, no loop. */
    static long sum20(long address) {
        return (PacketMemory.u32(address) & 0xFFFFFFFFL) + (PacketMemory.u32(address + 4) & 0xFFFFFFFFL)
                + (PacketMemory.u32(address + 8) & 0xFFFFFFFFL) + (PacketMemory.u32(address + 12) & 0xFFFFFFFFL)
                + (PacketMemory.u32(address + 16) & 0xFFFFFFFFL);
    }

    /** RFC 1624 eqn. 3 for one 16-bit word changing from {@code old} to {@code now}. */
    public static int update16(int checksum, int old, int now) {
        int sum = (~checksum & 0xFFFF) + (~old & 0xFFFF) + (now & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }

    /** RFC 1624 eqn. 3 for a 32-bit value (an IPv4 address) changing. */
    public static int update32(int checksum, int old, int now) {
        long sum = (~checksum & 0xFFFF) + (~(old >>> 16) & 0xFFFF) + (~old & 0xFFFF)
                + ((now >>> 16) & 0xFFFF) + (now & 0xFFFF);
        return ~fold(sum) & 0xFFFF;
    }

    /**
     * RFC 1624 eqn. 3 for a 128-bit value (an IPv6 address, given as two longs in network
     * order) changing: the TCP/UDP/ICMPv6 pseudo-header covers both addresses (RFC 8200 section 8.1).
     */
    public static int update128(int checksum, long oldHi, long oldLo, long newHi, long newLo) {
        long sum = (~checksum & 0xFFFF) + words(~oldHi) + words(~oldLo) + words(newHi) + words(newLo);
        return ~fold(sum) & 0xFFFF;
    }

    /** The sum of a long's four 16-bit words. */
    private static long words(long x) {
        return (x >>> 48) + ((x >>> 32) & 0xFFFF) + ((x >>> 16) & 0xFFFF) + (x & 0xFFFF);
    }

    /** Pseudo-header sum for TCP/UDP over IPv4 (RFC 793 section 3.1). */
    public static long pseudoHeader4(int src, int dst, int protocol, int l4Length) {
        return ((src >>> 16) & 0xFFFF) + (src & 0xFFFF) + ((dst >>> 16) & 0xFFFF) + (dst & 0xFFFF) + protocol + l4Length;
    }

    /** Pseudo-header sum for an upper layer over IPv6 (RFC 8200 section 8.1): both addresses from the header at {@code ip}. */
    public static long pseudoHeader6(long ip, int upperLength, int nextHeader) {
        return sum(ip + Ipv6.SRC_OFFSET, 32, 0) + upperLength + nextHeader;
    }

    /** The ICMPv6 checksum field value for {@code length} bytes at {@code icmp} (checksum field zero) inside the IPv6 header at {@code ip}. */
    public static int icmp6(long ip, long icmp, int length) {
        return ~fold(sum(icmp, length, pseudoHeader6(ip, length, Ipv4.PROTO_ICMPV6))) & 0xFFFF;
    }
}
