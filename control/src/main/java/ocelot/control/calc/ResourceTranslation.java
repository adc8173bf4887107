package ocelot.control.calc;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import ocelot.control.policy.Action;
import ocelot.control.policy.Cidr;
import ocelot.control.policy.Direction;
import ocelot.control.policy.Endpoint;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.EntityMatch;
import ocelot.control.policy.IcmpMatch;
import ocelot.control.policy.IpAddress;
import ocelot.control.policy.Policy;
import ocelot.control.policy.PortSpec;
import ocelot.control.policy.Profile;
import ocelot.control.policy.Protocol;
import ocelot.control.policy.Rule;
import ocelot.control.resource.HostEndpoint;
import ocelot.control.resource.WorkloadEndpoint;
import ocelot.control.selector.Selector;

/**
 * The thin adapter from the v1 resources ({@code ocelot.control.resource}, already validated)
 * to the policy model the calculation graph reads. v1 tags are translated as Calico's own
 * v1-to-v3 conversion did: a profile tag {@code t} becomes the label {@code t: ""} (the
 * profile's labels win on a clash), a rule {@code tag: t} becomes {@code has(t)} and'ed with the
 * rule's selector, {@code notTag: t} becomes {@code has(t)} or'ed into its notSelector. v1 has no
 * named ports. A policy without {@code spec.types} applies in both directions, as in Calico 2.1
 * (v1 had no types; Calico 2.6 added them and defaulted them from the rules present, which
 * Ocelot does not do); with types, only in the directions listed. Errors name the resource.
 */
public final class ResourceTranslation {
    private ResourceTranslation() {
    }

    public static Endpoint endpoint(WorkloadEndpoint w) {
        List<IpAddress> addresses = new ArrayList<>();
        for (ocelot.control.resource.Cidr net : nullToEmpty(w.ipNetworks())) {
            addresses.add(address(net.address()));
        }
        // orchestrator/workload/name is unique on a node (the v1 datastore key).
        EndpointKey key = EndpointKey.workload(w.node(), w.orchestrator() + "/" + w.workload() + "/" + w.name());
        return new Endpoint(key, nullToEmpty(w.labels()), addresses, List.of(), nullToEmpty(w.profiles()));
    }

    public static Endpoint endpoint(HostEndpoint h) {
        List<IpAddress> addresses = new ArrayList<>();
        for (ocelot.control.resource.IpAddress ip : nullToEmpty(h.expectedIps())) {
            addresses.add(address(ip));
        }
        return new Endpoint(EndpointKey.host(h.node(), h.name()), nullToEmpty(h.labels()), addresses, List.of(),
                nullToEmpty(h.profiles()));
    }

    public static Profile profile(ocelot.control.resource.Profile p) {
        String where = "profile " + p.name();
        Map<String, String> labels = new HashMap<>();
        for (String tag : nullToEmpty(p.tags())) {
            labels.put(tag, "");
        }
        labels.putAll(nullToEmpty(p.labels()));
        return new Profile(p.name(), rules(where + " ingress", p.ingress()), rules(where + " egress", p.egress()), labels);
    }

    public static Policy policy(ocelot.control.resource.Policy p) {
        String where = "policy " + p.name();
        if (Boolean.TRUE.equals(p.doNotTrack()) || Boolean.TRUE.equals(p.preDnat())) {
            throw new IllegalArgumentException(where + ": doNotTrack and preDnat policies are not supported by the dataplane yet");
        }
        return new Policy(p.name(), p.order() == null ? null : p.order().doubleValue(),
                p.selector() == null ? null : Selector.parse(p.selector()),
                rules(where + " ingress", p.ingress()), rules(where + " egress", p.egress()), types(p.types()));
    }

    private static Set<Direction> types(List<String> types) {
        if (types == null) {
            return null; // Calico 2.1: both directions
        }
        Set<Direction> out = EnumSet.noneOf(Direction.class);
        for (String t : types) {
            out.add(Direction.valueOf(t.toUpperCase(Locale.ROOT)));
        }
        return out;
    }

    private static List<Rule> rules(String where, List<ocelot.control.resource.Rule> rules) {
        List<Rule> out = new ArrayList<>();
        List<ocelot.control.resource.Rule> in = nullToEmpty(rules);
        for (int i = 0; i < in.size(); i++) {
            try {
                out.add(rule(in.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + " rule " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static Rule rule(ocelot.control.resource.Rule r) {
        Action action = Action.valueOf(r.action().toUpperCase(Locale.ROOT));
        return new Rule(action, r.ipVersion() == null ? 0 : r.ipVersion(), protocol(r.protocol()), protocol(r.notProtocol()),
                icmp(r.icmp()), icmp(r.notIcmp()), side(r.source()), side(r.destination()));
    }

    private static Protocol protocol(ocelot.control.resource.Rule.Protocol p) {
        return p == null ? null : new Protocol(p.number());
    }

    private static IcmpMatch icmp(ocelot.control.resource.Rule.Icmp icmp) {
        if (icmp == null || icmp.type() == null) {
            return null;
        }
        return new IcmpMatch(icmp.type(), icmp.code() == null ? IcmpMatch.ANY_CODE : icmp.code());
    }

    private static EntityMatch side(ocelot.control.resource.Rule.EntityRule e) {
        if (e == null) {
            return EntityMatch.ANY;
        }
        Selector selector = e.selector() == null ? null : Selector.parse(e.selector());
        if (e.tag() != null) {
            selector = Selector.parse((selector == null ? "" : "(" + selector + ") && ") + "has(" + e.tag() + ")");
        }
        Selector notSelector = e.notSelector() == null ? null : Selector.parse(e.notSelector());
        if (e.notTag() != null) {
            notSelector = Selector.parse((notSelector == null ? "" : "(" + notSelector + ") || ") + "has(" + e.notTag() + ")");
        }
        return new EntityMatch(e.net() == null ? List.of() : List.of(cidr(e.net())),
                e.notNet() == null ? List.of() : List.of(cidr(e.notNet())), selector, notSelector,
                ports(e.ports()), ports(e.notPorts()));
    }

    private static List<PortSpec> ports(List<ocelot.control.resource.PortRange> ranges) {
        List<PortSpec> out = new ArrayList<>();
        for (ocelot.control.resource.PortRange r : nullToEmpty(ranges)) {
            out.add(new PortSpec.Range(r.first(), r.last()));
        }
        return out;
    }

    private static Cidr cidr(ocelot.control.resource.Cidr c) {
        return Cidr.parse(address(c.address()) + "/" + c.prefixLength());
    }

    static IpAddress address(ocelot.control.resource.IpAddress ip) {
        BigInteger v = ip.value();
        if (ip.version() == 4) {
            return new IpAddress(false, 0, v.longValue() & 0xFFFF_FFFFL);
        }
        return new IpAddress(true, v.shiftRight(64).longValue(), v.longValue());
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <K, V> Map<K, V> nullToEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
