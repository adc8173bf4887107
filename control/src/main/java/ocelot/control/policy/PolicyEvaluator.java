package ocelot.control.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ocelot.control.selector.Selector;

/**
 * The reference: decides allow/deny for (endpoint, direction, packet) by walking the policy
 * model directly, re-evaluating every selector against every endpoint's labels. Deliberately
 * slow and obvious; the tests use it as the oracle for the compiled dataplane state.
 *
 * <p>Calico's order (Felix's iptables endpoint chains for a single tier): policies that select
 * the endpoint and apply in the direction, by {@link Policy#APPLICATION_ORDER}; rules in order;
 * {@code allow}/{@code deny} decide, {@code log} continues, {@code pass} skips the remaining
 * policies. If any policy applied and none decided or passed: deny ("drop if no policies passed
 * packet"). Then the endpoint's profiles in the order listed: {@code pass} in a profile goes on to
 * the next profile; after the last: deny ("drop if no profiles matched").
 */
public final class PolicyEvaluator {
    private final Map<EndpointKey, Endpoint> endpoints;
    private final Map<String, Policy> policies;
    private final Map<String, Profile> profiles;
    private final Map<EndpointKey, Map<String, String>> effectiveLabels = new java.util.HashMap<>();

    public PolicyEvaluator(Map<EndpointKey, Endpoint> endpoints, Map<String, Policy> policies, Map<String, Profile> profiles) {
        this.endpoints = Map.copyOf(endpoints);
        this.policies = Map.copyOf(policies);
        this.profiles = Map.copyOf(profiles);
        // The model is immutable here, so inherited labels are worked out once per endpoint.
        this.endpoints.forEach((k, e) -> effectiveLabels.put(k, e.effectiveLabels(this.profiles::get)));
    }

    public Verdict decide(EndpointKey key, Direction direction, Packet packet) {
        Endpoint endpoint = endpoints.get(key);
        if (endpoint == null) {
            throw new IllegalArgumentException("no endpoint " + key);
        }
        Map<String, String> labels = effectiveLabels.get(key);
        List<Policy> ordered = new ArrayList<>(policies.values());
        ordered.sort(Policy.APPLICATION_ORDER);
        boolean anyApplied = false;
        policyLoop:
        for (Policy policy : ordered) {
            if (!policy.appliesTo(direction) || !policy.selector().matches(labels)) {
                continue;
            }
            anyApplied = true;
            for (Rule rule : policy.rules(direction)) {
                if (!matches(rule, packet)) {
                    continue;
                }
                switch (rule.action()) {
                    case ALLOW: return Verdict.ALLOW;
                    case DENY: return Verdict.DENY;
                    case LOG: break;
                    case PASS: anyApplied = false; break policyLoop;
                }
            }
        }
        if (anyApplied) {
            return Verdict.DENY;
        }
        for (String id : endpoint.profileIds()) {
            Profile profile = profiles.get(id);
            if (profile == null) {
                continue;
            }
            ruleLoop:
            for (Rule rule : profile.rules(direction)) {
                if (!matches(rule, packet)) {
                    continue;
                }
                switch (rule.action()) {
                    case ALLOW: return Verdict.ALLOW;
                    case DENY: return Verdict.DENY;
                    case LOG: break;
                    case PASS: break ruleLoop;
                }
            }
        }
        return Verdict.DENY;
    }

    private boolean matches(Rule rule, Packet packet) {
        if (rule.ipVersion() != 0 && rule.ipVersion() != packet.version()) {
            return false;
        }
        if (rule.protocol() != null && rule.protocol().number() != packet.protocol()) {
            return false;
        }
        if (rule.notProtocol() != null && rule.notProtocol().number() == packet.protocol()) {
            return false;
        }
        if (rule.icmp() != null && !rule.icmp().matches(packet.icmpType(), packet.icmpCode())) {
            return false;
        }
        if (rule.notIcmp() != null && rule.notIcmp().matches(packet.icmpType(), packet.icmpCode())) {
            return false;
        }
        return matches(rule.source(), packet.src(), packet.srcPort(), packet.protocol())
                && matches(rule.destination(), packet.dst(), packet.dstPort(), packet.protocol());
    }

    private boolean matches(EntityMatch side, IpAddress ip, int port, int protocol) {
        if (!side.nets().isEmpty() && side.nets().stream().noneMatch(n -> n.contains(ip))) {
            return false;
        }
        if (side.notNets().stream().anyMatch(n -> n.contains(ip))) {
            return false;
        }
        if (side.selector() != null && !selected(side.selector(), ip)) {
            return false;
        }
        if (side.notSelector() != null && selected(side.notSelector(), ip)) {
            return false;
        }
        if (!side.ports().isEmpty() && !anyPort(side, side.ports(), ip, port, protocol)) {
            return false;
        }
        return !anyPort(side, side.notPorts(), ip, port, protocol);
    }

    private boolean anyPort(EntityMatch side, List<PortSpec> specs, IpAddress ip, int port, int protocol) {
        for (PortSpec spec : specs) {
            switch (spec) {
                case PortSpec.Range range -> {
                    if (range.contains(port)) {
                        return true;
                    }
                }
                case PortSpec.Named named -> {
                    if (namedPortAt(side.namedPortSelector(), named.name(), ip, protocol, port)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private boolean selected(Selector selector, IpAddress ip) {
        for (Endpoint e : endpoints.values()) {
            if (e.addresses().contains(ip) && selector.matches(effectiveLabels.get(e.key()))) {
                return true;
            }
        }
        return false;
    }

    private boolean namedPortAt(Selector selector, String name, IpAddress ip, int protocol, int port) {
        for (Endpoint e : endpoints.values()) {
            if (!e.addresses().contains(ip) || !selector.matches(effectiveLabels.get(e.key()))) {
                continue;
            }
            for (EndpointPort p : e.ports()) {
                if (p.name().equals(name) && p.protocol().number() == protocol && p.port() == port) {
                    return true;
                }
            }
        }
        return false;
    }
}
