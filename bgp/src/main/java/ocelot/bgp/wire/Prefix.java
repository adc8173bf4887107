package ocelot.bgp.wire;

import io.netty.buffer.ByteBuf;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 prefix held in two longs, so a million of them cost no byte arrays.
 * IPv4 addresses sit in the low 32 bits of {@code low}; host bits beyond {@code length} are zero.
 */
public record Prefix(AddressFamily family, long high, long low, int length) implements Comparable<Prefix> {

    public Prefix {
        if (length < 0 || length > family.maxPrefixLength) {
            throw new IllegalArgumentException("prefix length " + length + " out of range for " + family);
        }
    }

    public static Prefix ipv4(int address, int length) {
        int mask = length == 0 ? 0 : -1 << (32 - length);
        return new Prefix(AddressFamily.IPV4_UNICAST, 0, Integer.toUnsignedLong(address & mask), length);
    }

    public static Prefix ipv6(long high, long low, int length) {
        long hm = length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
        long lm = length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
        return new Prefix(AddressFamily.IPV6_UNICAST, high & hm, low & lm, length);
    }

    /** Parses {@code 10.0.0.0/24} or {@code 2001:db8::/32}; the error names the text. */
    public static Prefix parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("prefix '" + text + "' has no /length");
        }
        byte[] a = IpAddresses.parse(text.substring(0, slash));
        int len;
        try {
            len = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("prefix '" + text + "' has a non-numeric length");
        }
        if (len < 0 || len > a.length * 8) {
            throw new IllegalArgumentException("prefix '" + text + "' length out of range");
        }
        return a.length == 4 ? ipv4(IpAddresses.toInt(a), len)
                : ipv6(IpAddresses.toLong(a, 0), IpAddresses.toLong(a, 8), len);
    }

    /** Wire form of RFC 4271 §4.3: length in bits, then only the significant octets. */
    public void write(ByteBuf out) {
        out.writeByte(length);
        int bytes = (length + 7) >>> 3;
        if (family == AddressFamily.IPV4_UNICAST) {
            int a = (int) low;
            if (bytes == 4) {
                out.writeInt(a);
                return;
            }
            for (int i = 0; i < bytes; i++) {
                out.writeByte(a >>> (24 - 8 * i));
            }
        } else {
            for (int i = 0; i < bytes; i++) {
                long word = i < 8 ? high : low;
                out.writeByte((int) (word >>> (56 - 8 * (i & 7))));
            }
        }
    }

    public int wireLength() {
        return 1 + ((length + 7) >>> 3);
    }

    /**
     * Reads one NLRI entry; throws {@link IllegalArgumentException} naming the fault when the
     * length exceeds the family or the bytes run out (RFC 7606 §5.3: such NLRI is unparseable).
     */
    public static Prefix read(ByteBuf in, AddressFamily family) {
        int len = in.readUnsignedByte();
        if (len > family.maxPrefixLength) {
            throw new IllegalArgumentException("NLRI length " + len + " exceeds " + family.maxPrefixLength);
        }
        int bytes = (len + 7) >>> 3;
        if (in.readableBytes() < bytes) {
            throw new IllegalArgumentException("NLRI /" + len + " needs " + bytes + " octets, " + in.readableBytes() + " left");
        }
        if (family == AddressFamily.IPV4_UNICAST) {
            if (bytes == 4) {
                return ipv4(in.readInt(), len); // /25../32 (Calico endpoints): one read, not four
            }
            int a = 0;
            for (int i = 0; i < bytes; i++) {
                a |= in.readUnsignedByte() << (24 - 8 * i);
            }
            return ipv4(a, len);
        }
        long h = 0;
        long l = 0;
        for (int i = 0; i < bytes; i++) {
            long b = in.readUnsignedByte();
            if (i < 8) {
                h |= b << (56 - 8 * i);
            } else {
                l |= b << (56 - 8 * (i - 8));
            }
        }
        return ipv6(h, l, len);
    }

    public InetAddress address() {
        byte[] b = new byte[family.addressBytes()];
        if (family == AddressFamily.IPV4_UNICAST) {
            IpAddresses.putInt(b, 0, (int) low);
        } else {
            IpAddresses.putLong(b, 0, high);
            IpAddresses.putLong(b, 8, low);
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public int compareTo(Prefix o) {
        int c = family.compareTo(o.family);
        if (c == 0) c = Long.compareUnsigned(high, o.high);
        if (c == 0) c = Long.compareUnsigned(low, o.low);
        if (c == 0) c = Integer.compare(length, o.length);
        return c;
    }

    @Override
    public String toString() {
        return address().getHostAddress() + "/" + length;
    }
}
