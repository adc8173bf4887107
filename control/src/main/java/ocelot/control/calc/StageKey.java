package ocelot.control.calc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import ocelot.acl.Classifier;
import ocelot.control.policy.Direction;
import ocelot.control.policy.IpAddress;

/**
 * Everything one classifier stage of an endpoint is built from, as a value: two endpoints
 * with equal keys get the same rules, so they share one compiled classifier (as Felix shares
 * one {@code cali-pi-*} chain per policy between all endpoints). The stage reads
 * <ul>
 *   <li>the rules of {@code names}: the endpoint's policies in order ({@code policies}), or one
 *       profile; their content is not in the key, a {@link SharedClassifiers} drops the key's
 *       classifier when one of them changes;</li>
 *   <li>the members of named-port sets on the peer side (the stage is patched on change);</li>
 *   <li>the endpoint's side: {@code own} addresses, where the only address of a family is the
 *       stand-in {@link AclLowering#ONLY_V4}/{@code ONLY_V6}, and {@code binding}: for each
 *       named-port set read on that side, which (address, protocol, port) of its own it holds.</li>
 * </ul>
 * Address IP sets are not part of a key on either side: the rules name them by id and the
 * classifier looks members up in the {@link IpSets} table, so they never split or stale a stage.
 */
final class StageKey {
    private final Direction direction;
    private final boolean policies;
    private final List<String> names;
    private final List<IpAddress> own;
    private final Map<IpSetKey, Set<IpSetMember>> binding;
    /** Cached: every endpoint refresh looks its keys up, and a record re-hashed all fields each time. */
    private final int hash;

    StageKey(Direction direction, boolean policies, List<String> names, List<IpAddress> own,
             Map<IpSetKey, Set<IpSetMember>> binding) {
        this.direction = direction;
        this.policies = policies;
        this.names = List.copyOf(names);
        this.own = List.copyOf(own);
        this.binding = Map.copyOf(binding);
        this.hash = Objects.hash(direction, policies, this.names, this.own, this.binding);
    }

    Direction direction() {
        return direction;
    }

    boolean policies() {
        return policies;
    }

    List<String> names() {
        return names;
    }

    List<IpAddress> own() {
        return own;
    }

    Map<IpSetKey, Set<IpSetMember>> binding() {
        return binding;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StageKey k && hash == k.hash && direction == k.direction && policies == k.policies
                && names.equals(k.names) && own.equals(k.own) && binding.equals(k.binding);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "StageKey[" + direction + (policies ? " policies " : " profile ") + names + " own " + own + " " + binding + "]";
    }

    /**
     * The stages of one endpoint and direction, in evaluation order. {@code ownMembers} gives a
     * set's members whose address is the given one.
     */
    static List<StageKey> of(DataplaneModel dataplane, DataplaneUpdate.EndpointUpdate endpoint, Direction direction,
                             BiFunction<IpSetKey, IpAddress, Set<IpSetMember>> ownMembers) {
        return of(dataplane, endpoint, direction, ownMembers, new OwnSetsCache());
    }

    /**
     * The own-side named-port sets of each {@link CompiledRules} object per direction, and their
     * union per policy list (10k endpoints share ~1k lists; the union per endpoint was ~10% of
     * the classifiers' cold start). Entries are valid while the dataplane's policy and profile
     * objects are: {@link #clear()} on every policy or profile update.
     */
    static final class OwnSetsCache {
        private final Map<CompiledRules, Set<IpSetKey>[]> byRules = new java.util.IdentityHashMap<>();
        @SuppressWarnings("unchecked")
        private final Map<List<String>, Set<IpSetKey>>[] byPolicyList = new Map[] {new HashMap<>(), new HashMap<>()};

        void clear() {
            byRules.clear();
            for (Map<List<String>, Set<IpSetKey>> m : byPolicyList) {
                m.clear();
            }
        }

        Set<IpSetKey> policies(DataplaneModel dataplane, List<String> names, Direction direction) {
            Map<List<String>, Set<IpSetKey>> cache = byPolicyList[direction.ordinal()];
            Set<IpSetKey> sets = cache.get(names);
            if (sets == null) {
                Set<IpSetKey> union = new LinkedHashSet<>();
                for (String p : names) {
                    union.addAll(rules(dataplane.policy(p), direction));
                }
                sets = union.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(union);
                cache.put(List.copyOf(names), sets);
            }
            return sets;
        }

        @SuppressWarnings("unchecked")
        Set<IpSetKey> rules(CompiledRules rules, Direction direction) {
            Set<IpSetKey>[] both = byRules.computeIfAbsent(rules, r -> new Set[Direction.values().length]);
            Set<IpSetKey> sets = both[direction.ordinal()];
            if (sets == null) {
                Set<IpSetKey> found = new LinkedHashSet<>();
                ownSets(rules.rules(direction), direction, found);
                sets = both[direction.ordinal()] = found.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(found);
            }
            return sets;
        }
    }

