package ocelot.control.policy;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An IPv4 or IPv6 address as two longs (IPv4 lives in the low 32 bits of {@code lo}), so that
 * prefix tests are shifts and masks and the record is a cheap hash key. Parsed with
 * {@link InetAddress#ofLiteral}, which never resolves names.
 */
public record IpAddress(boolean v6, long hi, long lo) implements Comparable<IpAddress> {

    public IpAddress {
        if (!v6 && (hi != 0 || (lo >>> 32) != 0)) {
            throw new IllegalArgumentException("IPv4 address wider than 32 bits");
        }
    }

    // Explicit: a record's generated equals/hashCode go through an invokedynamic bootstrap that
    // JFR showed as ~15% of a cold start (225k IP set members hashed several times each).
    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress a && lo == a.lo && hi == a.hi && v6 == a.v6;
    }

    @Override
    public int hashCode() {
        return (int) (lo ^ (lo >>> 32)) * 31 + (int) (hi ^ (hi >>> 32)) + (v6 ? 0x5bd1e995 : 0);
    }

    public static IpAddress v4(int bits) {
        return new IpAddress(false, 0, bits & 0xFFFF_FFFFL);
    }

    /** Parses a literal IPv4 or IPv6 address; the message names the bad text. */
    public static IpAddress parse(String text) {
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address", e);
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            return new IpAddress(true, toLong(b, 0), toLong(b, 8));
        }
        return new IpAddress(false, 0, ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL));
    }

    private static long toLong(byte[] b, int from) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[from + i] & 0xFFL);
        }
        return v;
    }

    public int version() {
        return v6 ? 6 : 4;
    }

    public int bitLength() {
        return v6 ? 128 : 32;
    }

    @Override
    public int compareTo(IpAddress o) {
        int c = Boolean.compare(v6, o.v6);
        if (c == 0) {
            c = Long.compareUnsigned(hi, o.hi);
        }
        return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
    }

    @Override
    public String toString() {
        if (!v6) {
            return (lo >>> 24) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError("16 bytes are always an IPv6 address", e);
        }
    }
}
