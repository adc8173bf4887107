package ocelot.control.calc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import ocelot.acl.PortRange;
import ocelot.acl.Prefix;
import ocelot.acl.SetMatch;
import ocelot.control.policy.Cidr;
import ocelot.control.policy.IcmpMatch;
import ocelot.control.policy.IpAddress;
import ocelot.control.policy.PortSpec;

/**
 * Lowers {@link CompiledRule}s to acl/ first-match rules. Address IP sets (selectors and
 * notSelectors) become acl {@link SetMatch} conditions on the set's id in {@link IpSets}: the
 * members stay in the IP set table, out of every classifier, as ipset keeps them out of
 * iptables rules, so a membership change recompiles nothing. What acl has no field for is
 * expanded: a Calico rule becomes the cross product of its alternatives (each net, each port
 * range or named-port member, each address family), and exclusions are rewritten exactly into
 * disjoint alternatives:
 * <ul>
 *   <li>notPorts naming a port: (address ∉ A) ∨ ⋁<sub>a∈A</sub> (address = a ∧ port ∉ P<sub>a</sub>),
 *       A the addresses that declare it and P<sub>a</sub> their ports;</li>
 *   <li>notICMP type t code c: (type ≠ t) ∨ (type = t ∧ code ≠ c).</li>
 * </ul>
 * Named ports ({@code hash:ip,port} sets) are the one set kind still expanded into members.
 * ICMP and ICMPv6 headers are classified with the type in the source-port field and the code
 * in the destination-port field (the fastpath parse stage fills them so). {@code log} rules do
 * not decide and are left out. Each acl rule's user id is the {@link RuleSlots} slot of the
 * Calico rule it came from ({@code slotOf} its index), so hits map back to the rule.
 */
final class AclLowering {
    private static final Prefix ANY_V4 = Prefix.v4(0, 0);
    private static final Prefix ANY_V6 = Prefix.v6(0, 0, 0);

    /**
     * One way a side (source or destination) can match. {@code address}/{@code ports} null: any;
     * {@code sets}: IP set conditions on the side's address (all must hold).
     */
    private record Alternative(Prefix address, PortRange ports, List<Prefix> notAddresses, List<PortRange> notPorts,
                               List<SetMatch> sets) {
    }

    private AclLowering() {
    }

    /** Stand-ins for "the endpoint's only address of this family" (compared by reference). */
    static final IpAddress ONLY_V4 = new IpAddress(false, 0, 0);
    static final IpAddress ONLY_V6 = new IpAddress(true, 0, 0);

    /**
     * The endpoint's side of every rule: its {@code addresses} and, for each named-port set read
     * on that side, the members that are its own ({@code members}). An address may be
     * {@link #ONLY_V4}/{@link #ONLY_V6}: the classifier sees only packets to (from) the endpoint,
     * so its only address of a family needs no prefix at all, and endpoints that differ only in
     * their addresses lower to the same rules (and share one classifier).
     */
    record OwnSide(List<IpAddress> addresses, boolean isDestination, Function<IpSetKey, Set<IpSetMember>> members) {
        /** The host prefix of an own address; null (any) for a stand-in. */
        Prefix host(IpAddress a) {
            return a == ONLY_V4 || a == ONLY_V6 ? null : AclLowering.host(a);
        }
    }

    /**
     * @param members the members of named-port sets (address sets are read through {@code sets})
     * @param own the endpoint's side (ingress: destination, egress: source). The classifier only
     *            sees packets to (from) the endpoint, so that side's named ports are cut down to
     *            the endpoint's own bindings instead of expanded in full; with a cluster-wide
     *            named port that is 2 alternatives, not 20k.
     */
    static void lower(List<CompiledRule> rules, Function<IpSetKey, Set<IpSetMember>> members, IpSets sets, IntUnaryOperator slotOf,
                      OwnSide own, List<ocelot.acl.Rule> out) {
        for (int i = 0; i < rules.size(); i++) {
            CompiledRule rule = rules.get(i);
            ocelot.acl.Action action = switch (rule.action()) {
                case ALLOW -> ocelot.acl.Action.ALLOW;
                case DENY -> ocelot.acl.Action.DENY;
                case PASS -> ocelot.acl.Action.PASS;
                case LOG -> null;
            };
            if (action != null) {
                lower(rule, action, members, sets, slotOf.applyAsInt(i), own, out);
            }
        }
    }

