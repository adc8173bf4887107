package ocelot.bench.pktgen;

import java.util.HexFormat;

/**
 * What pktgen sends: one stream of {@code flows} 5-tuples of one frame size. Flow f takes its
 * source address, destination address, source port and destination port from the ranges in
 * mixed radix (source address fastest), so any flow count up to the product of the range sizes
 * gives distinct 5-tuples.
 *
 * @param frameSize bytes on the wire including the 4-byte FCS (RFC 2544's frame size)
 * @param rateMpps  offered rate in Mpps; {@link #LINE_RATE} = as fast as the port takes them (a
 *                  NIC that reports its speed caps it at line rate for the frame size)
 */
public record StreamSpec(int frameSize, int flows, boolean ipv6, int protocol, long srcMac, long dstMac,
                         Addresses src, Addresses dst, Range srcPort, Range dstPort, double rateMpps) {
    public static final double LINE_RATE = Double.POSITIVE_INFINITY;
    public static final int UDP = 17, TCP = 6;
    /** magic (4, low byte = trial), transmit time in System.nanoTime units (8), sequence (4). */
    public static final int PAYLOAD_STAMP = 16;
    public static final int MAGIC = 0x4F504B00; // "OPK" + trial number

    /** An inclusive range of 32-bit values (an IPv4 address, the low 32 bits of an IPv6 one, or a port). */
    public record Range(long low, long high) {
        public Range {
            if (high < low) throw new IllegalArgumentException("range " + low + "-" + high + ": high below low");
        }
        public long size() { return high - low + 1; }
    }

    /**
     * A range of addresses: IPv4 (high96 empty) or IPv6 whose top 96 bits are fixed and whose
     * low 32 bits take the range.
     */
    public record Addresses(byte[] high96, Range low32) {
        /** "10.0.0.0/24", "10.0.0.1-10.0.0.9", "10.0.0.1", "fd00::/120", "fd00::1-fd00::9". */
        public static Addresses parse(String text, boolean ipv6) {
            try {
                String[] dash = text.split("-");
                if (dash.length == 2) {
                    byte[] a = address(dash[0], ipv6), b = address(dash[1], ipv6);
                    if (ipv6 && !java.util.Arrays.equals(a, 0, 12, b, 0, 12)) {
                        throw new IllegalArgumentException("the two ends differ above the low 32 bits");
                    }
                    return new Addresses(java.util.Arrays.copyOf(a, ipv6 ? 12 : 0), new Range(low32(a), low32(b)));
                }
                String[] slash = text.split("/");
                byte[] a = address(slash[0], ipv6);
                int bits = ipv6 ? 128 : 32;
                int len = slash.length > 1 ? Integer.parseInt(slash[1]) : bits;
                if (len < bits - 32 || len > bits) {
                    throw new IllegalArgumentException("prefix length " + len + " outside " + (bits - 32) + ".." + bits
                            + " (the range spans at most the low 32 bits)");
                }
                long size = 1L << (bits - len);
                long low = low32(a) & ~(size - 1);
                return new Addresses(java.util.Arrays.copyOf(a, ipv6 ? 12 : 0), new Range(low, low + size - 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException((ipv6 ? "IPv6" : "IPv4") + " address range '" + text + "': " + e.getMessage());
            }
        }

        private static byte[] address(String text, boolean ipv6) {
            byte[] a;
            try {
                a = java.net.InetAddress.ofLiteral(text).getAddress();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "' is not an address literal");
            }
            if (a.length != (ipv6 ? 16 : 4)) throw new IllegalArgumentException("'" + text + "' is not an " + (ipv6 ? "IPv6" : "IPv4") + " address");
            return a;
        }

        private static long low32(byte[] a) {
            int n = a.length;
            return ((a[n - 4] & 0xFFL) << 24) | ((a[n - 3] & 0xFFL) << 16) | ((a[n - 2] & 0xFFL) << 8) | (a[n - 1] & 0xFFL);
        }
    }

    public StreamSpec {
        if (protocol != UDP && protocol != TCP) throw new IllegalArgumentException("protocol must be udp or tcp, got " + protocol);
        if (flows < 1) throw new IllegalArgumentException("flows must be >= 1, got " + flows);
        int min = minimumFrameSize(ipv6, protocol);
        if (frameSize < min || frameSize > 9018) {
            throw new IllegalArgumentException("frame size " + frameSize + " outside " + min + "..9018 for "
                    + (ipv6 ? "IPv6" : "IPv4") + "/" + (protocol == UDP ? "UDP" : "TCP")
                    + " (headers + a " + PAYLOAD_STAMP + "-byte timestamp + FCS)");
        }
        if (!(rateMpps > 0)) throw new IllegalArgumentException("rate must be > 0 Mpps or 'line', got " + rateMpps);
        long distinct = src.low32().size() * dst.low32().size() * srcPort.size() * dstPort.size();
        if (distinct < flows) {
            throw new IllegalArgumentException(flows + " flows asked, but the address and port ranges give only " + distinct + " distinct 5-tuples");
        }
    }

    public static int headerLength(boolean ipv6, int protocol) {
        return 14 + (ipv6 ? 40 : 20) + (protocol == UDP ? 8 : 20);
    }

    public static int minimumFrameSize(boolean ipv6, int protocol) {
        return Math.max(64, headerLength(ipv6, protocol) + PAYLOAD_STAMP + 4);
    }

    /** Bytes handed to the port: the frame without its FCS. */
    public int dataLength() { return frameSize - 4; }

    public StreamSpec withRate(double mpps) {
        return new StreamSpec(frameSize, flows, ipv6, protocol, srcMac, dstMac, src, dst, srcPort, dstPort, mpps);
    }

    public StreamSpec withFrameSize(int size) {
        return new StreamSpec(size, flows, ipv6, protocol, srcMac, dstMac, src, dst, srcPort, dstPort, rateMpps);
    }

    public String describe() {
        return String.format("%d-byte %s/%s frames, %d flows, %s -> %s, rate %s", frameSize, ipv6 ? "IPv6" : "IPv4",
                protocol == UDP ? "UDP" : "TCP", flows, mac(srcMac), mac(dstMac),
                rateMpps == LINE_RATE ? "line" : rateMpps + " Mpps");
    }

    static String mac(long mac) {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) b[i] = (byte) (mac >>> (40 - 8 * i));
        return HexFormat.ofDelimiter(":").formatHex(b);
    }

    /** "02:00:00:00:00:01" → its 48-bit value. */
    public static long parseMac(String text) {
        String[] parts = text.split(":");
        if (parts.length != 6) throw new IllegalArgumentException("MAC address '" + text + "': want six hex octets separated by ':'");
        long mac = 0;
        for (String p : parts) {
            try {
                mac = (mac << 8) | Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("MAC address '" + text + "': '" + p + "' is not a hex octet");
            }
        }
        return mac;
    }

    /** "lo-hi" or "n" → a port range. */
    public static Range parsePorts(String text) {
        String[] parts = text.split("-");
        try {
            long lo = Long.parseLong(parts[0]);
            long hi = parts.length > 1 ? Long.parseLong(parts[1]) : lo;
            if (parts.length > 2 || lo < 0 || hi > 65535) throw new NumberFormatException();
            return new Range(lo, hi);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port range '" + text + "': want N or LOW-HIGH within 0-65535");
        }
    }
}
