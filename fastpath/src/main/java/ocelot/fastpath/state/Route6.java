package ocelot.fastpath.state;

/**
 * An IPv6 route: prefix (no bits beyond the length) to a next hop: {@link NextHop.ToEndpoint},
 * {@link NextHop.Via6}, {@link NextHop.Ecmp6}, {@link NextHop.ToHost} or {@link NextHop.Blackhole}.
 */
public record Route6(Ip6 prefix, int length, NextHop nextHop) {
    public Route6 {
        if (prefix == null) throw new IllegalArgumentException("IPv6 route: prefix missing");
        if (length < 0 || length > 128) throw new IllegalArgumentException("route " + prefix + "/" + length + ": length must be 0..128");
        if (!prefix.masked(length).equals(prefix)) throw new IllegalArgumentException("route " + prefix + "/" + length + ": bits set beyond the prefix length");
        if (nextHop == null) throw new IllegalArgumentException("route " + prefix + "/" + length + ": next hop missing");
        if (nextHop instanceof NextHop.Via || nextHop instanceof NextHop.Ecmp) {
            throw new IllegalArgumentException("route " + prefix + "/" + length + ": an IPv6 route's gateway must be a Via6 or Ecmp6, not " + nextHop);
        }
    }

    public static Route6 of(String cidr, NextHop nextHop) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("IPv6 route '" + cidr + "': want prefix/length");
        int length;
        try {
            length = Integer.parseInt(cidr.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad prefix length in '" + cidr + "'");
        }
        return new Route6(Ip6.parse(cidr.substring(0, slash)), length, nextHop);
    }
}
