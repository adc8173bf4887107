package ocelot.control.resource;

import java.util.List;

/** One v1 policy/profile rule; null fields are absent (match anything). */
public record Rule(String action, Integer ipVersion, Protocol protocol, Icmp icmp, Protocol notProtocol,
                   Icmp notIcmp, EntityRule source, EntityRule destination) {
    public static final List<String> ACTIONS = List.of("allow", "deny", "log", "pass");

    /** A protocol by name ({@code tcp}) or number (1-255); {@code name} is null for a number. */
    public record Protocol(String name, int number) {
        public static final List<String> NAMES = List.of("tcp", "udp", "icmp", "icmpv6", "sctp", "udplite");

        public boolean hasPorts() {
            return number == 6 || number == 17 || number == 132 || number == 136;
        }

        public boolean isIcmp() {
            return number == 1 || number == 58;
        }
    }

    /** ICMP type and code; code needs a type. */
    public record Icmp(Integer type, Integer code) {}

    /** The source or destination match of a rule. */
    public record EntityRule(String tag, Cidr net, String selector, List<PortRange> ports,
                             String notTag, Cidr notNet, String notSelector, List<PortRange> notPorts) {}
}
