package ocelot.control.calc;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import ocelot.control.policy.Direction;
import ocelot.control.policy.EntityMatch;
import ocelot.control.policy.PortSpec;
import ocelot.control.policy.Rule;
import ocelot.control.selector.Selector;

/**
 * The compiled ingress and egress rules of one policy or profile; compiled once and shared by
 * every endpoint that uses it. {@code appliesIngress}/{@code appliesEgress} carry the policy's
 * types (a profile applies both ways).
 */
public record CompiledRules(List<CompiledRule> ingress, List<CompiledRule> egress) {
    public CompiledRules {
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
    }

    public List<CompiledRule> rules(Direction direction) {
        return direction == Direction.INGRESS ? ingress : egress;
    }

    public static CompiledRules compile(List<Rule> ingress, List<Rule> egress) {
        return new CompiledRules(compile(ingress), compile(egress));
    }

    /** The distinct IP sets these rules read. */
    public Set<IpSetKey> ipSets() {
        Set<IpSetKey> keys = new LinkedHashSet<>();
        ingress.forEach(r -> r.ipSets(keys::add));
        egress.forEach(r -> r.ipSets(keys::add));
        return keys;
    }

    private static List<CompiledRule> compile(List<Rule> rules) {
        List<CompiledRule> out = new ArrayList<>(rules.size());
        for (Rule r : rules) {
            out.add(new CompiledRule(r.action(), r.ipVersion(),
                    r.protocol() == null ? -1 : r.protocol().number(),
                    r.notProtocol() == null ? -1 : r.notProtocol().number(),
                    r.icmp(), r.notIcmp(), compile(r.source()), compile(r.destination())));
        }
        return out;
    }

    private static CompiledRule.Side compile(EntityMatch m) {
        List<PortSpec.Range> ports = new ArrayList<>();
        List<IpSetKey> named = new ArrayList<>();
        split(m.ports(), m.namedPortSelector(), ports, named);
        List<PortSpec.Range> notPorts = new ArrayList<>();
        List<IpSetKey> notNamed = new ArrayList<>();
        split(m.notPorts(), m.namedPortSelector(), notPorts, notNamed);
        return new CompiledRule.Side(m.nets(), m.notNets(),
                m.selector() == null ? null : new IpSetKey.Addresses(m.selector()),
                m.notSelector() == null ? null : new IpSetKey.Addresses(m.notSelector()),
                ports, named, notPorts, notNamed);
    }

    private static void split(List<PortSpec> specs, Selector selector, List<PortSpec.Range> ranges, List<IpSetKey> named) {
        for (PortSpec spec : specs) {
            switch (spec) {
                case PortSpec.Range range -> ranges.add(range);
                case PortSpec.Named n -> named.add(new IpSetKey.NamedPorts(selector, n.name()));
            }
        }
    }
}
