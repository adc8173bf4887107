package ocelot.acl;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An IPv4 or IPv6 prefix, or {@link #ANY} (matches every address of either family).
 *
 * <p>The address is held as a 128-bit value in two longs, top-aligned: an IPv4 address
 * {@code a.b.c.d} is {@code hi = (a.b.c.d) << 32, lo = 0}, so one 64-bit mask serves both
 * families and {@code length} counts from the top bit. Host bits are cleared on construction
 * (as Calico does with a CIDR such as {@code 10.1.2.3/8}).
 *
 * @param version 4, 6, or 0 for {@link #ANY}
 */
public record Prefix(int version, long hi, long lo, int length) {
    public static final Prefix ANY = new Prefix(0, 0, 0, 0);

    public Prefix {
        switch (version) {
            case 0 -> {
                if (length != 0 || hi != 0 || lo != 0) throw new IllegalArgumentException("the any-prefix has no address bits");
            }
            case 4 -> {
                if (length < 0 || length > 32) throw new IllegalArgumentException("IPv4 prefix length " + length + " is outside 0..32");
                if (lo != 0 || (hi & 0xFFFF_FFFFL) != 0) throw new IllegalArgumentException("IPv4 address must sit in the top 32 bits of hi");
            }
            case 6 -> {
                if (length < 0 || length > 128) throw new IllegalArgumentException("IPv6 prefix length " + length + " is outside 0..128");
            }
            default -> throw new IllegalArgumentException("IP version " + version + " is neither 4 nor 6");
        }
        hi &= maskHi(length);
        lo &= maskLo(length);
    }

    /** IPv4 prefix from an address as an int in host order (the top byte is the first octet). */
    public static Prefix v4(int address, int length) {
        return new Prefix(4, (address & 0xFFFF_FFFFL) << 32, 0, length);
    }

    public static Prefix v6(long hi, long lo, int length) {
        return new Prefix(6, hi, lo, length);
    }

    /** Parses {@code 10.0.0.0/8}, {@code 10.0.0.1} (a /32), {@code 2001:db8::/32}, {@code ::1}. */
    public static Prefix parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        boolean six = addr.indexOf(':') >= 0;
        int length;
        try {
            length = slash < 0 ? (six ? 128 : 32) : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no numeric prefix length");
        }
        if (!six) return v4(parseV4(addr, text), length);
        byte[] b;
        try {
            // ofLiteral never consults DNS (JDK 22+).
            InetAddress a = Inet6Address.ofLiteral(addr);
            b = a.getAddress();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
        }
        long hi = 0, lo = 0;
        for (int i = 0; i < 8; i++) hi = hi << 8 | (b[i] & 0xFF);
        for (int i = 8; i < 16; i++) lo = lo << 8 | (b[i] & 0xFF);
        return v6(hi, lo, length);
    }

    static int parseV4(String addr, String whole) {
        String[] parts = addr.split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("'" + whole + "' is not an IPv4 address");
        int v = 0;
        for (String p : parts) {
            int octet;
            try {
                octet = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + whole + "' is not an IPv4 address");
            }
            if (octet < 0 || octet > 255 || p.isEmpty() || p.charAt(0) == '+') {
                throw new IllegalArgumentException("'" + whole + "' has an octet outside 0..255");
            }
            v = v << 8 | octet;
        }
        return v;
    }

    /** Mask over the top 64 bits for a prefix of {@code length} bits counted from the top. */
    public static long maskHi(int length) {
        return length <= 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
    }

    /** Mask over the low 64 bits (only IPv6 prefixes longer than 64 have any). */
    public static long maskLo(int length) {
        return length <= 64 ? 0 : length >= 128 ? -1L : -1L << (128 - length);
    }

    public boolean isAny() {
        return length == 0;
    }

    /** The IPv4 network address as an int (first octet in the top byte). */
    public int v4Address() {
        return (int) (hi >>> 32);
    }

    public boolean containsV4(int address) {
        return version != 6 && ((((address & 0xFFFF_FFFFL) << 32) ^ hi) & maskHi(length)) == 0;
    }

    public boolean containsV6(long addrHi, long addrLo) {
        return version != 4 && ((addrHi ^ hi) & maskHi(length)) == 0 && ((addrLo ^ lo) & maskLo(length)) == 0;
    }

    /** True when every address of {@code other} is in this prefix (same family, or this is ANY). */
    public boolean covers(Prefix other) {
        if (version != 0 && other.version != version) return false;
        return length <= other.length && ((other.hi ^ hi) & maskHi(length)) == 0 && ((other.lo ^ lo) & maskLo(length)) == 0;
    }

    @Override
    public String toString() {
        if (version == 0) return "any";
        if (version == 4) {
            int a = v4Address();
            return (a >>> 24) + "." + (a >>> 16 & 255) + "." + (a >>> 8 & 255) + "." + (a & 255) + "/" + length;
        }
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[i + 8] = (byte) (lo >>> (56 - 8 * i));
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress() + "/" + length;
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
