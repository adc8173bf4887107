package ocelot.control.calc;

import java.util.List;
import ocelot.control.policy.Action;
import ocelot.control.policy.Cidr;
import ocelot.control.policy.IcmpMatch;
import ocelot.control.policy.PortSpec;

/**
 * A rule as the dataplane sees it: selectors replaced by {@link IpSetKey}s, named ports by
 * named-port IP sets. Nothing here needs labels. {@code protocol}/{@code notProtocol} are -1
 * when unset, {@code ipVersion} 0; {@code icmp}/{@code notIcmp} null when unset.
 */
public record CompiledRule(Action action, int ipVersion, int protocol, int notProtocol,
                           IcmpMatch icmp, IcmpMatch notIcmp, Side source, Side destination) {

    /**
     * @param ipSet            packet address must be in it (null: no constraint)
     * @param notIpSet         packet address must not be in it (null: no constraint)
     * @param ports            with {@code namedPorts}: the port must be in a range or the
     *                         (address, protocol, port) in a set; both empty: no constraint
     * @param notPorts         with {@code notNamedPorts}: must match none
     */
    public record Side(List<Cidr> nets, List<Cidr> notNets, IpSetKey ipSet, IpSetKey notIpSet,
                       List<PortSpec.Range> ports, List<IpSetKey> namedPorts,
                       List<PortSpec.Range> notPorts, List<IpSetKey> notNamedPorts) {
        public Side {
            nets = List.copyOf(nets);
            notNets = List.copyOf(notNets);
            ports = List.copyOf(ports);
            namedPorts = List.copyOf(namedPorts);
            notPorts = List.copyOf(notPorts);
            notNamedPorts = List.copyOf(notNamedPorts);
        }
    }

    /** Every IP set the rule reads, for reference counting. */
    public void ipSets(java.util.function.Consumer<IpSetKey> sink) {
        for (Side side : new Side[] {source, destination}) {
            if (side.ipSet() != null) {
                sink.accept(side.ipSet());
            }
            if (side.notIpSet() != null) {
                sink.accept(side.notIpSet());
            }
            side.namedPorts().forEach(sink);
            side.notNamedPorts().forEach(sink);
        }
    }
}
