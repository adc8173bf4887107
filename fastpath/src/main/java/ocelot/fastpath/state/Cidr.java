package ocelot.fastpath.state;

import ocelot.fastpath.packet.Ipv4;

/** IPv4 CIDR text and containment. */
public final class Cidr {
    private Cidr() {}

    /** Parses "a.b.c.d/len" (or a bare address = /32) into {prefix, length}; errors name the text. */
    public static int[] parse(String cidr) {
        if (cidr == null) throw new IllegalArgumentException("CIDR missing");
        int slash = cidr.indexOf('/');
        int address = Ipv4.parse(slash < 0 ? cidr : cidr.substring(0, slash));
        int length;
        try {
            length = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in '" + cidr + "'");
        }
        if (length < 0 || length > 32) throw new IllegalArgumentException("prefix length in '" + cidr + "' must be 0..32");
        if ((address & ~mask(length)) != 0) throw new IllegalArgumentException("'" + cidr + "' has host bits set");
        return new int[] {address, length};
    }

    public static int mask(int length) { return length == 0 ? 0 : (int) (0xFFFFFFFFL << (32 - length)); }

    public static boolean contains(int prefix, int length, int address) { return (address & mask(length)) == prefix; }
}