    private static void lower(CompiledRule rule, ocelot.acl.Action action, Function<IpSetKey, Set<IpSetMember>> members,
                              IpSets sets, int userId, OwnSide own, List<ocelot.acl.Rule> out) {
        int[] families = rule.ipVersion() != 0 ? new int[] {rule.ipVersion()} : new int[] {4, 6};
        for (int family : families) {
            List<Alternative> sources = side(rule.source(), family, rule.protocol(), members, sets, own.isDestination() ? null : own);
            List<Alternative> destinations = side(rule.destination(), family, rule.protocol(), members, sets, own.isDestination() ? own : null);
            for (IcmpAlternative icmp : icmp(rule)) {
                for (Alternative src : sources) {
                    for (Alternative dst : destinations) {
                        emit(rule, action, userId, family, src, dst, icmp, out);
                    }
                }
            }
        }
    }

    /** ICMP type and code, carried in the source and destination port fields. Null: any. */
    private record IcmpAlternative(PortRange type, PortRange code, List<PortRange> notTypes, List<PortRange> notCodes) {
    }

    private static void emit(CompiledRule rule, ocelot.acl.Action action, int userId, int family,
                             Alternative src, Alternative dst, IcmpAlternative icmp, List<ocelot.acl.Rule> out) {
        Prefix srcPrefix = src.address();
        if (srcPrefix == null) {
            // Pin the family when nothing else does: a prefix-free acl rule matches both.
            srcPrefix = family == 4 ? ANY_V4 : ANY_V6;
        }
        // Rule validation keeps ports and ICMP matches apart, so at most one of each pair is set.
        PortRange srcPorts = src.ports() != null ? src.ports() : icmp.type() != null ? icmp.type() : PortRange.ANY;
        PortRange dstPorts = dst.ports() != null ? dst.ports() : icmp.code() != null ? icmp.code() : PortRange.ANY;
        List<PortRange> notSrcPorts = new ArrayList<>(src.notPorts());
        notSrcPorts.addAll(icmp.notTypes());
        List<PortRange> notDstPorts = new ArrayList<>(dst.notPorts());
        notDstPorts.addAll(icmp.notCodes());
        out.add(new ocelot.acl.Rule(userId, action, srcPrefix, dst.address() == null ? Prefix.ANY : dst.address(),
                srcPorts, dstPorts, rule.protocol() < 0 ? ocelot.acl.Protocol.ANY : rule.protocol(),
                src.notAddresses(), dst.notAddresses(), notSrcPorts, notDstPorts,
                rule.notProtocol() < 0 ? ocelot.acl.Protocol.ANY : rule.notProtocol(), src.sets(), dst.sets()));
    }

    private static List<IcmpAlternative> icmp(CompiledRule rule) {
        IcmpMatch m = rule.icmp();
        IcmpMatch not = rule.notIcmp();
        PortRange type = m == null ? null : PortRange.of(m.type());
        PortRange code = m == null || m.code() == IcmpMatch.ANY_CODE ? null : PortRange.of(m.code());
        if (not == null) {
            return List.of(new IcmpAlternative(type, code, List.of(), List.of()));
        }
        List<IcmpAlternative> out = new ArrayList<>();
        PortRange notType = PortRange.of(not.type());
        // type != t
        if (type == null || !type.equals(notType)) {
            out.add(new IcmpAlternative(type, code, List.of(notType), List.of()));
        }
        // type == t and code != c
        if (not.code() != IcmpMatch.ANY_CODE && (type == null || type.equals(notType))
                && (code == null || code.low() != not.code())) {
            out.add(new IcmpAlternative(notType, code, List.of(), List.of(PortRange.of(not.code()))));
        }
        return out;
    }

