package ocelot.control.calc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import ocelot.control.calc.DataplaneUpdate.EndpointRemove;
import ocelot.control.calc.DataplaneUpdate.EndpointUpdate;
import ocelot.control.policy.Direction;
import ocelot.control.policy.Endpoint;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.Policy;
import ocelot.control.policy.Profile;

/**
 * From endpoints, policies and profiles to the dataplane updates of one node, incrementally
 * (after Felix's {@code calc_graph.go}):
 *
 * <pre>
 *  endpoint ──▶ label inheritance (profile labels) ──┬──▶ PolicyResolver (local endpoints only)
 *  profile  ──┘                                       │      │ policies per endpoint, by order
 *  policy ────────────────────────────────────────────┼──────┘
 *                                                     │      ▼
 *                                                     │   active rules: a policy or profile is
 *                                                     │   active while a local endpoint uses it;
 *                                                     │   its rules are compiled once and their
 *                                                     │   IP sets referenced
 *                                                     ▼      ▼
 *                                              IpSetCalculator (all endpoints): members of
 *                                              every referenced set
 *                                                     │
 *  flush(): IP sets ▶ policies/profiles ▶ endpoints ▶ removals      ▶ List&lt;DataplaneUpdate&gt;
 * </pre>
 *
 * Inputs mark what they touch dirty; {@link #flush()} brings the desired state up to date for
 * the dirty parts only and emits the difference from what it emitted before. Not thread-safe:
 * one thread (the datastore watcher) drives it.
 */
public final class CalculationGraph {
    private final String localNode;
    private final Map<EndpointKey, Endpoint> endpoints = new HashMap<>();
    private final Map<String, Profile> profiles = new HashMap<>();
    private final Map<String, Set<EndpointKey>> endpointsByProfile = new HashMap<>();
    private final PolicyResolver resolver = new PolicyResolver();
    private final IpSetCalculator ipSets = new IpSetCalculator();
    private final ActiveRules activePolicies = new ActiveRules(ipSets);
    private final ActiveRules activeProfiles = new ActiveRules(ipSets);
    private final Map<EndpointKey, EndpointUpdate> desiredEndpoints = new HashMap<>();
    private final Map<EndpointKey, EndpointUpdate> appliedEndpoints = new HashMap<>();
    private final Set<EndpointKey> dirtyEndpoints = new HashSet<>();

    public CalculationGraph(String localNode) {
        this.localNode = Objects.requireNonNull(localNode, "localNode");
    }

    public void updateEndpoint(Endpoint endpoint) {
        EndpointKey key = endpoint.key();
        Endpoint old = endpoints.put(key, endpoint);
        if (old != null) {
            old.profileIds().forEach(id -> endpointsByProfile.get(id).remove(key));
        }
        endpoint.profileIds().forEach(id -> endpointsByProfile.computeIfAbsent(id, k -> new HashSet<>()).add(key));
        relabel(endpoint);
        if (!isLocal(endpoint) && old != null && isLocal(old)) {
            resolver.removeEndpoint(key);
        }
        dirtyEndpoints.add(key);
    }

    public void removeEndpoint(EndpointKey key) {
        Endpoint old = endpoints.remove(key);
        if (old == null) {
            return;
        }
        old.profileIds().forEach(id -> endpointsByProfile.get(id).remove(key));
        ipSets.removeEndpoint(key);
        resolver.removeEndpoint(key);
        dirtyEndpoints.add(key);
    }

    public void updatePolicy(Policy policy) {
        resolver.updatePolicy(policy);
        activePolicies.recompile(policy.name(), CompiledRules.compile(policy.ingress(), policy.egress()));
    }

    public void removePolicy(String name) {
        resolver.removePolicy(name); // its endpoints go dirty; flush drops the last references
    }

    public void updateProfile(Profile profile) {
        Profile old = profiles.put(profile.id(), profile);
        Set<EndpointKey> users = endpointsByProfile.getOrDefault(profile.id(), Set.of());
        if (old == null || !old.labels().equals(profile.labels())) {
            users.forEach(k -> relabel(endpoints.get(k)));
        }
        if (old == null) {
            dirtyEndpoints.addAll(users); // the profile now exists: it joins their lists
        }
        activeProfiles.recompile(profile.id(), CompiledRules.compile(profile.ingress(), profile.egress()));
    }

