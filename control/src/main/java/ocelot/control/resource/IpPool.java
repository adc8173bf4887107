package ocelot.control.resource;

import java.util.List;

/**
 * {@code kind: ipPool}. {@code blockSize} is Ocelot's addition (Calico 3 has it too): the
 * prefix length of the IPAM blocks carved from the pool, default /26 for IPv4 and /122 for IPv6.
 */
public record IpPool(Cidr cidr, IpIp ipip, Boolean natOutgoing, Boolean disabled, Integer blockSize)
        implements Resource {
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