    private static List<Alternative> side(CompiledRule.Side side, int family, int protocol,
                                          Function<IpSetKey, Set<IpSetMember>> peerMembers, IpSets sets, OwnSide own) {
        // The endpoint's side reads only its own named-port bindings: that is what makes the result shareable.
        Function<IpSetKey, Set<IpSetMember>> members = own != null ? own.members() : peerMembers;
        // Positive addresses: nets (∩ own addresses on the endpoint's side).
        List<Prefix> addresses = new ArrayList<>();
        if (side.nets().isEmpty()) {
            addresses.add(null);
        } else {
            for (Cidr net : side.nets()) {
                if (net.version() == family) {
                    addresses.add(prefix(net));
                }
            }
        }
        if (own != null) {
            List<Prefix> hosts = new ArrayList<>();
            for (IpAddress a : own.addresses()) {
                if (a.version() == family) {
                    hosts.add(own.host(a));
                }
            }
            addresses = intersect(addresses, hosts);
        }
        // Selector and notSelector: looked up in the IP set table at classification time.
        List<SetMatch> setMatches = new ArrayList<>(2);
        if (side.ipSet() != null) {
            setMatches.add(sets.match(side.ipSet(), false));
        }
        if (side.notIpSet() != null) {
            setMatches.add(sets.match(side.notIpSet(), true));
        }
        List<Prefix> notAddresses = new ArrayList<>();
        for (Cidr net : side.notNets()) {
            if (net.version() == family) {
                notAddresses.add(prefix(net));
            }
        }
        List<PortRange> notPorts = new ArrayList<>();
        for (PortSpec.Range r : side.notPorts()) {
            notPorts.add(new PortRange(r.first(), r.last()));
        }
        // Positive ports: each range, or each (address, port) of a named port.
        List<Alternative> alternatives = new ArrayList<>();
        boolean anyPort = side.ports().isEmpty() && side.namedPorts().isEmpty();
        for (Prefix address : addresses) {
            if (anyPort) {
                alternatives.add(new Alternative(address, null, notAddresses, notPorts, setMatches));
            }
            for (PortSpec.Range r : side.ports()) {
                alternatives.add(new Alternative(address, new PortRange(r.first(), r.last()), notAddresses, notPorts, setMatches));
            }
            for (IpSetKey key : side.namedPorts()) {
                for (IpSetMember m : members.apply(key)) {
                    IpSetMember.AddressPort ap = (IpSetMember.AddressPort) m;
                    if (ap.protocol() != protocol || ap.address().version() != family) {
                        continue;
                    }
                    Prefix memberHost = own != null ? own.host(ap.address()) : host(ap.address());
                    if (memberHost == null) { // the endpoint's only address of this family
                        alternatives.add(new Alternative(address, new PortRange(ap.port(), ap.port()), notAddresses, notPorts, setMatches));
                        continue;
                    }
                    Prefix both = intersect(address, memberHost);
                    if (both != null) {
                        alternatives.add(new Alternative(both, new PortRange(ap.port(), ap.port()), notAddresses, notPorts, setMatches));
                    }
                }
            }
        }
        return excludeNamedPorts(resolveHostExclusions(alternatives), side.notNamedPorts(), family, protocol, members, own);
    }

    /**
     * A host prefix is either inside an excluded prefix or disjoint from it, so for host
     * alternatives (named-port members, own addresses) the exclusions are decided here and
     * dropped: acl would otherwise split every rule around each excluded prefix.
     */
    private static List<Alternative> resolveHostExclusions(List<Alternative> alternatives) {
        List<Alternative> out = new ArrayList<>(alternatives.size());
        java.util.Map<List<Prefix>, Exclusions> split = new java.util.IdentityHashMap<>();
        for (Alternative a : alternatives) {
            Prefix address = a.address();
            if (address == null || a.notAddresses().isEmpty()
                    || address.length() != (address.version() == 4 ? 32 : 128)) {
                out.add(a);
                continue;
            }
            Exclusions exclusions = split.computeIfAbsent(a.notAddresses(), Exclusions::of);
            boolean excluded = exclusions.hosts().contains(address);
            for (Prefix wider : exclusions.wider()) {
                excluded |= wider.covers(address);
            }
            if (!excluded) {
                out.add(new Alternative(address, a.ports(), List.of(), a.notPorts(), a.sets()));
            }
        }
        return out;
    }

