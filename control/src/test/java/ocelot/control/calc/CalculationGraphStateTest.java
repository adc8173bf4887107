package ocelot.control.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ocelot.control.policy.Action;
import ocelot.control.policy.Cidr;
import ocelot.control.policy.Direction;
import ocelot.control.policy.Endpoint;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.EndpointPort;
import ocelot.control.policy.EntityMatch;
import ocelot.control.policy.IcmpMatch;
import ocelot.control.policy.IpAddress;
import ocelot.control.policy.Packet;
import ocelot.control.policy.Policy;
import ocelot.control.policy.PolicyEvaluator;
import ocelot.control.policy.PortSpec;
import ocelot.control.policy.Profile;
import ocelot.control.policy.Protocol;
import ocelot.control.policy.Rule;
import ocelot.control.policy.Verdict;
import ocelot.control.selector.Selector;
import org.junit.jupiter.api.Test;

/**
 * State-expansion tests after Felix's {@code calc_graph_fv_test.go}: a list of datastore states,
 * each with expected verdicts. The states are driven forwards, backwards, with the empty state
 * between each, one resource change per flush or all changes then one flush; whatever the path,
 * the dataplane must hold exactly what a cold start from the state reached produces, and the
 * expected verdicts must hold (on the dataplane, on its acl/ classifiers and on the reference).
 */
class CalculationGraphStateTest {
    private static final String NODE = "node-a";
    private static final EndpointKey WEB = EndpointKey.workload(NODE, "web-1");
    private static final EndpointKey DB = EndpointKey.workload(NODE, "db-1");
    private static final EndpointKey FRONTEND = EndpointKey.workload("node-b", "fe-1");
    private static final EndpointKey HOST = EndpointKey.host(NODE, "eth0");
    private static final IpAddress WEB_IP = IpAddress.parse("10.0.0.1");
    private static final IpAddress WEB_IP6 = IpAddress.parse("fd00::1");
    private static final IpAddress DB_IP = IpAddress.parse("10.0.0.2");
    private static final IpAddress FE_IP = IpAddress.parse("10.0.1.1");
    private static final IpAddress FE_IP6 = IpAddress.parse("fd00::11");
    private static final IpAddress HOST_IP = IpAddress.parse("192.168.0.1");
    private static final IpAddress OTHER_IP = IpAddress.parse("10.9.9.9");

    record Expectation(EndpointKey endpoint, Direction direction, Packet packet, Verdict verdict) {
    }

    record State(String name, List<Object> resources, List<Expectation> expectations) {
    }

    private static Packet tcp(IpAddress src, IpAddress dst, int dport) {
        return new Packet(src, dst, 6, 40000, dport, 0, 0);
    }

    private static Packet icmp(IpAddress src, IpAddress dst, int type) {
        return new Packet(src, dst, 1, 0, 0, type, 0);
    }

    private static EntityMatch from(String selector) {
        return new EntityMatch(List.of(), List.of(), Selector.parse(selector), null, List.of(), List.of());
    }

    private static EntityMatch toPorts(PortSpec... ports) {
        return new EntityMatch(List.of(), List.of(), null, null, List.of(ports), List.of());
    }

    private static final Profile DEFAULT = new Profile("default", List.of(Rule.of(Action.ALLOW)), List.of(Rule.of(Action.ALLOW)),
            Map.of("ns", "default"));
    private static final Endpoint WEB_1 = new Endpoint(WEB, Map.of("app", "web"), List.of(WEB_IP, WEB_IP6),
            List.of(new EndpointPort("http", Protocol.TCP, 8080)), List.of("default"));
    private static final Endpoint WEB_1_RELABELLED = new Endpoint(WEB, Map.of("app", "web2"), List.of(WEB_IP, WEB_IP6),
            List.of(new EndpointPort("http", Protocol.TCP, 8080)), List.of("default"));
    private static final Endpoint DB_1 = new Endpoint(DB, Map.of("app", "db"), List.of(DB_IP), List.of(), List.of("default"));
    private static final Endpoint FE_1 = new Endpoint(FRONTEND, Map.of("app", "frontend"), List.of(FE_IP, FE_IP6), List.of(), List.of("default"));
    private static final Endpoint ETH0 = new Endpoint(HOST, Map.of("role", "host"), List.of(HOST_IP), List.of(), List.of());

