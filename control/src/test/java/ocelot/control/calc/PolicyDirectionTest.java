package ocelot.control.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.control.policy.Action;
import ocelot.control.policy.Direction;
import ocelot.control.policy.Endpoint;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.EntityMatch;
import ocelot.control.policy.IpAddress;
import ocelot.control.policy.Packet;
import ocelot.control.policy.Policy;
import ocelot.control.policy.PolicyEvaluator;
import ocelot.control.policy.PortSpec;
import ocelot.control.policy.Profile;
import ocelot.control.policy.Rule;
import ocelot.control.policy.Verdict;
import ocelot.control.resource.Resource;
import ocelot.control.resource.ResourceCodec;
import ocelot.control.selector.Selector;
import org.junit.jupiter.api.Test;

/**
 * The direction a policy applies in, as Calico 2.1 (calicoctl 1.x) decides it: without
 * {@code types}, a policy that selects an endpoint applies both ways, whatever rules it has, so a
 * direction where none of its rules allows ends in deny; with explicit types (Ocelot's extension
 * from Calico 2.6) only in the directions listed, the other one left to other policies and the
 * profiles. Every case is decided four ways that must agree: the reference evaluator, the
 * dataplane model, the shared acl classifiers and a one-off compile. The ingress-only cases
 * failed under the rule Ocelot had before (an untyped policy applied to egress only when it had
 * egress rules).
 */
class PolicyDirectionTest {
    private static final String NODE = "n1";
    private static final EndpointKey DB = EndpointKey.workload(NODE, "k8s/db/eth0");
    private static final IpAddress DB_IP = IpAddress.parse("10.0.0.1");
    private static final IpAddress FE_IP = IpAddress.parse("10.0.0.2");
    private static final Packet IN_6379 = new Packet(FE_IP, DB_IP, 6, 40000, 6379, 0, 0);
    private static final Packet IN_22 = new Packet(FE_IP, DB_IP, 6, 40000, 22, 0, 0);
    private static final Packet OUT_443 = new Packet(DB_IP, FE_IP, 6, 40000, 443, 0, 0);
    /** A profile that allows everything both ways: what decides when no policy applies. */
    private static final Profile OPEN = new Profile("open", List.of(Rule.of(Action.ALLOW)), List.of(Rule.of(Action.ALLOW)), Map.of());
    private static final Rule ALLOW_6379 = Rule.of(Action.ALLOW).withProtocol(ocelot.control.policy.Protocol.TCP)
            .withDestination(new EntityMatch(List.of(), List.of(), null, null, List.of(new PortSpec.Range(6379, 6379)), List.of()));

    private static Policy policy(String name, List<Rule> ingress, List<Rule> egress, Set<Direction> types) {
        return new Policy(name, 1.0, Selector.parse("role == 'database'"), ingress, egress, types);
    }

    /** The verdict of all four implementations for one packet, checked to agree. */
    private static Verdict decide(List<Policy> policies, Direction direction, Packet packet) {
        Endpoint db = new Endpoint(DB, Map.of("role", "database"), List.of(DB_IP), List.of(), List.of("open"));
        Map<String, Policy> byName = new HashMap<>();
        policies.forEach(p -> byName.put(p.name(), p));
        Verdict reference = new PolicyEvaluator(Map.of(DB, db), byName, Map.of("open", OPEN)).decide(DB, direction, packet);

        CalculationGraph graph = new CalculationGraph(NODE);
        graph.updateProfile(OPEN);
        policies.forEach(graph::updatePolicy);
        graph.updateEndpoint(db);
        DataplaneModel dataplane = new DataplaneModel();
        SharedClassifiers shared = new SharedClassifiers(dataplane);
        shared.apply(graph.flush());
        String what = direction + " " + packet + " under " + policies;
        assertEquals(reference, dataplane.decide(DB, direction, packet), "dataplane model, " + what);
        assertEquals(reference, shared.classifier(DB, direction).decide(packet), "shared classifiers, " + what);
        assertEquals(reference, EndpointClassifier.compile(dataplane, IpSets.of(dataplane), DB, direction).decide(packet),
                "one-off classifiers, " + what);
        return reference;
    }

