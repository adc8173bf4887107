package ocelot.control.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import ocelot.control.policy.Direction;
import ocelot.control.policy.Endpoint;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.Packet;
import ocelot.control.policy.Policy;
import ocelot.control.policy.PolicyEvaluator;
import ocelot.control.policy.Profile;
import ocelot.control.policy.Verdict;
import org.junit.jupiter.api.Test;

/**
 * The compiled side (calculation graph → updates → {@link DataplaneModel} → acl/ classifiers
 * per endpoint and direction, {@link EndpointClassifier}, both shared and kept up to date by
 * {@link SharedClassifiers} and compiled one-off) against the
 * reference {@link PolicyEvaluator}: the same verdict for every packet, from a cold start and
 * after every step of a random sequence of label, endpoint, policy and profile changes applied
 * incrementally. At the end the incremental dataplane must hold exactly what a cold start from
 * the final state produces.
 */
class PolicyDifferentialTest {
    private static final int WORLDS = 16;
    private static final int STEPS = 40;
    private static final int PACKETS = 12;
    /**
     * One-off compiles of every endpoint are checked on every world's cold and final state and on
     * every UNSHARED_EVERY-th comparison between: they re-lower the whole state (the test's main
     * cost, 15 s at load 9) while the incremental shared classifiers, checked at every step, are
     * what a change sequence can break.
     */
    private static final int UNSHARED_EVERY = 4;
    private long allowed;
    private int comparisons;

    @Test
    void compiledDataplaneAgreesWithReferenceAfterEveryIncrementalChange() {
        long checked = 0;
        for (int seed = 0; seed < WORLDS; seed++) {
            RandomPolicyWorld world = new RandomPolicyWorld(seed);
            for (int i = 0; i < 8; i++) {
                world.endpoints.put(world.endpointKey(), null);
            }
            world.endpoints.replaceAll((k, v) -> world.endpoint(k));
            for (int i = 0; i < 6; i++) {
                world.policies.put("pol-" + i, world.policy("pol-" + i));
            }
            for (int i = 0; i < 3; i++) {
                world.profiles.put("prof-" + i, world.profile("prof-" + i));
            }
            CalculationGraph graph = new CalculationGraph(RandomPolicyWorld.LOCAL);
            world.endpoints.values().forEach(graph::updateEndpoint);
            world.policies.values().forEach(graph::updatePolicy);
            world.profiles.values().forEach(graph::updateProfile);
            DataplaneModel dataplane = new DataplaneModel();
            // Both ways in: classifiers built from a filled dataplane, or kept up to date from empty.
            SharedClassifiers classifiers;
            if (seed % 2 == 0) {
                dataplane.apply(graph.flush());
                classifiers = new SharedClassifiers(dataplane);
            } else {
                classifiers = new SharedClassifiers(dataplane);
                classifiers.apply(graph.flush());
            }
            checked += compare(world, dataplane, classifiers, "seed " + seed + " cold", true);

            boolean flushEachStep = seed % 3 != 0;
            for (int step = 0; step < STEPS; step++) {
                String change = change(world, graph);
                if (flushEachStep || step % 7 == 6 || step == STEPS - 1) {
                    classifiers.apply(graph.flush());
                    checked += compare(world, dataplane, classifiers, "seed " + seed + " step " + step + " after " + change,
                            step == STEPS - 1 || ++comparisons % UNSHARED_EVERY == 0);
                }
            }
            CalculationGraph cold = new CalculationGraph(RandomPolicyWorld.LOCAL);
            world.profiles.values().forEach(cold::updateProfile);
            world.policies.values().forEach(cold::updatePolicy);
            world.endpoints.values().forEach(cold::updateEndpoint);
            DataplaneModel fresh = new DataplaneModel();
            fresh.apply(cold.flush());
            assertEquals(fresh.state(), dataplane.state(), "seed " + seed + ": incremental state differs from a cold start");
        }
        System.out.println("differential: " + checked + " verdicts compared, " + allowed + " allowed");
        // Both verdicts must be common, or agreement would prove little.
        assertTrue(allowed > checked / 8 && allowed < checked * 7 / 8, allowed + " of " + checked + " allowed");
    }

