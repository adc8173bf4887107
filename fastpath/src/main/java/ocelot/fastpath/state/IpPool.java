package ocelot.fastpath.state;

import ocelot.fastpath.packet.Ipv4;

/**
 * A Calico IP pool as the dataplane needs it: whether traffic to its addresses on other nodes
 * is IPIP-tunnelled, and whether traffic from it to outside every pool is source-NATed to the
 * node address (Calico's {@code ipip.mode} and {@code nat-outgoing}).
 */
public record IpPool(int prefix, int length, IpipMode ipip, boolean natOutgoing) {
    public enum IpipMode { NEVER, ALWAYS, CROSS_SUBNET }

    public IpPool {
        if (length < 0 || length > 32 || (prefix & ~Cidr.mask(length)) != 0) {
            throw new IllegalArgumentException("IP pool " + Ipv4.format(prefix) + "/" + length + ": not a valid CIDR");
        }
        if (ipip == null) throw new IllegalArgumentException("IP pool " + Ipv4.format(prefix) + "/" + length + ": ipip mode missing");
    }

    public static IpPool of(String cidr, IpipMode ipip, boolean natOutgoing) {
        int[] p = Cidr.parse(cidr);
        return new IpPool(p[0], p[1], ipip, natOutgoing);
    }

    public boolean contains(int address) { return Cidr.contains(prefix, length, address); }

    /** True when the two pools share an address: the shorter prefix contains the other's. */
    public boolean overlaps(IpPool other) {
        int shorter = Cidr.mask(Math.min(length, other.length));
        return (prefix & shorter) == (other.prefix & shorter);
    }

    @Override
    public String toString() { return Ipv4.format(prefix) + "/" + length; }
}
