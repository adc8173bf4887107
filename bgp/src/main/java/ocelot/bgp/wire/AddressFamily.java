package ocelot.bgp.wire;

/** The AFI/SAFI pairs this speaker carries (RFC 4760 §3; IANA AFI 1 = IPv4, 2 = IPv6, SAFI 1 = unicast). */
public enum AddressFamily {
    IPV4_UNICAST(1, 1, 32),
    IPV6_UNICAST(2, 1, 128);

    public final int afi;
    public final int safi;
    public final int maxPrefixLength;

    AddressFamily(int afi, int safi, int maxPrefixLength) {
        this.afi = afi;
        this.safi = safi;
        this.maxPrefixLength = maxPrefixLength;
    }

    public int addressBytes() {
        return maxPrefixLength / 8;
    }

    /** @return the family, or null when this speaker does not carry the pair (RFC 7606 §7.11: AFI/SAFI disable). */
    public static AddressFamily of(int afi, int safi) {
        for (AddressFamily f : values()) {
            if (f.afi == afi && f.safi == safi) {
                return f;
            }
        }
        return null;
    }
}