    private static String change(RandomPolicyWorld world, CalculationGraph graph) {
        var random = world.random;
        switch (random.nextInt(8)) {
            case 0, 1 -> { // relabel (or re-address) an existing endpoint
                if (!world.endpoints.isEmpty()) {
                    List<EndpointKey> keys = new ArrayList<>(world.endpoints.keySet());
                    EndpointKey key = keys.get(random.nextInt(keys.size()));
                    Endpoint old = world.endpoints.get(key);
                    Endpoint e = random.nextBoolean()
                            ? new Endpoint(key, ocelot.control.selector.RandomSelectors.labels(random), old.addresses(), old.ports(), old.profileIds())
                            : world.endpoint(key);
                    world.endpoints.put(key, e);
                    graph.updateEndpoint(e);
                    return "endpoint update " + key;
                }
                return "nothing";
            }
            case 2 -> {
                EndpointKey key = world.endpointKey();
                Endpoint e = world.endpoint(key);
                world.endpoints.put(key, e);
                graph.updateEndpoint(e);
                return "endpoint add " + key;
            }
            case 3 -> {
                if (!world.endpoints.isEmpty()) {
                    List<EndpointKey> keys = new ArrayList<>(world.endpoints.keySet());
                    EndpointKey key = keys.get(random.nextInt(keys.size()));
                    world.endpoints.remove(key);
                    graph.removeEndpoint(key);
                    return "endpoint remove " + key;
                }
                return "nothing";
            }
            case 4, 5 -> {
                String name = "pol-" + random.nextInt(8);
                Policy p = world.policy(name);
                world.policies.put(name, p);
                graph.updatePolicy(p);
                return "policy update " + name;
            }
            case 6 -> {
                String name = "pol-" + random.nextInt(8);
                world.policies.remove(name);
                graph.removePolicy(name);
                return "policy remove " + name;
            }
            default -> {
                String id = "prof-" + random.nextInt(4);
                if (random.nextInt(3) == 0) {
                    world.profiles.remove(id);
                    graph.removeProfile(id);
                    return "profile remove " + id;
                }
                Profile p = world.profile(id);
                world.profiles.put(id, p);
                graph.updateProfile(p);
                return "profile update " + id;
            }
        }
    }

    /** A random packet whose destination (ingress) or source (egress) is one of the endpoint's addresses. */
    private static Packet ownPacket(RandomPolicyWorld world, Endpoint endpoint, Direction direction) {
        if (endpoint.addresses().isEmpty()) {
            return null;
        }
        Packet p = world.packet();
        ocelot.control.policy.IpAddress mine = endpoint.addresses().get(world.random.nextInt(endpoint.addresses().size()));
        ocelot.control.policy.IpAddress other = direction == Direction.INGRESS ? p.src() : p.dst();
        while (other.v6() != mine.v6()) {
            other = world.address();
        }
        return direction == Direction.INGRESS
                ? new Packet(other, mine, p.protocol(), p.srcPort(), p.dstPort(), p.icmpType(), p.icmpCode())
                : new Packet(mine, other, p.protocol(), p.srcPort(), p.dstPort(), p.icmpType(), p.icmpCode());
    }

    private long compare(RandomPolicyWorld world, DataplaneModel dataplane, SharedClassifiers classifiers, String where,
                         boolean unsharedToo) {
        PolicyEvaluator reference = world.evaluator();
        List<EndpointKey> local = world.endpoints.keySet().stream()
                .filter(k -> k.node().equals(RandomPolicyWorld.LOCAL)).sorted().toList();
        assertEquals(java.util.Set.copyOf(local), dataplane.endpoints(), where + ": local endpoints");
        long n = 0;
        IpSets mirror = unsharedToo ? IpSets.of(dataplane) : null; // the one-off compiles read a fresh mirror of the sets
        for (EndpointKey key : local) {
            for (Direction direction : Direction.values()) {
                // The shared, incrementally maintained classifier and a one-off compile of the same state.
                EndpointClassifier classifier = classifiers.classifier(key, direction);
                EndpointClassifier unshared = unsharedToo ? EndpointClassifier.compile(dataplane, mirror, key, direction) : null;
                Endpoint endpoint = world.endpoints.get(key);
                for (int i = 0; i < PACKETS; i++) {
                    Packet packet = world.packet();
                    Verdict expected = reference.decide(key, direction, packet);
                    assertEquals(expected, dataplane.decide(key, direction, packet),
                            () -> where + ": " + key + " " + direction + " " + packet);
                    n++;
                    if (expected == Verdict.ALLOW) {
                        allowed++;
                    }
                    // The classifiers see only packets to (ingress) or from (egress) the endpoint.
                    Packet own = ownPacket(world, endpoint, direction);
                    if (own != null) {
                        Verdict ownExpected = reference.decide(key, direction, own);
                        assertEquals(ownExpected, dataplane.decide(key, direction, own),
                                () -> where + ": " + key + " " + direction + " " + own);
                        assertEquals(ownExpected, classifier.decide(own),
                                () -> where + ": shared acl classifier of " + key + " " + direction + " " + own);
                        if (unshared != null) {
                            assertEquals(ownExpected, unshared.decide(own),
                                    () -> where + ": acl classifier of " + key + " " + direction + " " + own);
                        }
                        if (ownExpected == Verdict.ALLOW) {
                            allowed++;
                        }
                        n++;
                    }
                }
            }
        }
        return n;
    }
}
