package ocelot.control.calc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.Policy;
import ocelot.control.selector.Selector;

/**
 * Which policies select each local endpoint (Felix's {@code PolicyResolver}): policy selectors
 * are tracked in a {@link LabelIndex} of local endpoints only, and every endpoint whose set or
 * order of policies may have changed is marked dirty for the next flush.
 */
final class PolicyResolver implements LabelIndex.MatchListener {
    private final LabelIndex localIndex = new LabelIndex(this);
    private final Map<String, Policy> policies = new HashMap<>();
    private final Map<Selector, Set<String>> policiesBySelector = new HashMap<>();
    private final Set<EndpointKey> dirty = new HashSet<>();

    /** Returns the previous version of the policy, or null. */
    Policy updatePolicy(Policy policy) {
        Policy old = policies.put(policy.name(), policy);
        if (old != null && old.selector().equals(policy.selector())) {
            // Same endpoints; their lists only change if order or directions did.
            if (!old.types().equals(policy.types()) || !java.util.Objects.equals(old.order(), policy.order())) {
                dirty.addAll(localIndex.matches(policy.selector()));
            }
            return old;
        }
        if (old != null) {
            detach(old);
        }
        Set<String> names = policiesBySelector.computeIfAbsent(policy.selector(), s -> new HashSet<>());
        names.add(policy.name());
        if (names.size() == 1) {
            localIndex.addSelector(policy.selector());
        } else {
            dirty.addAll(localIndex.matches(policy.selector()));
        }
        return old;
    }

    Policy removePolicy(String name) {
        Policy old = policies.remove(name);
        if (old != null) {
            detach(old);
        }
        return old;
    }

    Policy policy(String name) {
        return policies.get(name);
    }

    private void detach(Policy old) {
        Set<String> names = policiesBySelector.get(old.selector());
        names.remove(old.name());
        if (names.isEmpty()) {
            policiesBySelector.remove(old.selector());
            localIndex.removeSelector(old.selector()); // reports stops: those endpoints go dirty
        } else {
            dirty.addAll(localIndex.matches(old.selector()));
        }
    }

    void updateEndpoint(EndpointKey endpoint, Map<String, String> labels) {
        localIndex.updateEndpoint(endpoint, labels);
    }

    void removeEndpoint(EndpointKey endpoint) {
        localIndex.removeEndpoint(endpoint);
    }

    /** The policies that select {@code endpoint}, in Calico's application order. */
    List<Policy> policiesFor(EndpointKey endpoint) {
        List<Policy> out = new ArrayList<>();
        for (Selector selector : localIndex.selectorsMatching(endpoint)) {
            for (String name : policiesBySelector.get(selector)) {
                out.add(policies.get(name));
            }
        }
        out.sort(Policy.APPLICATION_ORDER);
        return out;
    }

    /** Endpoints whose policy list may have changed since the last call. */
    Set<EndpointKey> takeDirty() {
        Set<EndpointKey> out = new HashSet<>(dirty);
        dirty.clear();
        return out;
    }

    @Override
    public void matchStarted(Selector selector, EndpointKey endpoint) {
        dirty.add(endpoint);
    }

    @Override
    public void matchStopped(Selector selector, EndpointKey endpoint) {
        dirty.add(endpoint);
    }
}
