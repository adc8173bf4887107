package ocelot.fastpath.state;

/**
 * A Calico IPv6 pool as the dataplane needs it: whether traffic from it to outside every IPv6
 * pool is source-NATed to the node's IPv6 address (Calico's {@code natOutgoing} on an IPv6
 * pool). No IPIP: Calico's IPIP is IPv4-only, IPv6 pools are routed natively.
 */
public record Ip6Pool(Ip6 prefix, int length, boolean natOutgoing) {
    public Ip6Pool {
        if (prefix == null) throw new IllegalArgumentException("IPv6 pool: prefix missing");
        if (length < 0 || length > 128) throw new IllegalArgumentException("IPv6 pool " + prefix + "/" + length + ": length must be 0..128");
        if (!prefix.masked(length).equals(prefix)) throw new IllegalArgumentException("IPv6 pool " + prefix + "/" + length + ": bits set beyond the prefix length");
    }

    /** Parses "fd00:65::/64"; errors name the text. */
    public static Ip6Pool of(String cidr, boolean natOutgoing) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("IPv6 pool '" + cidr + "': want prefix/length");
        int length;
        try {
            length = Integer.parseInt(cidr.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("IPv6 pool '" + cidr + "': bad prefix length");
        }
        return new Ip6Pool(Ip6.parse(cidr.substring(0, slash)), length, natOutgoing);
    }

    public boolean contains(long hi, long lo) { return new Ip6(hi, lo).masked(length).equals(prefix); }

    /** True when the two pools share an address (one contains the other's prefix). */
    public boolean overlaps(Ip6Pool other) {
        int shorter = Math.min(length, other.length);
        return prefix.masked(shorter).equals(other.prefix.masked(shorter));
    }

    @Override
    public String toString() { return prefix + "/" + length; }
}