    /**
     * db accepts 5432 from app == web only; everything else into db is denied by the policy. It
     * has no types, so as in Calico 2.1 it applies to db's egress too, where no rule allows.
     */
    private static final Policy DB_INGRESS = new Policy("db-ingress", 10.0, Selector.parse("app == 'db'"),
            List.of(Rule.of(Action.ALLOW).withProtocol(Protocol.TCP).withSource(from("app == 'web'")).withDestination(toPorts(new PortSpec.Range(5432, 5432)))),
            List.of(), null);
    /**
     * Applies to every ns=default endpoint (inherited from the profile): log, pass to profiles from
     * frontend, deny 10.9/16. Typed ingress only, so egress stays with the profile.
     */
    private static final Policy BASELINE = new Policy("baseline", 1.0, Selector.parse("ns == 'default'"),
            List.of(Rule.of(Action.LOG),
                    Rule.of(Action.DENY).withSource(new EntityMatch(List.of(Cidr.parse("10.9.0.0/16")), List.of(), null, null, List.of(), List.of())),
                    Rule.of(Action.PASS).withSource(from("app == 'frontend'"))),
            List.of(), EnumSet.of(Direction.INGRESS));
    /** web2 takes its named port http (8080) from anyone; ordered before baseline's pass; typed ingress. */
    private static final Policy WEB_HTTP = new Policy("web-http", 0.5, Selector.parse("app == 'web2'"),
            List.of(Rule.of(Action.ALLOW).withProtocol(Protocol.TCP).withDestination(toPorts(new PortSpec.Named("http")))),
            List.of(), EnumSet.of(Direction.INGRESS));
    /** Host endpoint: no ICMP echo (type 8), everything else allowed, both directions. */
    private static final Policy HOST_POLICY = new Policy("host", null, Selector.parse("has(role)"),
            List.of(new Rule(Action.DENY, 4, Protocol.ICMP, null, new IcmpMatch(8, IcmpMatch.ANY_CODE), null, null, null), Rule.of(Action.ALLOW)),
            List.of(Rule.of(Action.ALLOW)), null);

