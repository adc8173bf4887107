package ocelot.fastpath.state;

import ocelot.fastpath.packet.Ipv4;

/**
 * The node's own fabric address and subnet (for IPIP cross-subnet decisions, SNAT, and as the
 * source of ICMP errors and tunnels).
 */
public record NodeAddress(int address, int subnetLength) {
    public NodeAddress {
        if (subnetLength < 1 || subnetLength > 32) throw new IllegalArgumentException("node address " + Ipv4.format(address) + ": subnet length must be 1..32");
        if (address == 0) throw new IllegalArgumentException("node address must not be 0.0.0.0");
    }

    public static NodeAddress of(String cidr) {
        String[] parts = cidr.split("/");
        if (parts.length != 2) throw new IllegalArgumentException("node address '" + cidr + "': want a.b.c.d/len");
        return new NodeAddress(Ipv4.parse(parts[0]), Integer.parseInt(parts[1].trim()));
    }

    public boolean sameSubnet(int other) { return Cidr.contains(address & Cidr.mask(subnetLength), subnetLength, other); }
}