    /** Excluded prefixes split into host prefixes (hash lookup) and the rest (scanned). */
    private record Exclusions(java.util.Set<Prefix> hosts, List<Prefix> wider) {
        static Exclusions of(List<Prefix> prefixes) {
            java.util.Set<Prefix> hosts = new java.util.HashSet<>();
            List<Prefix> wider = new ArrayList<>();
            for (Prefix p : prefixes) {
                if (p.length() == (p.version() == 4 ? 32 : 128)) {
                    hosts.add(p);
                } else {
                    wider.add(p);
                }
            }
            return new Exclusions(hosts, wider);
        }
    }

    private static List<Alternative> excludeNamedPorts(List<Alternative> alternatives, List<IpSetKey> keys, int family,
                                                       int protocol, Function<IpSetKey, Set<IpSetMember>> members,
                                                       OwnSide own) {
        Map<Prefix, List<PortRange>> excluded = new LinkedHashMap<>();
        for (IpSetKey key : keys) {
            for (IpSetMember m : members.apply(key)) {
                IpSetMember.AddressPort ap = (IpSetMember.AddressPort) m;
                if (ap.protocol() == protocol && (family == 0 || ap.address().version() == family)) {
                    Prefix h = own != null ? own.host(ap.address()) : host(ap.address());
                    excluded.computeIfAbsent(h, x -> new ArrayList<>()).add(new PortRange(ap.port(), ap.port()));
                }
            }
        }
        if (excluded.isEmpty()) {
            return alternatives;
        }
        List<PortRange> onlyAddress = excluded.get(null);
        if (onlyAddress != null) {
            // The endpoint's only address of this family: every packet here has it, so the
            // exclusion is just the ports (and no other key can exist in this family).
            List<Alternative> out = new ArrayList<>();
            for (Alternative a : alternatives) {
                List<PortRange> notPorts = new ArrayList<>(a.notPorts());
                notPorts.addAll(onlyAddress);
                out.add(new Alternative(a.address(), a.ports(), a.notAddresses(), notPorts, a.sets()));
            }
            return out;
        }
        List<Alternative> out = new ArrayList<>();
        for (Alternative a : alternatives) {
            List<Prefix> notAddresses = new ArrayList<>(a.notAddresses());
            notAddresses.addAll(excluded.keySet());
            out.add(new Alternative(a.address(), a.ports(), notAddresses, a.notPorts(), a.sets()));
            for (Map.Entry<Prefix, List<PortRange>> e : excluded.entrySet()) {
                Prefix both = intersect(a.address(), e.getKey());
                if (both != null && a.notAddresses().stream().noneMatch(n -> n.covers(both))) {
                    List<PortRange> notPorts = new ArrayList<>(a.notPorts());
                    notPorts.addAll(e.getValue());
                    out.add(new Alternative(both, a.ports(), a.notAddresses(), notPorts, a.sets()));
                }
            }
        }
        return out;
    }

    private static List<Prefix> intersect(List<Prefix> as, List<Prefix> bs) {
        List<Prefix> out = new ArrayList<>();
        for (Prefix a : as) {
            for (Prefix b : bs) {
                if (a == null || b == null) { // "any" on either side: the other, even if also any
                    out.add(a == null ? b : a);
                    continue;
                }
                Prefix both = intersect(a, b);
                if (both != null) {
                    out.add(both);
                }
            }
        }
        return out;
    }

    /** Two prefixes overlap only if one covers the other; null stands for "any". */
    private static Prefix intersect(Prefix a, Prefix b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.version() != b.version()) {
            return null;
        }
        return a.covers(b) ? b : b.covers(a) ? a : null;
    }

    static Prefix prefix(Cidr cidr) {
        IpAddress a = cidr.network();
        return a.v6() ? Prefix.v6(a.hi(), a.lo(), cidr.prefixLength()) : Prefix.v4((int) a.lo(), cidr.prefixLength());
    }

    static Prefix host(IpAddress a) {
        return a.v6() ? Prefix.v6(a.hi(), a.lo(), 128) : Prefix.v4((int) a.lo(), 32);
    }
}
