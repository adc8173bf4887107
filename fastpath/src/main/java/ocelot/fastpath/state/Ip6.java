package ocelot.fastpath.state;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/** An IPv6 address as two longs in network order ({@code hi} holds bytes 0..7), as acl's HeaderBatch keeps them. */
public record Ip6(long hi, long lo) {
    /** Parses an IPv6 literal ("fd00::1"); never a name lookup. Errors name the text. */
    public static Ip6 parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("IPv6 address missing");
        InetAddress a;
        try {
            a = InetAddress.ofLiteral(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
        }
        if (!(a instanceof Inet6Address)) throw new IllegalArgumentException("'" + text + "' is an IPv4 address, not IPv6");
        ByteBuffer b = ByteBuffer.wrap(a.getAddress());
        return new Ip6(b.getLong(), b.getLong());
    }

    /** True for fe80::/10 (link-local: never forwarded, RFC 4291 section 2.5.6). */
    public boolean isLinkLocal() { return (hi >>> 54) == 0x3FA; }

    public boolean isMulticast() { return (hi >>> 56) == 0xFF; }

    /** This address with everything past {@code length} bits cleared. */
    public Ip6 masked(int length) {
        if (length <= 0) return new Ip6(0, 0);
        if (length < 64) return new Ip6(hi & (-1L << (64 - length)), 0);
        if (length == 64) return new Ip6(hi, 0);
        if (length < 128) return new Ip6(hi, lo & (-1L << (128 - length)));
        return this;
    }

    @Override
    public String toString() {
        byte[] bytes = ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
        try {
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes is always a valid length
        }
    }
}
