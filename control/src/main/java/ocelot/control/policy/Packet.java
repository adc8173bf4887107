package ocelot.control.policy;

/**
 * The fields policy looks at. {@code srcPort}/{@code dstPort} are 0 for protocols without
 * ports; {@code icmpType}/{@code icmpCode} only mean something for ICMP/ICMPv6.
 */
public record Packet(IpAddress src, IpAddress dst, int protocol, int srcPort, int dstPort, int icmpType, int icmpCode) {
    public Packet {
        if (src.v6() != dst.v6()) {
            throw new IllegalArgumentException("packet mixes IPv4 and IPv6: " + src + " -> " + dst);
        }
    }

    public int version() {
        return src.version();
    }
}
