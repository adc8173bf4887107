package ocelot.bgp.wire;

import java.util.Arrays;
import java.util.Locale;

/**
 * Extended communities (RFC 4360) held as one {@code long} each, and the IPv6-address-specific
 * form (RFC 5701) as 20-octet records: text form, and the transitive rule both share (bit 0x40
 * of the type's high octet set = non-transitive: never sent to another AS, RFC 4360 §6,
 * RFC 5701 §2).
 */
public final class ExtendedCommunity {
    /** RFC 4360 §4: Two-Octet AS Specific, IPv4 Address Specific, RFC 5668 Four-Octet AS Specific. */
    public static final int TYPE_TWO_OCTET_AS = 0x00;
    public static final int TYPE_IPV4_ADDRESS = 0x01;
    public static final int TYPE_FOUR_OCTET_AS = 0x02;
    /** Sub-types of those three: Route Target (RFC 4360 §5) and Route Origin (§5). */
    public static final int SUBTYPE_ROUTE_TARGET = 0x02;
    public static final int SUBTYPE_ROUTE_ORIGIN = 0x03;
    public static final int NON_TRANSITIVE = 0x40;
    /** RFC 5701 §2: one IPv6-address-specific community. */
    public static final int IPV6_LENGTH = 20;

    private ExtendedCommunity() {
    }

    public static boolean transitive(long community) {
        return ((community >>> 56) & NON_TRANSITIVE) == 0;
    }

    /** A transitive two-octet-AS route target or origin (the {@code rt:} / {@code ro:} forms of {@link #parse}). */
    public static long twoOctetAs(int subtype, int asn, long value) {
        return ((long) TYPE_TWO_OCTET_AS << 56) | ((long) subtype << 48) | ((long) (asn & 0xffff) << 32) | (value & 0xffffffffL);
    }

    public static long fourOctetAs(int subtype, long asn, int value) {
        return ((long) TYPE_FOUR_OCTET_AS << 56) | ((long) subtype << 48) | ((asn & 0xffffffffL) << 16) | (value & 0xffff);
    }

    public static long ipv4Address(int subtype, int address, int value) {
        return ((long) TYPE_IPV4_ADDRESS << 56) | ((long) subtype << 48) | ((address & 0xffffffffL) << 16) | (value & 0xffff);
    }

    /**
     * Parses {@code rt:ASN:N}, {@code rt:A.B.C.D:N}, {@code ro:...} (route target / origin; an ASN
     * over 65535 selects the four-octet form, RFC 5668) or {@code 0x} and 16 hex digits (any type).
     */
    public static long parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("0x") && t.length() == 18) {
            try {
                return Long.parseUnsignedLong(t.substring(2), 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("extended community '" + text + "': not 16 hex digits");
            }
        }
        String[] f = t.split(":");
        if (f.length != 3 || !(f[0].equals("rt") || f[0].equals("ro"))) {
            throw new IllegalArgumentException("extended community '" + text + "': expected rt:ASN:N, rt:A.B.C.D:N, ro:... or 0x + 16 hex digits");
        }
        int sub = f[0].equals("rt") ? SUBTYPE_ROUTE_TARGET : SUBTYPE_ROUTE_ORIGIN;
        long value = number(text, f[2], 0xffffffffL);
        if (f[1].indexOf('.') >= 0) {
            if (value > 0xffff) throw new IllegalArgumentException("extended community '" + text + "': value " + value + " > 65535 with an IPv4 address");
            byte[] a;
            try {
                a = IpAddresses.parse(f[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("extended community '" + text + "': " + e.getMessage());
            }
            if (a.length != 4) throw new IllegalArgumentException("extended community '" + text + "': '" + f[1] + "' is not an IPv4 address");
            return ipv4Address(sub, IpAddresses.toInt(a), (int) value);
        }
        long asn = number(text, f[1], 0xffffffffL);
        if (asn <= 0xffff) return twoOctetAs(sub, (int) asn, value);
        if (value > 0xffff) throw new IllegalArgumentException("extended community '" + text + "': value " + value + " > 65535 with a 4-octet AS");
        return fourOctetAs(sub, asn, (int) value);
    }

    private static long number(String text, String s, long max) {
        try {
            long v = Long.parseLong(s);
            if (v >= 0 && v <= max) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("extended community '" + text + "': '" + s + "' is not a number in 0.." + max);
    }

    /** {@code rt:65000:100}-style for the route target / origin forms, else 0x and the 16 hex digits. */
    public static String format(long c) {
        int type = (int) (c >>> 56) & 0xff;
        int sub = (int) (c >>> 48) & 0xff;
        String kind = sub == SUBTYPE_ROUTE_TARGET ? "rt" : sub == SUBTYPE_ROUTE_ORIGIN ? "ro" : null;
        if (kind != null) {
            switch (type) {
                case TYPE_TWO_OCTET_AS -> { return kind + ":" + ((c >>> 32) & 0xffff) + ":" + (c & 0xffffffffL); }
                case TYPE_FOUR_OCTET_AS -> { return kind + ":" + ((c >>> 16) & 0xffffffffL) + ":" + (c & 0xffff); }
                case TYPE_IPV4_ADDRESS -> { return kind + ":" + IpAddresses.ipv4((int) (c >>> 16)) + ":" + (c & 0xffff); }
                default -> { }
            }
        }
        return String.format("0x%016x", c);
    }

    /** The transitive ones of {@code communities} (null when none is left). */
    public static long[] transitiveOnly(long[] communities) {
        if (communities == null) return null;
        long[] kept = Arrays.stream(communities).filter(ExtendedCommunity::transitive).toArray();
        return kept.length == 0 ? null : kept.length == communities.length ? communities : kept;
    }

    /** The transitive 20-octet records of {@code communities} (RFC 5701 §2; null when none is left). */
    public static byte[] transitiveOnlyIpv6(byte[] communities) {
        if (communities == null) return null;
        byte[] kept = new byte[communities.length];
        int n = 0;
        for (int i = 0; i < communities.length; i += IPV6_LENGTH) {
            if ((communities[i] & NON_TRANSITIVE) != 0) continue;
            System.arraycopy(communities, i, kept, n, IPV6_LENGTH);
            n += IPV6_LENGTH;
        }
        return n == 0 ? null : n == communities.length ? communities : Arrays.copyOf(kept, n);
    }
}
