package ocelot.fastpath.state;

import ocelot.fastpath.packet.Ipv4;

/** An IPv4 route: prefix (host-order int, no bits beyond the length) to a next hop. */
public record Route(int prefix, int length, NextHop nextHop) {
    public Route {
        if (length < 0 || length > 32) throw new IllegalArgumentException("route " + Ipv4.format(prefix) + "/" + length + ": length must be 0..32");
        if (length < 32 && (prefix & (int) (0xFFFFFFFFL >>> length)) != 0) {
            throw new IllegalArgumentException("route " + Ipv4.format(prefix) + "/" + length + ": bits set beyond the prefix length");
        }
        if (nextHop == null) throw new IllegalArgumentException("route " + Ipv4.format(prefix) + "/" + length + ": next hop missing");
    }

    public static Route of(String cidr, NextHop nextHop) {
        int[] p = Cidr.parse(cidr);
        return new Route(p[0], p[1], nextHop);
    }

    public boolean contains(int address) { return Cidr.contains(prefix, length, address); }
}
