package ocelot.control.resource;

import java.util.List;

/** {@code kind: node}: a host running Ocelot; {@code bgp} is null when the spec has none. */
public record NodeResource(String name, Bgp bgp) implements Resource {
    /**
     * Per-node BGP settings; a null asNumber means the cluster's global AS. A non-null
     * {@code routeReflectorClusterID} (an IPv4 dotted quad) makes the node a route reflector for
     * that cluster: Calico v1 had no such field (its reflectors were separate containers
     * configured in etcd), so Ocelot takes the name later Calico versions put in the node spec.
     */
    public record Bgp(AsNumber asNumber, Cidr ipv4Address, Cidr ipv6Address, IpAddress routeReflectorClusterID) {
        public Bgp {
            if (routeReflectorClusterID != null && routeReflectorClusterID.version() != 4) {
                throw new IllegalArgumentException("routeReflectorClusterID must be an IPv4 dotted quad");
            }
        }

        /** The v1 fields only: not a route reflector. */
        public Bgp(AsNumber asNumber, Cidr ipv4Address, Cidr ipv6Address) {
            this(asNumber, ipv4Address, ipv6Address, null);
        }
    }

    @Override
    public Kind kind() {
        return Kind.NODE;
    }

    @Override
    public ResourceKey key() {
        return new ResourceKey(Kind.NODE, List.of("name"), List.of(name));
    }
}
