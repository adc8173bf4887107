package ocelot.control.resource;

import java.util.List;

/** {@code kind: node}: a host running Ocelot; {@code bgp} is null when the spec has none. */
public record NodeResource(String name, Bgp bgp) implements Resource {
    /** Per-node BGP settings; a null asNumber means the cluster's global AS. */
    public record Bgp(AsNumber asNumber, Cidr ipv4Address, Cidr ipv6Address) {}

    @Override
    public Kind kind() {
        return Kind.NODE;
    }

    @Override
    public ResourceKey key() {
        return new ResourceKey(Kind.NODE, List.of("name"), List.of(name));
    }
}