    private static final List<State> STATES = List.of(
            new State("profile only", List.of(DEFAULT, WEB_1, DB_1, FE_1), List.of(
                    new Expectation(DB, Direction.INGRESS, tcp(OTHER_IP, DB_IP, 22), Verdict.ALLOW),
                    new Expectation(WEB, Direction.EGRESS, tcp(WEB_IP, DB_IP, 5432), Verdict.ALLOW))),
            new State("db locked down", List.of(DEFAULT, WEB_1, DB_1, FE_1, DB_INGRESS), List.of(
                    new Expectation(DB, Direction.INGRESS, tcp(WEB_IP, DB_IP, 5432), Verdict.ALLOW),
                    new Expectation(DB, Direction.INGRESS, tcp(WEB_IP, DB_IP, 22), Verdict.DENY),
                    new Expectation(DB, Direction.INGRESS, tcp(FE_IP, DB_IP, 5432), Verdict.DENY),
                    // db-ingress has no egress rules but applies both ways: the profile is not reached.
                    new Expectation(DB, Direction.EGRESS, tcp(DB_IP, OTHER_IP, 80), Verdict.DENY),
                    new Expectation(WEB, Direction.EGRESS, tcp(WEB_IP, OTHER_IP, 80), Verdict.ALLOW),
                    new Expectation(WEB, Direction.INGRESS, tcp(OTHER_IP, WEB_IP, 80), Verdict.ALLOW))),
            new State("web relabelled, baseline and named port", List.of(DEFAULT, WEB_1_RELABELLED, DB_1, FE_1, DB_INGRESS, BASELINE, WEB_HTTP), List.of(
                    new Expectation(DB, Direction.INGRESS, tcp(WEB_IP, DB_IP, 5432), Verdict.DENY),
                    new Expectation(DB, Direction.INGRESS, tcp(FE_IP, DB_IP, 5432), Verdict.ALLOW), // pass -> profile allows
                    new Expectation(DB, Direction.INGRESS, tcp(OTHER_IP, DB_IP, 5432), Verdict.DENY),
                    new Expectation(WEB, Direction.INGRESS, tcp(OTHER_IP, WEB_IP, 8080), Verdict.ALLOW), // web-http (0.5) before baseline's deny (1)
                    new Expectation(WEB, Direction.INGRESS, tcp(OTHER_IP, WEB_IP, 80), Verdict.DENY),
                    new Expectation(WEB, Direction.INGRESS, tcp(DB_IP, WEB_IP, 8080), Verdict.ALLOW),
                    new Expectation(WEB, Direction.INGRESS, tcp(FE_IP6, WEB_IP6, 8080), Verdict.ALLOW),
                    new Expectation(WEB, Direction.INGRESS, tcp(DB_IP, WEB_IP, 8081), Verdict.DENY),
                    // baseline and web-http are typed ingress: web's egress is the profile's, while
                    // the untyped db-ingress still closes db's.
                    new Expectation(WEB, Direction.EGRESS, tcp(WEB_IP, OTHER_IP, 443), Verdict.ALLOW),
                    new Expectation(DB, Direction.EGRESS, tcp(DB_IP, OTHER_IP, 443), Verdict.DENY))),
            new State("host endpoint, no profile", List.of(WEB_1_RELABELLED, DB_1, FE_1, ETH0, DB_INGRESS, BASELINE, HOST_POLICY), List.of(
                    new Expectation(HOST, Direction.INGRESS, icmp(OTHER_IP, HOST_IP, 8), Verdict.DENY),
                    new Expectation(HOST, Direction.INGRESS, icmp(OTHER_IP, HOST_IP, 0), Verdict.ALLOW),
                    new Expectation(HOST, Direction.EGRESS, tcp(HOST_IP, OTHER_IP, 443), Verdict.ALLOW),
                    // Profile gone: no inherited ns label, so baseline no longer applies and web-http is
                    // gone: no policy, no existing profile -> default deny.
                    new Expectation(WEB, Direction.INGRESS, tcp(DB_IP, WEB_IP, 8080), Verdict.DENY),
                    new Expectation(WEB, Direction.INGRESS, tcp(FE_IP, WEB_IP, 80), Verdict.DENY),
                    // No egress policy and no profile left: default deny at the end of profiles.
                    new Expectation(WEB, Direction.EGRESS, tcp(WEB_IP, DB_IP, 5432), Verdict.DENY),
                    new Expectation(DB, Direction.INGRESS, tcp(FE_IP, DB_IP, 5432), Verdict.DENY))));

    @Test
    void forwardsFlushingAfterEachState() {
        drive(STATES, true);
    }

    @Test
    void backwards() {
        List<State> reversed = new ArrayList<>(STATES);
        Collections.reverse(reversed);
        drive(reversed, true);
    }

    @Test
    void withEmptyStatesBetween() {
        List<State> expanded = new ArrayList<>();
        for (State s : STATES) {
            expanded.add(new State("empty", List.of(), List.of()));
            expanded.add(s);
        }
        drive(expanded, true);
    }

    @Test
    void everyPairInBothOrders() {
        for (State a : STATES) {
            for (State b : STATES) {
                drive(List.of(a, b), true);
            }
        }
    }

    @Test
    void oneFlushPerResourceChange() {
        drive(STATES, false);
    }

    @Test
    void squashedIntoOneFlush() {
        CalculationGraph graph = new CalculationGraph(NODE);
        Map<String, Object> current = new HashMap<>();
        for (State s : STATES) {
            moveTo(graph, current, s.resources(), null);
        }
        DataplaneModel dataplane = new DataplaneModel();
        dataplane.apply(graph.flush());
        check(STATES.getLast(), dataplane);
    }

