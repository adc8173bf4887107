package ocelot.control.resource;

import java.util.List;

/**
 * {@code kind: ipPool}. {@code blockSize} is Ocelot's addition (Calico 3 has it too): the
 * prefix length of the IPAM blocks carved from the pool, default /26 for IPv4 and /122 for IPv6.
 * {@code bgpExtendedCommunities} is an Ocelot extension (no Calico version has one): RFC 4360
 * extended communities, in {@code ExtendedCommunity.parse}'s text form ({@code rt:65000:100},
 * {@code ro:192.0.2.1:7}, {@code 0x} + 16 hex digits), that every route a node announces from
 * this pool carries (its affine blocks and borrowed /32s). Calico 3's
 * {@code BGPConfiguration.prefixAdvertisements} sets standard and large communities per CIDR;
 * extended ones ride on the pool here because the pool is what decides which routes exist.
 */
public record IpPool(Cidr cidr, IpIp ipip, Boolean natOutgoing, Boolean disabled, Integer blockSize,
                     List<String> bgpExtendedCommunities) implements Resource {
    public IpPool {
        bgpExtendedCommunities = bgpExtendedCommunities == null ? null : List.copyOf(bgpExtendedCommunities);
    }

    /** A pool without extended communities. */
    public IpPool(Cidr cidr, IpIp ipip, Boolean natOutgoing, Boolean disabled, Integer blockSize) {
        this(cidr, ipip, natOutgoing, disabled, blockSize, null);
    }

    /** IP-in-IP encapsulation; mode {@code always} (default) or {@code cross-subnet}. */
    public record IpIp(Boolean enabled, String mode) {}

    @Override
    public Kind kind() {
        return Kind.IP_POOL;
    }

    @Override
    public ResourceKey key() {
        return new ResourceKey(Kind.IP_POOL, List.of("cidr"), List.of(cidr.toString()));
    }

    public int effectiveBlockSize() {
        return blockSize != null ? blockSize : cidr.version() == 4 ? 26 : 122;
    }

    public boolean natOutgoingEnabled() {
        return Boolean.TRUE.equals(natOutgoing);
    }

    public boolean isDisabled() {
        return Boolean.TRUE.equals(disabled);
    }

    public boolean ipipEnabled() {
        return ipip != null && Boolean.TRUE.equals(ipip.enabled());
    }
}