    /** As above, with {@code ownSetsCache} kept by the caller across endpoints. */
    static List<StageKey> of(DataplaneModel dataplane, DataplaneUpdate.EndpointUpdate endpoint, Direction direction,
                             BiFunction<IpSetKey, IpAddress, Set<IpSetMember>> ownMembers,
                             OwnSetsCache ownSetsCache) {
        List<IpAddress> addresses = endpoint.addresses();
        Map<IpAddress, IpAddress> canonical = canonical(addresses);
        // A family the endpoint has no address in gets a stand-in too: its rules can never see a
        // packet (none is to or from the endpoint), and v4-only and dual-stack endpoints share.
        List<IpAddress> own = new ArrayList<>(addresses.size() + 2);
        boolean v4 = false;
        boolean v6 = false;
        for (IpAddress a : addresses) {
            IpAddress c = canonical.get(a);
            if (!own.contains(c)) {
                own.add(c);
            }
            v4 |= !a.v6();
            v6 |= a.v6();
        }
        if (!v4) {
            own.add(AclLowering.ONLY_V4);
        }
        if (!v6) {
            own.add(AclLowering.ONLY_V6);
        }
        own.sort(null);
        List<StageKey> out = new ArrayList<>();
        List<String> policies = direction == Direction.INGRESS ? endpoint.ingressPolicies() : endpoint.egressPolicies();
        if (!policies.isEmpty()) {
            Set<IpSetKey> sets = ownSetsCache.policies(dataplane, policies, direction);
            out.add(new StageKey(direction, true, policies, own, bind(sets, addresses, canonical, ownMembers)));
        }
        for (String id : endpoint.profiles()) {
            Set<IpSetKey> sets = ownSetsCache.rules(dataplane.profile(id), direction);
            out.add(new StageKey(direction, false, List.of(id), own, bind(sets, addresses, canonical, ownMembers)));
        }
        return out;
    }

    /** The named-port sets read on the endpoint's side of {@code rules} (the expanded ones). */
    static void ownSets(List<CompiledRule> rules, Direction direction, Set<IpSetKey> out) {
        for (CompiledRule rule : rules) {
            CompiledRule.Side side = direction == Direction.INGRESS ? rule.destination() : rule.source();
            out.addAll(side.namedPorts());
            out.addAll(side.notNamedPorts());
        }
    }

    /** The named-port sets read on the peer side of {@code rules}. */
    static void peerSets(List<CompiledRule> rules, Direction direction, Set<IpSetKey> out) {
        ownSets(rules, direction == Direction.INGRESS ? Direction.EGRESS : Direction.INGRESS, out);
    }

    Classifier build(DataplaneModel dataplane, IpSets sets, RuleSlots slots) {
        return Classifier.compile(lower(dataplane, sets, slots), sets.table());
    }

    /** The stage's acl rules from the dataplane's current rules, named-port members and set ids; user ids are {@code slots}'. */
    List<ocelot.acl.Rule> lower(DataplaneModel dataplane, IpSets sets, RuleSlots slots) {
        List<ocelot.acl.Rule> rules = new ArrayList<>();
        AclLowering.OwnSide side = new AclLowering.OwnSide(own, direction == Direction.INGRESS,
                k -> binding.getOrDefault(k, Set.of()));
        for (String name : names) {
            CompiledRules compiled = policies ? dataplane.policy(name) : dataplane.profile(name);
            AclLowering.lower(compiled.rules(direction), dataplane::ipSet, sets, i -> slots.slot(policies, name, direction, i), side, rules);
        }
        if (policies) {
            // Felix: "drop if no policies passed packet".
            rules.add(ocelot.acl.Rule.builder(slots.noPolicyAllowed(direction)).action(ocelot.acl.Action.DENY).build());
        }
        return rules;
    }

    private static Map<IpAddress, IpAddress> canonical(List<IpAddress> addresses) {
        int v4 = 0;
        int v6 = 0;
        for (IpAddress a : addresses) {
            if (a.v6()) {
                v6++;
            } else {
                v4++;
            }
        }
        Map<IpAddress, IpAddress> out = new HashMap<>();
        for (IpAddress a : addresses) {
            boolean only = a.v6() ? v6 == 1 : v4 == 1;
            out.put(a, only ? (a.v6() ? AclLowering.ONLY_V6 : AclLowering.ONLY_V4) : a);
        }
        return out;
    }

    private static Map<IpSetKey, Set<IpSetMember>> bind(Set<IpSetKey> sets, List<IpAddress> addresses,
                                                        Map<IpAddress, IpAddress> canonical,
                                                        BiFunction<IpSetKey, IpAddress, Set<IpSetMember>> ownMembers) {
        if (sets.isEmpty()) {
            return Map.of();
        }
        Map<IpSetKey, Set<IpSetMember>> out = new HashMap<>();
        for (IpSetKey set : sets) {
            Set<IpSetMember> mine = new java.util.HashSet<>();
            for (IpAddress a : addresses) {
                IpAddress c = canonical.get(a);
                for (IpSetMember m : ownMembers.apply(set, a)) {
                    mine.add(switch (m) {
                        case IpSetMember.Address x -> new IpSetMember.Address(c);
                        case IpSetMember.AddressPort x -> new IpSetMember.AddressPort(c, x.protocol(), x.port());
                    });
                }
            }
            out.put(set, Set.copyOf(mine));
        }
        return Map.copyOf(out);
    }
}
