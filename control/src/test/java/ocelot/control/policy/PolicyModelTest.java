package ocelot.control.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.control.selector.Selector;
import org.junit.jupiter.api.Test;

class PolicyModelTest {

    private static void rejects(String expectedInMessage, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void addressesAndPrefixesParseBothFamilies() {
        assertEquals("10.1.2.3", IpAddress.parse("10.1.2.3").toString());
        assertTrue(IpAddress.parse("fd00::1").v6());
        assertTrue(Cidr.parse("10.0.0.0/8").contains(IpAddress.parse("10.255.0.1")));
        assertFalse(Cidr.parse("10.0.0.0/8").contains(IpAddress.parse("11.0.0.1")));
        assertFalse(Cidr.parse("0.0.0.0/0").contains(IpAddress.parse("::1")));
        assertTrue(Cidr.parse("fd00::/64").contains(IpAddress.parse("fd00::abcd")));
        assertTrue(Cidr.parse("fd00::/65").contains(IpAddress.parse("fd00::1")));
        assertFalse(Cidr.parse("fd00::/65").contains(IpAddress.parse("fd00:0:0:0:8000::1")));
        assertEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse("10.1.2.3/8"));
        assertEquals(32, Cidr.parse("10.1.2.3").prefixLength());
        rejects("'10.0.0.300'", () -> IpAddress.parse("10.0.0.300"));
        rejects("'example.com'", () -> IpAddress.parse("example.com"));
        rejects("prefix length must be 0..32", () -> Cidr.parse("10.0.0.0/33"));
        rejects("not a number", () -> Cidr.parse("10.0.0.0/x"));
    }

    @Test
    void protocolsAndPortsParseAsCalicoWritesThem() {
        assertEquals(Protocol.TCP, Protocol.parse("TCP"));
        assertEquals(Protocol.ICMPV6, Protocol.parse("icmpv6"));
        assertEquals(new Protocol(47), Protocol.parse("47"));
        rejects("'gre'", () -> Protocol.parse("gre"));
        rejects("0..255", () -> Protocol.parse("256"));
        assertEquals(new PortSpec.Range(8000, 9000), PortSpec.parse("8000:9000"));
        assertEquals(new PortSpec.Range(80, 80), PortSpec.parse("80"));
        assertEquals(new PortSpec.Named("http"), PortSpec.parse("http"));
        rejects("ascending", () -> PortSpec.parse("9000:8000"));
        rejects("65535", () -> PortSpec.parse("70000"));
        rejects("port name 'HTTP'", () -> PortSpec.parse("HTTP"));
    }

    @Test
    void rulesAreValidatedLikeCalico() {
        EntityMatch ports = new EntityMatch(List.of(), List.of(), null, null, List.of(new PortSpec.Range(80, 80)), List.of());
        rejects("ports/notPorts need protocol", () -> Rule.of(Action.ALLOW).withDestination(ports));
        rejects("ports/notPorts need protocol", () -> Rule.of(Action.ALLOW).withProtocol(Protocol.ICMP).withDestination(ports));
        rejects("icmp/notICMP need protocol", () -> new Rule(Action.ALLOW, 0, Protocol.TCP, null, new IcmpMatch(8, 0), null, null, null));
        rejects("does not fit ipVersion 6", () -> new Rule(Action.ALLOW, 6, Protocol.ICMP, null, null, null, null, null));
        rejects("is not IPv6", () -> new Rule(Action.ALLOW, 6, null, null, null, null,
                new EntityMatch(List.of(Cidr.parse("10.0.0.0/8")), List.of(), null, null, List.of(), List.of()), null));
        rejects("action is required", () -> Rule.of(null));
        rejects("ipVersion must be 4 or 6", () -> new Rule(Action.ALLOW, 5, null, null, null, null, null, null));
        rejects("policy: name is required", () -> new Policy("", 1.0, null, List.of(), List.of(), null));
        rejects("ICMP type 300", () -> new IcmpMatch(300, 0));
        rejects("has no ports", () -> new EndpointPort("x", Protocol.ICMP, 1));
        Rule ok = Rule.of(Action.ALLOW).withProtocol(Protocol.TCP).withDestination(ports);
        assertEquals(Action.ALLOW, ok.action());
    }

    @Test
    void policyTypesDefaultToBothDirectionsAsCalico21() {
        Set<Direction> both = Set.of(Direction.INGRESS, Direction.EGRESS);
        assertEquals(both, new Policy("p", null, null, List.of(), List.of(), null).types());
        assertEquals(both, new Policy("p", null, null, List.of(Rule.of(Action.ALLOW)), List.of(), null).types());
        assertEquals(both, new Policy("p", null, null, List.of(), List.of(Rule.of(Action.ALLOW)), null).types());
        assertEquals(Set.of(Direction.EGRESS),
                new Policy("p", null, null, List.of(Rule.of(Action.ALLOW)), List.of(), EnumSet.of(Direction.EGRESS)).types());
        rejects("types must name ingress, egress or both",
                () -> new Policy("p", null, null, List.of(), List.of(), EnumSet.noneOf(Direction.class)));
    }