    public void removeProfile(String id) {
        Profile old = profiles.remove(id);
        if (old == null) {
            return;
        }
        Set<EndpointKey> users = endpointsByProfile.getOrDefault(id, Set.of());
        if (!old.labels().isEmpty()) {
            users.forEach(k -> relabel(endpoints.get(k)));
        }
        dirtyEndpoints.addAll(users);
    }

    /** The updates that bring a dataplane from the last flush's state to the current one. */
    public List<DataplaneUpdate> flush() {
        Set<EndpointKey> changed = new LinkedHashSet<>(dirtyEndpoints);
        changed.addAll(resolver.takeDirty());
        dirtyEndpoints.clear();
        // References are taken for every endpoint before any is dropped, so that a policy
        // moving between endpoints is not deactivated and recompiled in between.
        List<EndpointUpdate> released = new ArrayList<>();
        for (EndpointKey key : changed) {
            EndpointUpdate desired = desired(key);
            EndpointUpdate previous = desired == null ? desiredEndpoints.remove(key) : desiredEndpoints.put(key, desired);
            if (Objects.equals(desired, previous)) {
                continue;
            }
            if (desired != null) {
                reference(desired);
            }
            if (previous != null) {
                released.add(previous);
            }
        }
        released.forEach(this::release);

        List<DataplaneUpdate> out = new ArrayList<>();
        ipSets.emitUpserts(out);
        activePolicies.emitUpdates(out, DataplaneUpdate.PolicyUpdate::new);
        activeProfiles.emitUpdates(out, DataplaneUpdate.ProfileUpdate::new);
        for (EndpointKey key : changed) {
            EndpointUpdate desired = desiredEndpoints.get(key);
            EndpointUpdate applied = desired == null ? appliedEndpoints.remove(key) : appliedEndpoints.put(key, desired);
            if (desired == null && applied != null) {
                out.add(new EndpointRemove(key));
            } else if (desired != null && !desired.equals(applied)) {
                out.add(desired);
            }
        }
        activePolicies.emitRemoves(out, DataplaneUpdate.PolicyRemove::new);
        activeProfiles.emitRemoves(out, DataplaneUpdate.ProfileRemove::new);
        ipSets.emitRemoves(out);
        return out;
    }

    /** Number of IP sets active rules read (the Prometheus gauge {@code ocelot_active_ipsets}). */
    public int activeIpSets() {
        return ipSets.activeSets();
    }

    public int activePolicies() {
        return activePolicies.activeCount();
    }

    private EndpointUpdate desired(EndpointKey key) {
        Endpoint endpoint = endpoints.get(key);
        if (endpoint == null || !isLocal(endpoint)) {
            return null;
        }
        List<String> ingress = new ArrayList<>();
        List<String> egress = new ArrayList<>();
        for (Policy p : resolver.policiesFor(key)) {
            if (p.appliesTo(Direction.INGRESS)) {
                ingress.add(p.name());
            }
            if (p.appliesTo(Direction.EGRESS)) {
                egress.add(p.name());
            }
        }
        List<String> existingProfiles = new ArrayList<>();
        for (String id : endpoint.profileIds()) {
            if (profiles.containsKey(id) && !existingProfiles.contains(id)) {
                existingProfiles.add(id);
            }
        }
        return new EndpointUpdate(key, endpoint.addresses(), ingress, egress, existingProfiles);
    }

    private void reference(EndpointUpdate update) {
        for (String name : policyNames(update)) {
            Policy policy = resolver.policy(name);
            activePolicies.ref(name, () -> CompiledRules.compile(policy.ingress(), policy.egress()));
        }
        for (String id : update.profiles()) {
            Profile profile = profiles.get(id);
            activeProfiles.ref(id, () -> CompiledRules.compile(profile.ingress(), profile.egress()));
        }
    }

    private void release(EndpointUpdate update) {
        policyNames(update).forEach(activePolicies::unref);
        update.profiles().forEach(activeProfiles::unref);
    }

    private static Set<String> policyNames(EndpointUpdate update) {
        Set<String> names = new LinkedHashSet<>(update.ingressPolicies());
        names.addAll(update.egressPolicies());
        return names;
    }

    private void relabel(Endpoint endpoint) {
        Map<String, String> labels = endpoint.effectiveLabels(profiles::get);
        ipSets.updateEndpoint(endpoint, labels);
        if (isLocal(endpoint)) {
            resolver.updateEndpoint(endpoint.key(), labels);
        }
    }

    private boolean isLocal(Endpoint endpoint) {
        return endpoint.key().node().equals(localNode);
    }
}
