package ocelot.control.node;

import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import ocelot.control.resource.Cidr;

/**
 * calico/node's IPv4 autodetection ({@code IP_AUTODETECTION_METHOD}): {@code first-found}
 * (default: interfaces in index order minus Calico's exclusion list, the first global unicast
 * address; Calico picks silently, so do we, and the other candidates are returned for the log),
 * {@code can-reach=DEST} (the source address the kernel's routing picks toward DEST; a UDP
 * connect sends nothing), {@code interface=REGEX} (the first matching interface; an error when
 * several match with different addresses, since the choice would depend on interface order).
 */
public final class AddressAutodetection {
    /** Calico's first-found exclusions (DEFAULT_INTERFACES_TO_EXCLUDE), plus Ocelot's own host TAP names. */
    static final List<Pattern> EXCLUDED_INTERFACES = List.of("docker.*", "cbr.*", "dummy.*", "virbr.*", "lxcbr.*", "veth.*",
            "lo", "cali.*", "tunl.*", "flannel.*", "kube-ipvs.*", "cni.*", "vxlan.calico.*", "wireguard.cali.*").stream()
            .map(Pattern::compile).toList();

    /** An interface and its address; {@code others} are further candidates the method passed over. */
    public record Detected(String interfaceName, Cidr cidr, List<String> others) {}

    private AddressAutodetection() {}

    /** Runs {@code method} as IP_AUTODETECTION_METHOD spells it; IllegalArgumentException says why nothing fits. */
    public static Detected detect(String method) {
        String m = method == null || method.isBlank() ? "first-found" : method.strip();
        if (m.equals("first-found")) return firstFound();
        if (m.startsWith("can-reach=")) return canReach(m.substring("can-reach=".length()));
        if (m.startsWith("interface=")) return byInterface(m.substring("interface=".length()));
        throw new IllegalArgumentException("IP_AUTODETECTION_METHOD '" + m + "': must be first-found, can-reach=DEST or interface=REGEX");
    }

    /** A candidate: an up interface's global IPv4 address. */
    record Candidate(String interfaceName, Cidr cidr) {
        @Override public String toString() { return interfaceName + " (" + cidr + ")"; }
    }

    static List<Candidate> candidates() {
        List<NetworkInterface> nics = new ArrayList<>();
        List<Candidate> out = new ArrayList<>();
        try {
            NetworkInterface.networkInterfaces().forEach(nics::add);
            nics.sort(Comparator.comparingInt(NetworkInterface::getIndex));
            for (NetworkInterface nic : nics) {
                if (!nic.isUp()) continue;
                for (InterfaceAddress ia : nic.getInterfaceAddresses()) {
                    InetAddress a = ia.getAddress();
                    if (!(a instanceof Inet4Address) || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isMulticastAddress()
                            || a.isAnyLocalAddress()) continue;
                    out.add(new Candidate(nic.getName(), Cidr.parseInterface(a.getHostAddress() + "/" + ia.getNetworkPrefixLength())));
                }
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list network interfaces: " + e.getMessage(), e);
        }
        return out;
    }

    static Detected firstFound() {
        return firstFound(candidates());
    }

    static Detected firstFound(List<Candidate> all) {
        List<Candidate> usable = all.stream()
                .filter(c -> EXCLUDED_INTERFACES.stream().noneMatch(p -> p.matcher(c.interfaceName()).matches())).toList();
        if (usable.isEmpty()) {
            throw new IllegalArgumentException("Couldn't autodetect an IPv4 address (first-found): no interface outside the exclusion list "
                    + "(docker*, lo, cali*, veth*, ...) has one; use --ip or IP_AUTODETECTION_METHOD=interface=REGEX");
        }
        return new Detected(usable.getFirst().interfaceName(), usable.getFirst().cidr(),
                usable.subList(1, usable.size()).stream().map(Candidate::toString).toList());
    }

    static Detected canReach(String destination) {
        InetAddress local;
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(new InetSocketAddress(InetAddress.getByName(destination), 9)); // route lookup only: UDP connect sends nothing
            local = probe.getLocalAddress();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("can-reach=" + destination + ": no route to it (" + e.getMessage() + ")");
        }
        for (Candidate c : candidates()) {
            if (c.cidr().address().equals(ocelot.control.resource.IpAddress.parse(local.getHostAddress()))) {
                return new Detected(c.interfaceName(), c.cidr(), List.of());
            }
        }
        throw new IllegalArgumentException("can-reach=" + destination + ": the kernel would send from " + local.getHostAddress()
                + ", which no up interface carries as a global IPv4 address");
    }

    static Detected byInterface(String regex) {
        return byInterface(regex, candidates());
    }

    static Detected byInterface(String regex, List<Candidate> all) {
        Pattern p;
        try {
            p = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("interface=" + regex + ": not a regular expression: " + e.getDescription());
        }
        List<Candidate> matching = all.stream().filter(c -> p.matcher(c.interfaceName()).matches()).toList();
        if (matching.isEmpty()) {
            throw new IllegalArgumentException("interface=" + regex + ": no up interface with an IPv4 address matches; candidates: "
                    + (all.isEmpty() ? "none" : all.stream().map(Candidate::toString).toList()));
        }
        if (matching.stream().map(c -> c.cidr().address()).distinct().count() > 1) {
            throw new IllegalArgumentException("interface=" + regex + " is ambiguous: it matches " + matching.stream().map(Candidate::toString).toList()
                    + "; narrow the expression or use --ip");
        }
        return new Detected(matching.getFirst().interfaceName(), matching.getFirst().cidr(), List.of());
    }

    /** The interface carrying {@code address} and its prefix length there, if any (for --ip without a length, and the default uplink). */
    public static java.util.Optional<Detected> carrying(ocelot.control.resource.IpAddress address) {
        return candidates().stream().filter(c -> c.cidr().address().equals(address)).findFirst()
                .map(c -> new Detected(c.interfaceName(), c.cidr(), List.of()));
    }
}
