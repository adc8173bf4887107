package ocelot.fastpath.packet;

/**
 * The first bytes of TCP (RFC 9293 section 3.1), UDP (RFC 768), ICMP (RFC 792) and ICMPv6
 * (RFC 4443): ports or type/code, and where each keeps its checksum. Accessors take the
 * address of the transport header.
 */
public final class Transport {
    private Transport() {}

    public static final int SRC_PORT_OFFSET = 0;
    public static final int DST_PORT_OFFSET = 2;
    public static final int TCP_FLAGS_OFFSET = 13;
    public static final int TCP_CHECKSUM_OFFSET = 16;
    public static final int TCP_MIN_LENGTH = 20;
    public static final int UDP_LENGTH_OFFSET = 4;
    public static final int UDP_CHECKSUM_OFFSET = 6;
    public static final int UDP_LENGTH = 8;
    public static final int ICMP_TYPE_OFFSET = 0;
    public static final int ICMP_CODE_OFFSET = 1;
    public static final int ICMP_CHECKSUM_OFFSET = 2;
    public static final int ICMP_ID_OFFSET = 4;
    public static final int ICMP_LENGTH = 8;

    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_ACK = 0x10;

    public static final int ICMP_ECHO_REPLY = 0;
    public static final int ICMP_UNREACHABLE = 3;
    public static final int ICMP_ECHO_REQUEST = 8;
    public static final int ICMP_TIME_EXCEEDED = 11;
    public static final int ICMP_PARAMETER_PROBLEM = 12;
    /** Destination-unreachable codes (RFC 792; 13 from RFC 1812 section 5.2.7.1). */
    public static final int UNREACH_NET = 0;
    public static final int UNREACH_HOST = 1;
    public static final int UNREACH_ADMIN_PROHIBITED = 13;

    public static final int ICMP6_UNREACHABLE = 1;
    public static final int ICMP6_TIME_EXCEEDED = 3;
    public static final int ICMP6_ECHO_REQUEST = 128;
    public static final int ICMP6_ECHO_REPLY = 129;
    public static final int ICMP6_NEIGHBOR_SOLICIT = 135;
    public static final int ICMP6_NEIGHBOR_ADVERT = 136;

    public static int srcPort(long l4) { return PacketMemory.u16(l4 + SRC_PORT_OFFSET); }

    public static int dstPort(long l4) { return PacketMemory.u16(l4 + DST_PORT_OFFSET); }

    public static int tcpFlags(long l4) { return PacketMemory.u8(l4 + TCP_FLAGS_OFFSET); }

    public static int tcpDataOffset(long l4) { return (PacketMemory.u8(l4 + 12) >>> 4) << 2; }

    public static int icmpType(long l4) { return PacketMemory.u8(l4 + ICMP_TYPE_OFFSET); }

    public static int icmpCode(long l4) { return PacketMemory.u8(l4 + ICMP_CODE_OFFSET); }

    public static int icmpId(long l4) { return PacketMemory.u16(l4 + ICMP_ID_OFFSET); }

    /** Echo request/reply carry an identifier that plays the role of a port in conntrack. */
    public static boolean isIcmpQuery(int type) {
        return type == ICMP_ECHO_REQUEST || type == ICMP_ECHO_REPLY;
    }

    /** ICMP errors quote the offending datagram: conntrack relates them to its flow (RFC 1122 3.2.2). */
    public static boolean isIcmpError(int type) {
        return type == ICMP_UNREACHABLE || type == ICMP_TIME_EXCEEDED || type == ICMP_PARAMETER_PROBLEM;
    }
}