    @Test
    void applicationOrderIsOrderThenNameWithUnorderedLast() {
        List<Policy> policies = new ArrayList<>(List.of(
                new Policy("b", 10.0, null, List.of(), List.of(), null),
                new Policy("z", null, null, List.of(), List.of(), null),
                new Policy("a", 10.0, null, List.of(), List.of(), null),
                new Policy("y", -1.5, null, List.of(), List.of(), null),
                new Policy("c", null, null, List.of(), List.of(), null)));
        policies.sort(Policy.APPLICATION_ORDER);
        assertEquals(List.of("y", "a", "b", "c", "z"), policies.stream().map(Policy::name).toList());
    }

    @Test
    void profileLabelsAreInheritedFirstProfileWinsOwnLabelsWinOverAll() {
        Map<String, Profile> profiles = Map.of(
                "p1", new Profile("p1", List.of(), List.of(), Map.of("a", "1", "b", "1")),
                "p2", new Profile("p2", List.of(), List.of(), Map.of("a", "2", "c", "2")));
        Endpoint e = new Endpoint(EndpointKey.workload("n", "w"), Map.of("b", "own"), List.of(), List.of(), List.of("p1", "p2", "missing"));
        assertEquals(Map.of("a", "1", "b", "own", "c", "2"), e.effectiveLabels(profiles::get));
    }

    @Test
    void evaluatorFollowsCalicoOrderPassLogAndDefaultDeny() {
        IpAddress me = IpAddress.parse("10.0.0.1");
        IpAddress peer = IpAddress.parse("10.0.0.2");
        Endpoint ep = new Endpoint(EndpointKey.workload("n", "w"), Map.of("app", "x"), List.of(me), List.of(), List.of("prof"));
        Packet packet = new Packet(peer, me, 6, 1000, 80, 0, 0);
        Profile allow = new Profile("prof", List.of(Rule.of(Action.ALLOW)), List.of(), Map.of());
        Profile passThenDeny = new Profile("prof", List.of(Rule.of(Action.PASS), Rule.of(Action.ALLOW)), List.of(), Map.of());
        Policy log = new Policy("log", 1.0, Selector.parse("app == 'x'"), List.of(Rule.of(Action.LOG)), List.of(), null);
        Policy pass = new Policy("pass", 2.0, Selector.parse("app == 'x'"), List.of(Rule.of(Action.PASS)), List.of(), null);
        Policy deny = new Policy("deny", 3.0, Selector.parse("app == 'x'"), List.of(Rule.of(Action.DENY)), List.of(), null);
        Policy other = new Policy("other", 0.0, Selector.parse("app == 'y'"), List.of(Rule.of(Action.DENY)), List.of(), null);
        EndpointKey k = ep.key();
        Map<EndpointKey, Endpoint> eps = Map.of(k, ep);
        // No policy applies: profiles decide.
        assertEquals(Verdict.ALLOW, new PolicyEvaluator(eps, Map.of("other", other), Map.of("prof", allow)).decide(k, Direction.INGRESS, packet));
        // Only a log rule applies: nothing decided, a policy applied -> deny.
        assertEquals(Verdict.DENY, new PolicyEvaluator(eps, Map.of("log", log), Map.of("prof", allow)).decide(k, Direction.INGRESS, packet));
        // Pass skips the later deny policy and goes to profiles.
        assertEquals(Verdict.ALLOW, new PolicyEvaluator(eps, Map.of("log", log, "pass", pass, "deny", deny), Map.of("prof", allow))
                .decide(k, Direction.INGRESS, packet));
        // Pass in a profile ends that profile; no further profile -> deny.
        assertEquals(Verdict.DENY, new PolicyEvaluator(eps, Map.of(), Map.of("prof", passThenDeny)).decide(k, Direction.INGRESS, packet));
        // Egress: the profile allows, but the deny policy (ingress rules only) applies in both
        // directions (Calico 2.1) and none of its rules matches egress: denied.
        Profile allowBoth = new Profile("prof", List.of(Rule.of(Action.ALLOW)), List.of(Rule.of(Action.ALLOW)), Map.of());
        Packet out = new Packet(me, peer, 6, 1000, 80, 0, 0);
        assertEquals(Verdict.ALLOW, new PolicyEvaluator(eps, Map.of(), Map.of("prof", allowBoth)).decide(k, Direction.EGRESS, out));
        assertEquals(Verdict.DENY, new PolicyEvaluator(eps, Map.of("deny", deny), Map.of("prof", allowBoth)).decide(k, Direction.EGRESS, out));
    }
}
