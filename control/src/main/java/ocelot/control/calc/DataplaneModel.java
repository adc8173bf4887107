package ocelot.control.calc;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.control.policy.Cidr;
import ocelot.control.policy.Direction;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.IpAddress;
import ocelot.control.policy.Packet;
import ocelot.control.policy.PortSpec;
import ocelot.control.policy.Verdict;

/**
 * The state a dataplane holds after applying {@link DataplaneUpdate}s in order, and the
 * decision it makes from that state alone: compiled rules and IP set membership, no labels or
 * selectors. Applying checks every reference (an endpoint naming an unknown policy, a delta to
 * an unknown set, a set removed while a rule reads it) so that an ordering bug in the graph
 * fails loudly. Used by the differential tests as the compiled side, and by fastpath's
 * snapshot builder as the desired state it lowers to classifiers.
 */
public final class DataplaneModel {
    private final Map<IpSetKey, Set<IpSetMember>> ipSets = new HashMap<>();
    private final Map<String, CompiledRules> policies = new HashMap<>();
    private final Map<String, CompiledRules> profiles = new HashMap<>();
    private final Map<EndpointKey, DataplaneUpdate.EndpointUpdate> endpoints = new HashMap<>();

    public void apply(List<DataplaneUpdate> updates) {
        updates.forEach(this::apply);
    }

    public void apply(DataplaneUpdate update) {
        switch (update) {
            // Kept as given until the first delta (a FrozenMembers never changes; anything else
            // is copied once): a cold start replaces ~1k sets with ~225k members and copying
            // them was ~7% of the benchmark's profile.
            case DataplaneUpdate.IpSetReplace u -> ipSets.put(u.key(),
                    u.members() instanceof FrozenMembers ? u.members() : Set.copyOf(u.members()));
            case DataplaneUpdate.IpSetDelta u -> {
                Set<IpSetMember> set = require(ipSets, u.key(), "IP set");
                if (!(set instanceof HashSet)) {
                    set = new HashSet<>(set); // a new object: views handed out before keep the old members
                    ipSets.put(u.key(), set);
                }
                for (IpSetMember m : u.removed()) {
                    if (!set.contains(m)) {
                        throw new IllegalStateException("delta removes " + m + " absent from " + u.key());
                    }
                }
                for (IpSetMember m : u.added()) {
                    if (set.contains(m) && !u.removed().contains(m)) {
                        throw new IllegalStateException("delta adds " + m + " already in " + u.key());
                    }
                }
                set.removeAll(u.removed());
                set.addAll(u.added());
            }
            case DataplaneUpdate.IpSetRemove u -> {
                require(ipSets, u.key(), "IP set");
                if (setReaders.containsKey(u.key())) {
                    throw new IllegalStateException("IP set " + u.key() + " removed while " + setReaders.get(u.key())
                            + " policies/profiles read it");
                }
                ipSets.remove(u.key());
            }
            case DataplaneUpdate.PolicyUpdate u -> {
                checkSets(u.rules());
                count(setReaders, policies.put(u.name(), u.rules()), u.rules());
            }
            case DataplaneUpdate.ProfileUpdate u -> {
                checkSets(u.rules());
                count(setReaders, profiles.put(u.id(), u.rules()), u.rules());
            }
            case DataplaneUpdate.PolicyRemove u -> {
                require(policies, u.name(), "policy");
                if (policyUsers.containsKey(u.name())) {
                    throw new IllegalStateException("policy " + u.name() + " removed while " + policyUsers.get(u.name()) + " endpoints use it");
                }
                count(setReaders, policies.remove(u.name()), null);
            }
            case DataplaneUpdate.ProfileRemove u -> {
                require(profiles, u.id(), "profile");
                if (profileUsers.containsKey(u.id())) {
                    throw new IllegalStateException("profile " + u.id() + " removed while " + profileUsers.get(u.id()) + " endpoints use it");
                }
                count(setReaders, profiles.remove(u.id()), null);
            }
            case DataplaneUpdate.EndpointUpdate u -> {
                u.ingressPolicies().forEach(p -> require(policies, p, "policy"));
                u.egressPolicies().forEach(p -> require(policies, p, "policy"));
                u.profiles().forEach(p -> require(profiles, p, "profile"));
                uses(endpoints.put(u.key(), u), -1);
                uses(u, 1);
            }
            case DataplaneUpdate.EndpointRemove u -> uses(require(endpoints, u.key(), "endpoint"), -1);
        }
        if (update instanceof DataplaneUpdate.EndpointRemove(EndpointKey key)) {
            endpoints.remove(key);
        }
    }

    /** Reference counts kept so a removal checks its readers in O(1), not by scanning everything. */
    private final Map<IpSetKey, Integer> setReaders = new HashMap<>();
    private final Map<String, Integer> policyUsers = new HashMap<>();
    private final Map<String, Integer> profileUsers = new HashMap<>();

    private static void count(Map<IpSetKey, Integer> readers, CompiledRules old, CompiledRules now) {
        if (old != null) {
            old.ipSets().forEach(k -> readers.merge(k, -1, (a, b) -> a + b == 0 ? null : a + b));
        }
        if (now != null) {
            now.ipSets().forEach(k -> readers.merge(k, 1, Integer::sum));
        }
    }

    private void uses(DataplaneUpdate.EndpointUpdate e, int delta) {
        if (e == null) {
            return;
        }
        // A policy may be listed in both directions: count it once per endpoint.
        Set<String> named = new HashSet<>(e.ingressPolicies());
        named.addAll(e.egressPolicies());
        named.forEach(p -> policyUsers.merge(p, delta, (a, b) -> a + b == 0 ? null : a + b));
        new HashSet<>(e.profiles()).forEach(p -> profileUsers.merge(p, delta, (a, b) -> a + b == 0 ? null : a + b));
    }