    @Test
    void withoutPoliciesTheProfileDecidesBothWays() {
        assertEquals(Verdict.ALLOW, decide(List.of(), Direction.INGRESS, IN_22));
        assertEquals(Verdict.ALLOW, decide(List.of(), Direction.EGRESS, OUT_443));
    }

    @Test
    void ingressOnlyPolicyDeniesEgress() {
        List<Policy> p = List.of(policy("in-only", List.of(ALLOW_6379), List.of(), null));
        assertEquals(Verdict.ALLOW, decide(p, Direction.INGRESS, IN_6379));
        assertEquals(Verdict.DENY, decide(p, Direction.INGRESS, IN_22));
        // Calico 2.1: the policy applies to egress too and nothing there allows (was: allowed by the profile).
        assertEquals(Verdict.DENY, decide(p, Direction.EGRESS, OUT_443));
    }

    @Test
    void egressOnlyPolicyDeniesIngress() {
        List<Policy> p = List.of(policy("out-only", List.of(), List.of(Rule.of(Action.ALLOW)), null));
        assertEquals(Verdict.ALLOW, decide(p, Direction.EGRESS, OUT_443));
        assertEquals(Verdict.DENY, decide(p, Direction.INGRESS, IN_6379));
    }

    @Test
    void explicitTypesLeaveTheOtherDirectionToTheProfile() {
        List<Policy> in = List.of(policy("in-typed", List.of(ALLOW_6379), List.of(), EnumSet.of(Direction.INGRESS)));
        assertEquals(Verdict.DENY, decide(in, Direction.INGRESS, IN_22));
        assertEquals(Verdict.ALLOW, decide(in, Direction.EGRESS, OUT_443));
        // Egress-typed with ingress rules: those rules are never read and ingress is the profile's.
        List<Policy> out = List.of(policy("out-typed", List.of(Rule.of(Action.DENY)), List.of(), EnumSet.of(Direction.EGRESS)));
        assertEquals(Verdict.ALLOW, decide(out, Direction.INGRESS, IN_22));
        assertEquals(Verdict.DENY, decide(out, Direction.EGRESS, OUT_443));
    }

    @Test
    void aTypedPolicyDoesNotShieldTheOtherDirectionFromAnUntypedOne() {
        List<Policy> p = List.of(
                policy("a-in-typed", List.of(Rule.of(Action.ALLOW)), List.of(), EnumSet.of(Direction.INGRESS)),
                new Policy("b-untyped", 2.0, Selector.parse("role == 'database'"), List.of(Rule.of(Action.ALLOW)), List.of(), null));
        assertEquals(Verdict.ALLOW, decide(p, Direction.INGRESS, IN_22));
        assertEquals(Verdict.DENY, decide(p, Direction.EGRESS, OUT_443));
    }

    @Test
    void manualsPolicyNeedsItsEgressAllowAndTypesComeFromYaml() {
        String manual = """
                apiVersion: v1
                kind: policy
                metadata:
                  name: allow-tcp-6379
                spec:
                  selector: role == 'database'
                  %s
                  ingress:
                  - action: allow
                    protocol: tcp
                    destination:
                      ports:
                      - 6379
                  %s
                """;
        String egressAllow = "egress:\n  - action: allow";
        assertEquals(Verdict.ALLOW, decide(List.of(yamlPolicy(manual.formatted("", egressAllow))), Direction.EGRESS, OUT_443));
        // Without its egress rule, the manual's policy cuts the database's egress.
        assertEquals(Verdict.DENY, decide(List.of(yamlPolicy(manual.formatted("", ""))), Direction.EGRESS, OUT_443));
        // With types: [ingress] the profile decides egress again.
        Policy typed = yamlPolicy(manual.formatted("types: [ingress]", ""));
        assertEquals(Set.of(Direction.INGRESS), typed.types());
        assertEquals(Verdict.ALLOW, decide(List.of(typed), Direction.EGRESS, OUT_443));
        assertEquals(Verdict.ALLOW, decide(List.of(typed), Direction.INGRESS, IN_6379));
        assertEquals(Verdict.DENY, decide(List.of(typed), Direction.INGRESS, IN_22));
    }

    private static Policy yamlPolicy(String yaml) {
        List<Resource> read = ResourceCodec.parse(yaml, "policy.yaml");
        return ResourceTranslation.policy((ocelot.control.resource.Policy) read.getFirst());
    }
}