    @Test
    void secondFlushWithoutChangesEmitsNothing() {
        CalculationGraph graph = new CalculationGraph(NODE);
        moveTo(graph, new HashMap<>(), STATES.get(2).resources(), null);
        graph.flush();
        assertEquals(List.of(), graph.flush());
    }

    private static void drive(List<State> states, boolean flushPerState) {
        CalculationGraph graph = new CalculationGraph(NODE);
        DataplaneModel dataplane = new DataplaneModel();
        Map<String, Object> current = new HashMap<>();
        for (State s : states) {
            moveTo(graph, current, s.resources(), flushPerState ? null : dataplane);
            dataplane.apply(graph.flush());
            check(s, dataplane);
        }
    }

    /** Applies the difference between {@code current} and {@code target}; flushes into {@code perChange} after each change if given. */
    private static void moveTo(CalculationGraph graph, Map<String, Object> current, List<Object> target, DataplaneModel perChange) {
        Map<String, Object> wanted = new HashMap<>();
        target.forEach(r -> wanted.put(id(r), r));
        for (String id : List.copyOf(current.keySet())) {
            if (!wanted.containsKey(id)) {
                switch (current.remove(id)) {
                    case Endpoint e -> graph.removeEndpoint(e.key());
                    case Policy p -> graph.removePolicy(p.name());
                    case Profile p -> graph.removeProfile(p.id());
                    default -> throw new AssertionError(id);
                }
                if (perChange != null) {
                    perChange.apply(graph.flush());
                }
            }
        }
        for (Object r : target) {
            if (!r.equals(current.get(id(r)))) {
                current.put(id(r), r);
                switch (r) {
                    case Endpoint e -> graph.updateEndpoint(e);
                    case Policy p -> graph.updatePolicy(p);
                    case Profile p -> graph.updateProfile(p);
                    default -> throw new AssertionError(r);
                }
                if (perChange != null) {
                    perChange.apply(graph.flush());
                }
            }
        }
    }

    private static String id(Object r) {
        return switch (r) {
            case Endpoint e -> "endpoint/" + e.key();
            case Policy p -> "policy/" + p.name();
            case Profile p -> "profile/" + p.id();
            default -> throw new AssertionError(r);
        };
    }

    private static void check(State s, DataplaneModel dataplane) {
        CalculationGraph cold = new CalculationGraph(NODE);
        moveTo(cold, new HashMap<>(), s.resources(), null);
        DataplaneModel fresh = new DataplaneModel();
        fresh.apply(cold.flush());
        assertEquals(fresh.state(), dataplane.state(), s.name() + ": state differs from a cold start");

        Map<EndpointKey, Endpoint> endpoints = new HashMap<>();
        Map<String, Policy> policies = new HashMap<>();
        Map<String, Profile> profiles = new HashMap<>();
        for (Object r : s.resources()) {
            switch (r) {
                case Endpoint e -> endpoints.put(e.key(), e);
                case Policy p -> policies.put(p.name(), p);
                case Profile p -> profiles.put(p.id(), p);
                default -> throw new AssertionError(r);
            }
        }
        PolicyEvaluator reference = new PolicyEvaluator(endpoints, policies, profiles);
        IpSets sets = IpSets.of(dataplane);
        for (Expectation x : s.expectations()) {
            String what = s.name() + ": " + x;
            assertEquals(x.verdict(), reference.decide(x.endpoint(), x.direction(), x.packet()), "reference, " + what);
            assertEquals(x.verdict(), dataplane.decide(x.endpoint(), x.direction(), x.packet()), "dataplane, " + what);
            assertEquals(x.verdict(), EndpointClassifier.compile(dataplane, sets, x.endpoint(), x.direction()).decide(x.packet()),
                    "acl classifier, " + what);
        }
    }
}
