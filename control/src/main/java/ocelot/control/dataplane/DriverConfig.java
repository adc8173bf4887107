package ocelot.control.dataplane;

import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.state.Ip6;
import ocelot.fastpath.state.NodeAddress;
import java.util.List;

/**
 * What the node process tells the dataplane driver about itself: its name (the datastore's
 * {@code node} field), its fabric address and subnet, the fastpath port names of the uplink and
 * of the exception path (the host TAP) with the TAP's MAC, and optionally a default gateway on
 * the fabric and an IPv6 address. Validated here, at the edge.
 *
 * @param defaultGateway IPv4 gateway on the uplink for destinations no other route covers
 *                       (what the kernel's default route was); 0 = none (such traffic is unreachable)
 * @param nodeIpv6 the node's IPv6 address, or null: IPv6 is then left to the kernel (punted)
 * @param nodeIpv6Length its subnet length (on-link via the uplink), when {@code nodeIpv6} is set
 * @param uplinkInterface the kernel name of the uplink interface, which a hostEndpoint's
 *                        {@code interfaceName} names (default: the uplink port's name)
 * @param routerPorts router mode: the rack-facing ports (fastpath port name = kernel name, with
 *                    its address and subnet); empty for a node. The uplink is then the border.
 */
public record DriverConfig(String nodeName, NodeAddress node, int defaultGateway, Ip6 nodeIpv6, int nodeIpv6Length,
                           String uplinkPort, String exceptionPort, long hostMac, String uplinkInterface, List<RouterPort> routerPorts) {
    /** A router's rack-facing port: its name (fastpath port and kernel interface) and its address with the subnet's length. */
    public record RouterPort(String name, NodeAddress address) {
        public RouterPort {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("router port: name missing");
            if (address == null) throw new IllegalArgumentException("router port " + name + ": address missing");
        }
    }

    public DriverConfig {
        routerPorts = routerPorts == null ? List.of() : List.copyOf(routerPorts);
        for (RouterPort p : routerPorts) {
            if (p.name().equals(uplinkPort) || p.name().equals(exceptionPort)) {
                throw new IllegalArgumentException("dataplane driver " + nodeName + ": router port " + p.name() + " is the uplink or exception port");
            }
            if (p.address().address() == node.address()) {
                throw new IllegalArgumentException("dataplane driver " + nodeName + ": router port " + p.name() + " has the node's address "
                        + Ipv4.format(node.address()));
            }
        }
        // each port's subnet is its own: an overlap would send one subnet's hosts out of the wrong port
        List<String> names = new java.util.ArrayList<>(List.of(uplinkPort));
        List<NodeAddress> subnets = new java.util.ArrayList<>(List.of(node));
        for (RouterPort p : routerPorts) {
            for (int i = 0; i < subnets.size(); i++) {
                NodeAddress other = subnets.get(i);
                int shorter = Math.min(other.subnetLength(), p.address().subnetLength());
                int mask = (int) (0xFFFFFFFFL << (32 - shorter));
                if ((other.address() & mask) == (p.address().address() & mask)) {
                    throw new IllegalArgumentException("dataplane driver " + nodeName + ": router port " + p.name() + "'s subnet "
                            + Ipv4.format(p.address().address()) + "/" + p.address().subnetLength() + " overlaps " + names.get(i) + "'s "
                            + Ipv4.format(other.address()) + "/" + other.subnetLength());
                }
            }
            names.add(p.name());
            subnets.add(p.address());
        }
        if (nodeName == null || nodeName.isBlank()) throw new IllegalArgumentException("dataplane driver: node name missing");
        if (node == null) throw new IllegalArgumentException("dataplane driver " + nodeName + ": node address missing");
        if (uplinkPort == null || uplinkPort.isBlank()) throw new IllegalArgumentException("dataplane driver " + nodeName + ": uplink port name missing");
        if (exceptionPort == null || exceptionPort.isBlank()) throw new IllegalArgumentException("dataplane driver " + nodeName + ": exception port name missing");
        if (uplinkPort.equals(exceptionPort)) throw new IllegalArgumentException("dataplane driver " + nodeName + ": uplink and exception port are both " + uplinkPort);
        if ((hostMac >>> 48) != 0) throw new IllegalArgumentException("dataplane driver " + nodeName + ": host MAC must fit 48 bits");
        if (defaultGateway != 0 && !node.sameSubnet(defaultGateway)) {
            throw new IllegalArgumentException("dataplane driver " + nodeName + ": default gateway " + Ipv4.format(defaultGateway)
                    + " is not on the node's subnet " + Ipv4.format(node.address()) + "/" + node.subnetLength());
        }
        if (uplinkInterface == null || uplinkInterface.isBlank()) uplinkInterface = uplinkPort;
        if (nodeIpv6 != null && (nodeIpv6Length < 1 || nodeIpv6Length > 128)) {
            throw new IllegalArgumentException("dataplane driver " + nodeName + ": IPv6 subnet length " + nodeIpv6Length + " must be 1..128");
        }
    }

    /** A node with an IPv4 address {@code cidr} ("10.0.0.1/24"), no default gateway and no IPv6. */
    public static DriverConfig of(String nodeName, String cidr, String uplinkPort, String exceptionPort, long hostMac) {
        return new DriverConfig(nodeName, NodeAddress.of(cidr), 0, null, 0, uplinkPort, exceptionPort, hostMac, uplinkPort, List.of());
    }

    /** This configuration with a default gateway ("10.0.0.254") on the uplink. */
    public DriverConfig withDefaultGateway(String gateway) {
        return new DriverConfig(nodeName, node, Ipv4.parse(gateway), nodeIpv6, nodeIpv6Length, uplinkPort, exceptionPort, hostMac, uplinkInterface, routerPorts);
    }

    /** This configuration with an IPv6 node address {@code cidr} ("fd00::1/64"). */
    public DriverConfig withIpv6(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("dataplane driver " + nodeName + ": IPv6 node address '" + cidr + "': want address/length");
        return new DriverConfig(nodeName, node, defaultGateway, Ip6.parse(cidr.substring(0, slash)),
                Integer.parseInt(cidr.substring(slash + 1).trim()), uplinkPort, exceptionPort, hostMac, uplinkInterface, routerPorts);
    }

    /** This configuration as a router's, with {@code ports} facing its rack (the uplink is the border). */
    public DriverConfig withRouterPorts(List<RouterPort> ports) {
        return new DriverConfig(nodeName, node, defaultGateway, nodeIpv6, nodeIpv6Length, uplinkPort, exceptionPort, hostMac, uplinkInterface, ports);
    }

    /** Whether this is a router's configuration. */
    public boolean router() {
        return !routerPorts.isEmpty();
    }

    /** The router port named {@code name} (kernel and fastpath name), or null. */
    public RouterPort routerPort(String name) {
        for (RouterPort p : routerPorts) if (p.name().equals(name)) return p;
        return null;
    }

    /** This configuration with the uplink's kernel interface name ("eth0"), which hostEndpoints name. */
    public DriverConfig withUplinkInterface(String name) {
        return new DriverConfig(nodeName, node, defaultGateway, nodeIpv6, nodeIpv6Length, uplinkPort, exceptionPort, hostMac, name, routerPorts);
    }
}
