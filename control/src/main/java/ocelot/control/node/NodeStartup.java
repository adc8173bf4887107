package ocelot.control.node;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
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
    /**
     * Calico's first-found default exclusions: container, bridge, tunnel and loopback devices
     * (calico/node autodetection, DEFAULT_INTERFACES_TO_EXCLUDE).
     */
    static final List<Pattern> EXCLUDED_INTERFACES = List.of("docker.*", "cbr.*", "dummy.*", "virbr.*", "lxcbr.*", "veth.*",
            "lo", "cali.*", "tunl.*", "flannel.*", "kube-ipvs.*", "cni.*", "vxlan.calico.*", "wireguard.cali.*").stream()
            .map(Pattern::compile).toList();
    public static final Cidr DEFAULT_IPV4_POOL = Cidr.parse("192.168.0.0/16");

    private final ResourceStore resources;
    private final Consumer<String> log;

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
            address = ipv4;
            log.accept("Using IPv4 address from environment: IP=" + ipv4.address());
        } else {
            Autodetected found = firstFound().orElseThrow(() -> new IllegalArgumentException(
                    "Couldn't autodetect an IPv4 address: no interface outside the exclusion list (docker*, lo, cali*, ...) has one; use --ip"));
            address = found.cidr();
            log.accept("Using autodetected IPv4 address on interface " + found.interfaceName() + ": " + found.cidr());
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
        NodeResource node = new NodeResource(name, new NodeResource.Bgp(as, address, old == null ? null : old.ipv6Address()));
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

    /** An interface and the address first-found picked on it. */
    record Autodetected(String interfaceName, Cidr cidr) {}

    /** Calico's first-found: interfaces in index order, skipping the excluded names, the first global unicast IPv4 address. */
    static Optional<Autodetected> firstFound() {
        List<NetworkInterface> interfaces = new ArrayList<>();
        try {
            NetworkInterface.networkInterfaces().forEach(interfaces::add);
            interfaces.sort(Comparator.comparingInt(NetworkInterface::getIndex));
            for (NetworkInterface nic : interfaces) {
                if (!nic.isUp() || EXCLUDED_INTERFACES.stream().anyMatch(p -> p.matcher(nic.getName()).matches())) continue;
                for (InterfaceAddress ia : nic.getInterfaceAddresses()) {
                    InetAddress a = ia.getAddress();
                    if (!(a instanceof Inet4Address) || a.isLoopbackAddress() || a.isLinkLocalAddress()
                            || a.isMulticastAddress() || a.isAnyLocalAddress()) continue;
                    return Optional.of(new Autodetected(nic.getName(),
                            Cidr.parseInterface(a.getHostAddress() + "/" + ia.getNetworkPrefixLength())));
                }
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list network interfaces: " + e.getMessage(), e);
        }
        return Optional.empty();
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
