package ocelot.acl;

import java.util.Locale;

/** IP protocol numbers (IANA) as a rule's {@code protocol} field uses them; {@link #ANY} matches all. */
public final class Protocol {
    public static final int ANY = -1;
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMPV6 = 58;
    public static final int SCTP = 132;
    public static final int UDPLITE = 136;

    private Protocol() {}

    /** Parses a Calico protocol name ({@code TCP}, {@code UDP}, {@code ICMP}, {@code ICMPv6}, {@code SCTP}, {@code UDPLite}) or a number 0..255. */
    public static int parse(String text) {
        String t = text.strip();
        switch (t.toLowerCase(Locale.ROOT)) {
            case "tcp": return TCP;
            case "udp": return UDP;
            case "icmp": return ICMP;
            case "icmpv6": return ICMPV6;
            case "sctp": return SCTP;
            case "udplite": return UDPLITE;
            default:
        }
        int n;
        try {
            n = Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unknown protocol '" + text + "' (want TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or 0..255)");
        }
        if (n < 0 || n > 255) throw new IllegalArgumentException("protocol " + n + " is outside 0..255");
        return n;
    }
}
