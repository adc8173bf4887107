package ocelot.control.dataplane;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.acl.Classifier;
import ocelot.control.calc.CalculationGraph;
import ocelot.control.calc.CompiledRules;
import ocelot.control.calc.DataplaneModel;
import ocelot.control.calc.DataplaneUpdate;
import ocelot.control.calc.RuleSlots;
import ocelot.control.calc.SharedClassifiers;
import ocelot.control.policy.Direction;
import ocelot.control.policy.Endpoint;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.Policy;
import ocelot.control.policy.Profile;
import ocelot.fastpath.worker.FastpathConfig;

/**
 * The policy half of the driver: the {@link CalculationGraph} fed with endpoints (every node's,
 * for IP sets; this node's, for their policy), policies and profiles, and the
 * {@link SharedClassifiers} it keeps up to date, whose stages become the fastpath endpoints'
 * classifiers. A policy or profile the lowering refuses never gets in: each is translated and
 * compiled on its own first, and should the graph or the lowering still fail on a batch, the
 * policies and profiles that batch changed go back to their last good version (or out), are
 * reported, and the graph is rebuilt from what remains. Driver thread only.
 */
final class PolicyFeed {
    /** Denies every new flow: an endpoint with neither policies nor profiles (Felix: "drop if no profiles matched"). */
    static final Classifier DENY_ALL = Classifier.compile(List.of());

    private final String node;
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<String, Policy> policies = new LinkedHashMap<>();
    private final Map<String, Profile> profiles = new LinkedHashMap<>();
    /** Policies/profiles changed since the last good flush, with their previous version (null: new). */
    private final Map<String, Object> undo = new HashMap<>();
    /** Rule hit-counter slots, node-wide and kept across rebuilds (the fastpath's counters outlive them). */
    private final RuleSlots slots = new RuleSlots(FastpathConfig.defaults().ruleCounterCapacity());
    private CalculationGraph graph;
    private SharedClassifiers shared;

    PolicyFeed(String node) {
        this.node = node;
        graph = new CalculationGraph(node);
        shared = new SharedClassifiers(new DataplaneModel(), slots);
    }

    void putEndpoint(String key, Endpoint e) {
        Endpoint old = endpoints.put(key, e);
        if (old != null && !old.key().equals(e.key())) graph.removeEndpoint(old.key());
        graph.updateEndpoint(e);
    }

    void removeEndpoint(String key) {
        Endpoint old = endpoints.remove(key);
        if (old != null) graph.removeEndpoint(old.key());
    }

    /** Validates (compiles the rules on their own) and applies; throws naming the problem, changing nothing. */
    void putPolicy(String key, Policy p) {
        CompiledRules.compile(p.ingress(), p.egress());
        Policy old = policies.put(key, p);
        undo.putIfAbsent(key, old == null ? Boolean.FALSE : old);
        graph.updatePolicy(p);
    }

    void removePolicy(String key) {
        Policy old = policies.remove(key);
        if (old == null) return;
        undo.putIfAbsent(key, old);
        graph.removePolicy(old.name());
    }

    void putProfile(String key, Profile p) {
        CompiledRules.compile(p.ingress(), p.egress());
        Profile old = profiles.put(key, p);
        undo.putIfAbsent(key, old == null ? Boolean.FALSE : old);
        graph.updateProfile(p);
    }

    void removeProfile(String key) {
        Profile old = profiles.remove(key);
        if (old == null) return;
        undo.putIfAbsent(key, old);
        graph.removeProfile(old.id());
    }

    /** Brings the classifiers up to date; returns the number of dataplane updates the graph emitted. */
    int flush(ResourceProblems problems) {
        try {
            List<DataplaneUpdate> updates = graph.flush();
            shared.apply(updates, false); // removed IP sets stay until the state without them is in force
            undo.clear();
            return updates.size();
        } catch (RuntimeException e) {
            for (Map.Entry<String, Object> u : undo.entrySet()) {
                String key = u.getKey();
                problems.report(key, "the policy calculation refused it (" + e.getMessage() + "); "
                        + (u.getValue() == Boolean.FALSE ? "left out" : "its previous version stays in force"));
                boolean isPolicy = policies.containsKey(key) || u.getValue() instanceof Policy;
                if (isPolicy) {
                    if (u.getValue() instanceof Policy p) policies.put(key, p);
                    else policies.remove(key);
                } else if (u.getValue() instanceof Profile p) {
                    profiles.put(key, p);
                } else {
                    profiles.remove(key);
                }
            }
            undo.clear();
            return rebuild();
        }
    }

    /**
     * Closes the IP set changes made so far into the view the next state's packets are judged
     * by: the state before it keeps reading its own view, so a packet never meets the new
     * membership with the old policies (or the reverse).
     */
    ocelot.acl.IpSetTable.View sealIpSets() {
        return shared.ipSets().table().seal();
    }

    /** Deletes the IP sets the last flushes removed: the state published now names none of them. */
    void retireRemovedSets() {
        shared.retireRemovedSets();
    }

    /** A new graph and classifiers from the inputs held (after a refused batch). */
    private int rebuild() {
        graph = new CalculationGraph(node);
        shared = new SharedClassifiers(new DataplaneModel(), slots);
        profiles.values().forEach(graph::updateProfile);
        policies.values().forEach(graph::updatePolicy);
        endpoints.values().forEach(graph::updateEndpoint);
        List<DataplaneUpdate> updates = graph.flush();
        shared.apply(updates);
        slots.retainOnly(policyNames(), profileIds());
        return updates.size();
    }

    private Set<String> policyNames() {
        Set<String> out = new HashSet<>();
        policies.values().forEach(p -> out.add(p.name()));
        return out;
    }

    private Set<String> profileIds() {
        Set<String> out = new HashSet<>();
        profiles.values().forEach(p -> out.add(p.id()));
        return out;
    }

    /** Rule slot (the fastpath's rule hit counter) to the policy or profile rule it counts. */
    Map<Integer, RuleSlots.Label> ruleLabels() {
        return slots.labels();
    }

    /** The classifier stages of local endpoint {@code key} for the fastpath; never empty (default deny). */
    List<Classifier> stages(EndpointKey key, Direction direction) {
        List<Classifier> stages = shared.classifier(key, direction).stages();
        return stages.isEmpty() ? List.of(DENY_ALL) : stages;
    }

    /**
     * The classifier object of a local endpoint for one direction: a new object whenever its stages
     * were rebuilt, the same one otherwise (so an unchanged endpoint is found by identity).
     */
    Object version(EndpointKey key, Direction direction) {
        return shared.classifier(key, direction);
    }

    int activePolicies() {
        return graph.activePolicies();
    }

    int distinctStages() {
        return shared.distinctStages();
    }
}
