package ocelot.control.policy;

/**
 * A Calico v1 policy or profile rule. Null means "not set" for every optional field.
 *
 * @param ipVersion 4, 6, or 0 when unset
 */
public record Rule(Action action, int ipVersion, Protocol protocol, Protocol notProtocol,
                   IcmpMatch icmp, IcmpMatch notIcmp, EntityMatch source, EntityMatch destination) {

    /**
     * Validates as Calico does; the message names the field. Ports need a protocol with ports
     * (libcalico-go validator: "ports only valid with TCP/UDP/SCTP"), ICMP matches need
     * protocol icmp or icmpv6 that agrees with {@code ipVersion}, and nets must agree with it too.
     */
    public Rule {
        if (action == null) {
            throw new IllegalArgumentException("rule: action is required (allow, deny, log or pass)");
        }
        if (ipVersion != 0 && ipVersion != 4 && ipVersion != 6) {
            throw new IllegalArgumentException("rule: ipVersion must be 4 or 6, not " + ipVersion);
        }
        source = source == null ? EntityMatch.ANY : source;
        destination = destination == null ? EntityMatch.ANY : destination;
        if ((source.hasPorts() || destination.hasPorts()) && (protocol == null || !protocol.hasPorts())) {
            throw new IllegalArgumentException("rule: ports/notPorts need protocol tcp, udp, sctp or udplite, not "
                    + (protocol == null ? "no protocol" : protocol));
        }
        if ((icmp != null || notIcmp != null) && (protocol == null || !protocol.isIcmp())) {
            throw new IllegalArgumentException("rule: icmp/notICMP need protocol icmp or icmpv6");
        }
        if (protocol != null && protocol.isIcmp() && ipVersion != 0
                && (protocol.equals(Protocol.ICMPV6) != (ipVersion == 6))) {
            throw new IllegalArgumentException("rule: protocol " + protocol + " does not fit ipVersion " + ipVersion);
        }
        for (EntityMatch side : new EntityMatch[] {source, destination}) {
            for (Cidr net : side.nets()) {
                checkVersion(ipVersion, net);
            }
            for (Cidr net : side.notNets()) {
                checkVersion(ipVersion, net);
            }
        }
    }

    private static void checkVersion(int ipVersion, Cidr net) {
        if (ipVersion != 0 && net.version() != ipVersion) {
            throw new IllegalArgumentException("rule: net " + net + " is not IPv" + ipVersion + " as ipVersion says");
        }
    }

    public static Rule of(Action action) {
        return new Rule(action, 0, null, null, null, null, null, null);
    }

    public Rule withProtocol(Protocol p) {
        return new Rule(action, ipVersion, p, notProtocol, icmp, notIcmp, source, destination);
    }

    public Rule withSource(EntityMatch s) {
        return new Rule(action, ipVersion, protocol, notProtocol, icmp, notIcmp, s, destination);
    }

    public Rule withDestination(EntityMatch d) {
        return new Rule(action, ipVersion, protocol, notProtocol, icmp, notIcmp, source, d);
    }
}