    private CompiledRules checkSets(CompiledRules rules) {
        rules.ipSets().forEach(k -> require(ipSets, k, "IP set"));
        return rules;
    }

    private static <K, V> V require(Map<K, V> map, K key, String what) {
        V v = map.get(key);
        if (v == null) {
            throw new IllegalStateException("update refers to unknown " + what + " " + key);
        }
        return v;
    }

    /** The endpoint's last update, or null. */
    public DataplaneUpdate.EndpointUpdate endpoint(EndpointKey key) {
        return endpoints.get(key);
    }

    public CompiledRules policy(String name) {
        return policies.get(name);
    }

    public CompiledRules profile(String id) {
        return profiles.get(id);
    }

    /** Members of an applied IP set; an unknown key is an error. */
    public Set<IpSetMember> ipSet(IpSetKey key) {
        return java.util.Collections.unmodifiableSet(require(ipSets, key, "IP set"));
    }

    /** Members of an applied IP set, or null if the dataplane holds no such set. */
    public Set<IpSetMember> ipSetIfPresent(IpSetKey key) {
        Set<IpSetMember> set = ipSets.get(key);
        return set == null ? null : java.util.Collections.unmodifiableSet(set);
    }

    /** Every IP set held. */
    public Set<IpSetKey> ipSetKeys() {
        return Set.copyOf(ipSets.keySet());
    }

    public Set<EndpointKey> endpoints() {
        return Set.copyOf(endpoints.keySet());
    }

    /** Everything held, for comparing two dataplanes that should have reached the same state. */
    public Map<String, Object> state() {
        return Map.of("ipSets", Map.copyOf(ipSets), "policies", Map.copyOf(policies),
                "profiles", Map.copyOf(profiles), "endpoints", Map.copyOf(endpoints));
    }

    /** The verdict for a packet to ({@code INGRESS}) or from ({@code EGRESS}) a local endpoint. */
    public Verdict decide(EndpointKey key, Direction direction, Packet packet) {
        DataplaneUpdate.EndpointUpdate endpoint = require(endpoints, key, "endpoint");
        List<String> chain = direction == Direction.INGRESS ? endpoint.ingressPolicies() : endpoint.egressPolicies();
        boolean passed = false;
        policyLoop:
        for (String name : chain) {
            for (CompiledRule rule : policies.get(name).rules(direction)) {
                if (matches(rule, packet)) {
                    switch (rule.action()) {
                        case ALLOW: return Verdict.ALLOW;
                        case DENY: return Verdict.DENY;
                        case LOG: break;
                        case PASS: passed = true; break policyLoop;
                    }
                }
            }
        }
        if (!chain.isEmpty() && !passed) {
            return Verdict.DENY; // Felix: "drop if no policies passed packet"
        }
        for (String id : endpoint.profiles()) {
            ruleLoop:
            for (CompiledRule rule : profiles.get(id).rules(direction)) {
                if (matches(rule, packet)) {
                    switch (rule.action()) {
                        case ALLOW: return Verdict.ALLOW;
                        case DENY: return Verdict.DENY;
                        case LOG: break;
                        case PASS: break ruleLoop;
                    }
                }
            }
        }
        return Verdict.DENY; // Felix: "drop if no profiles matched"
    }

    private boolean matches(CompiledRule rule, Packet p) {
        return (rule.ipVersion() == 0 || rule.ipVersion() == p.version())
                && (rule.protocol() < 0 || rule.protocol() == p.protocol())
                && (rule.notProtocol() < 0 || rule.notProtocol() != p.protocol())
                && (rule.icmp() == null || rule.icmp().matches(p.icmpType(), p.icmpCode()))
                && (rule.notIcmp() == null || !rule.notIcmp().matches(p.icmpType(), p.icmpCode()))
                && matches(rule.source(), p.src(), p.srcPort(), p.protocol())
                && matches(rule.destination(), p.dst(), p.dstPort(), p.protocol());
    }

    private boolean matches(CompiledRule.Side side, IpAddress ip, int port, int protocol) {
        if (!side.nets().isEmpty() && !anyContains(side.nets(), ip)) {
            return false;
        }
        if (anyContains(side.notNets(), ip)) {
            return false;
        }
        IpSetMember.Address address = new IpSetMember.Address(ip);
        if (side.ipSet() != null && !ipSets.get(side.ipSet()).contains(address)) {
            return false;
        }
        if (side.notIpSet() != null && ipSets.get(side.notIpSet()).contains(address)) {
            return false;
        }
        IpSetMember.AddressPort withPort = new IpSetMember.AddressPort(ip, protocol, port);
        if ((!side.ports().isEmpty() || !side.namedPorts().isEmpty())
                && !inRanges(side.ports(), port) && !inSets(side.namedPorts(), withPort)) {
            return false;
        }
        return !inRanges(side.notPorts(), port) && !inSets(side.notNamedPorts(), withPort);
    }

    private static boolean anyContains(List<Cidr> nets, IpAddress ip) {
        for (Cidr net : nets) {
            if (net.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    private static boolean inRanges(List<PortSpec.Range> ranges, int port) {
        for (PortSpec.Range r : ranges) {
            if (r.contains(port)) {
                return true;
            }
        }
        return false;
    }

    private boolean inSets(List<IpSetKey> keys, IpSetMember member) {
        for (IpSetKey key : keys) {
            if (ipSets.get(key).contains(member)) {
                return true;
            }
        }
        return false;
    }
}
