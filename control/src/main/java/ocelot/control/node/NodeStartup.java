package ocelot.control.node;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.resource.AsNumber;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.IpAddress;
import ocelot.control.resource.IpPool;
import ocelot.control.resource.Kind;
import ocelot.control.resource.NodeResource;
import ocelot.control.resource.Resource;
import ocelot.control.resource.ResourceKey;

/**
 * What `calicoctl node run` does before BIRD and Felix start, in its order and with its log
 * lines (calico/node startup): kernel forwarding (skipped here: Ocelot forwards in userspace),
 * datastore check, the node's IPv4 address (given, or autodetected first-found), its AS (given,
 * its own, or the global one), the node resource written, default IP pools when none exist.
 */
public final class NodeStartup {
    public static final Cidr DEFAULT_IPV4_POOL = Cidr.parse("192.168.0.0/16");

    private final ResourceStore resources;
    private final Consumer<String> log;
    private String addressInterface;

    public NodeStartup(ResourceStore resources, Consumer<String> log) {
        this.resources = resources;
        this.log = log;
    }

    /**
     * Writes node {@code name}'s resource and the default pools; returns the node as stored.
     * {@code ipv4} null means autodetect; {@code asNumber} null keeps the node's own AS or, when
     * it has none, leaves the global one in force.
     */
    public NodeResource prepare(String name, Cidr ipv4, AsNumber asNumber) {
        return prepare(name, ipv4, "first-found", asNumber);
    }

    /**
     * As {@link #prepare(String, Cidr, AsNumber)}, autodetecting with {@code autodetectMethod}
     * (IP_AUTODETECTION_METHOD) when {@code ipv4} is null. A given address without a prefix
     * length (/32) takes the length it has on the interface that carries it, as calico/node does.
     */
    public NodeResource prepare(String name, Cidr ipv4, String autodetectMethod, AsNumber asNumber) {
        log.accept("Skipping kernel IPv4 forwarding (net.ipv4.ip_forward): the Ocelot dataplane forwards in userspace");
        log.accept("Skipping kernel IPv6 forwarding (net.ipv6.conf.all.forwarding): the Ocelot dataplane forwards in userspace");
        log.accept("Checking datastore connection");
        Optional<NodeResource> existing = resources.get(new ResourceKey(Kind.NODE, List.of("name"), List.of(name)))
                .map(NodeResource.class::cast);
        log.accept("Datastore connection verified");
        log.accept("Using node name: " + name);

        Cidr address;
        if (ipv4 != null) {
            if (ipv4.version() != 4) throw new IllegalArgumentException("--ip " + ipv4 + " is not an IPv4 address");
            var carrier = AddressAutodetection.carrying(ipv4.address());
            address = ipv4.prefixLength() == 32 && carrier.isPresent() ? carrier.get().cidr() : ipv4;
            addressInterface = carrier.map(AddressAutodetection.Detected::interfaceName).orElse(null);
            log.accept("Using IPv4 address from environment: IP=" + ipv4.address());
        } else {
            AddressAutodetection.Detected found = AddressAutodetection.detect(autodetectMethod);
            address = found.cidr();
            addressInterface = found.interfaceName();
            log.accept("Using autodetected IPv4 address on interface " + found.interfaceName() + ": " + found.cidr());
            if (!found.others().isEmpty()) {
                log.accept("Autodetection (" + (autodetectMethod == null ? "first-found" : autodetectMethod) + ") passed over " + found.others()
                        + "; set IP_AUTODETECTION_METHOD=interface=REGEX or can-reach=DEST, or --ip, to choose");
            }
        }

        NodeResource.Bgp old = existing.map(NodeResource::bgp).orElse(null);
        AsNumber as = asNumber;
        if (as != null) {
            log.accept("Using AS number specified in environment (AS=" + as + ")");
        } else if (old != null && old.asNumber() != null) {
            as = old.asNumber();
            log.accept("Using AS number " + as + " configured in node resource");
        } else {
            log.accept("No AS number configured on node resource, using global value");
        }
        // Calico's startup rewrites only the address and AS: a route reflector cluster ID set on the node stays.
        NodeResource node = new NodeResource(name, new NodeResource.Bgp(as, address, old == null ? null : old.ipv6Address(),
                old == null ? null : old.routeReflectorClusterID()));
        if (node.bgp().routeReflectorClusterID() != null) {
            log.accept("Route reflector for cluster " + node.bgp().routeReflectorClusterID() + " (node resource)");
        }
        resources.apply(List.of(node));

        List<IpPool> pools = resources.list(Kind.IP_POOL, r -> true).stream().map(IpPool.class::cast).toList();
        List<IpPool> create = new ArrayList<>();
        if (pools.stream().noneMatch(p -> p.cidr().version() == 4)) create.add(new IpPool(DEFAULT_IPV4_POOL, null, true, null, null));
        if (pools.stream().noneMatch(p -> p.cidr().version() == 6)) create.add(new IpPool(randomUla64(), null, true, null, null));
        if (!create.isEmpty()) {
            // skip-exists: two nodes starting at once on an empty store both try to create the defaults.
            for (Resource r : resources.create(new ArrayList<Resource>(create), true).written()) {
                IpPool p = (IpPool) r;
                log.accept("Created default IPv" + p.cidr().version() + " pool (" + p.cidr() + ") with NAT outgoing true. IPIP mode: off");
            }
        }
        return node;
    }

    /** The interface carrying the node's address (autodetected or given), or null when none here does. */
    public String addressInterface() {
        return addressInterface;
    }

    /** RFC 4193 §3.2: fd00::/8 + a random 40-bit global ID + subnet 0, as Calico's default IPv6 pool. */
    static Cidr randomUla64() {
        byte[] id = new byte[5];
        new SecureRandom().nextBytes(id);
        BigInteger v = BigInteger.valueOf(0xfd);
        for (byte b : id) v = v.shiftLeft(8).or(BigInteger.valueOf(b & 0xff));
        v = v.shiftLeft(128 - 48);
        return new Cidr(new IpAddress(6, v), 64);
    }
}
