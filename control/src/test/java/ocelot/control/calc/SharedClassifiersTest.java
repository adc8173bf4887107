package ocelot.control.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import ocelot.control.policy.Action;
import ocelot.control.policy.Direction;
import ocelot.control.policy.Endpoint;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.EndpointPort;
import ocelot.control.policy.EntityMatch;
import ocelot.control.policy.IpAddress;
import ocelot.control.policy.Packet;
import ocelot.control.policy.Policy;
import ocelot.control.policy.PortSpec;
import ocelot.control.policy.Profile;
import ocelot.control.policy.Protocol;
import ocelot.control.policy.Rule;
import ocelot.control.policy.Verdict;
import ocelot.control.selector.Selector;
import org.junit.jupiter.api.Test;

/**
 * Endpoints with equal inputs share compiled stages; a change rebuilds only what reads it, and
 * address set changes rebuild nothing (IP set table updates only).
 */
class SharedClassifiersTest {
    private static final String NODE = "n1";
    private static final Profile DEFAULT = new Profile("default", List.of(Rule.of(Action.ALLOW)),
            List.of(Rule.of(Action.ALLOW)), Map.of());

    private static Endpoint web(int i, String app) {
        return new Endpoint(EndpointKey.workload(NODE, "web-" + i), Map.of("app", app),
                List.of(IpAddress.v4((10 << 24) | i), IpAddress.parse("fd00::" + Integer.toHexString(i))),
                List.of(new EndpointPort("http", Protocol.TCP, 8080 + i % 2)), List.of("default"));
    }

    /**
     * Ingress to app == {@code app}: TCP from role == client to port 80 or the named port http.
     * Typed ingress, so egress is the profile's stage alone.
     */
    private static Policy allowClients(String app) {
        Rule rule = new Rule(Action.ALLOW, 0, Protocol.TCP, null, null, null,
                new EntityMatch(List.of(), List.of(), Selector.parse("role == 'client'"), null, List.of(), List.of()),
                new EntityMatch(List.of(), List.of(), null, null,
                        List.of(new PortSpec.Range(80, 80), new PortSpec.Named("http")), List.of()));
        return new Policy("allow-" + app, 1.0, Selector.parse("app == '" + app + "'"), List.of(rule), List.of(),
                EnumSet.of(Direction.INGRESS));
    }

    private static Packet tcp(IpAddress src, IpAddress dst, int port) {
        return new Packet(src, dst, Protocol.TCP.number(), 40000, port, 0, 0);
    }

    @Test
    void equalInputsShareOneClassifierAndChangesRebuildOnlyTheirReaders() {
        CalculationGraph graph = new CalculationGraph(NODE);
        graph.updateProfile(DEFAULT);
        graph.updatePolicy(allowClients("web"));
        graph.updatePolicy(allowClients("api"));
        for (int i = 1; i <= 6; i++) {
            graph.updateEndpoint(web(i, i <= 4 ? "web" : "api"));
        }
        IpAddress client = IpAddress.v4((10 << 24) | 200);
        graph.updateEndpoint(new Endpoint(EndpointKey.workload(NODE, "client"), Map.of("role", "client"),
                List.of(client), List.of(), List.of("default")));
        SharedClassifiers classifiers = new SharedClassifiers(new DataplaneModel());
        classifiers.apply(graph.flush());

        EndpointClassifier web1 = classifiers.classifier(web(1, "web").key(), Direction.INGRESS);
        EndpointClassifier web3 = classifiers.classifier(web(3, "web").key(), Direction.INGRESS);
        EndpointClassifier web2 = classifiers.classifier(web(2, "web").key(), Direction.INGRESS);
        EndpointClassifier api5 = classifiers.classifier(web(5, "api").key(), Direction.INGRESS);
        // Same policies and the same named-port binding (http is 8081 for odd i): one classifier.
        assertSame(web1.stages().get(0), web3.stages().get(0));
        // http is 8080 for even i: a different binding, a different classifier.
        assertNotSame(web1.stages().get(0), web2.stages().get(0));
        assertNotSame(web1.stages().get(0), api5.stages().get(0));
        // One profile stage per direction for everyone.
        assertSame(web1.stages().get(1), api5.stages().get(1));
        // ingress: web x2 bindings, api x2, profile; egress: profile.
        assertEquals(6, classifiers.distinctStages());
        assertEquals(Verdict.ALLOW, web1.decide(tcp(client, web1.addresses().get(0), 8081)));
        assertEquals(Verdict.DENY, web1.decide(tcp(client, web1.addresses().get(0), 8080)));
        assertEquals(Verdict.ALLOW, web2.decide(tcp(client, web2.addresses().get(0), 8080)));
        assertEquals(Verdict.DENY, web1.decide(tcp(client, web3.addresses().get(0), 80)), "not web-1's packet");
        assertEquals(Verdict.ALLOW, web3.decide(tcp(client, web3.addresses().get(0), 80)));

        // A policy edit rebuilds the stages naming it, not the others; without a named port
        // both api endpoints now bind alike and share one.
        long before = classifiers.builds();
        graph.updatePolicy(new Policy("allow-api", 1.0, Selector.parse("app == 'api'"), List.of(Rule.of(Action.DENY)), List.of(),
                EnumSet.of(Direction.INGRESS)));
        classifiers.apply(graph.flush());
        assertEquals(before + 1, classifiers.builds());
        assertEquals(5, classifiers.distinctStages());
        assertSame(web1.stages().get(0), classifiers.classifier(web(1, "web").key(), Direction.INGRESS).stages().get(0));
        EndpointClassifier api = classifiers.classifier(web(5, "api").key(), Direction.INGRESS);
        assertEquals(Verdict.DENY, api.decide(tcp(client, api.addresses().get(0), 80)));

        // A new client changes a peer-side address set: only IP set table entries change (its
        // v4 address; the v6 family has none). Nothing is compiled or patched, the classifier
        // objects and even their published versions stay, and they see the new member.
        IpAddress client2 = IpAddress.v4((10 << 24) | 201);
        graph.updateEndpoint(new Endpoint(EndpointKey.workload(NODE, "client2"), Map.of("role", "client"),
                List.of(client2), List.of(), List.of("default")));
        before = classifiers.builds();
        long patched = classifiers.patches();
        long memberChanges = classifiers.ipSets().memberChanges();
        var version = web3.stages().get(0).snapshot();
        assertEquals(Verdict.DENY, web3.decide(tcp(client2, web3.addresses().get(0), 80)));
        classifiers.apply(graph.flush());
        assertEquals(before, classifiers.builds());
        assertEquals(patched, classifiers.patches());
        assertEquals(memberChanges + 1, classifiers.ipSets().memberChanges());
        EndpointClassifier web3After = classifiers.classifier(web(3, "web").key(), Direction.INGRESS);
        assertSame(web3.stages().get(0), web3After.stages().get(0));
        assertSame(version, web3After.stages().get(0).snapshot());
        assertEquals(Verdict.ALLOW, web3.decide(tcp(client2, web3.addresses().get(0), 80)), "the held classifier sees the new member");
        assertEquals(Verdict.ALLOW, web3After.decide(tcp(client, web3After.addresses().get(0), 80)));
        graph.removeEndpoint(EndpointKey.workload(NODE, "client"));
        classifiers.apply(graph.flush());
        assertEquals(Verdict.DENY, web3After.decide(tcp(client, web3After.addresses().get(0), 80)), "removed from the set");
        // A relabel out of the set is one table removal too.
        graph.updateEndpoint(new Endpoint(EndpointKey.workload(NODE, "client2"), Map.of("role", "server"),
                List.of(client2), List.of(), List.of("default")));
        classifiers.apply(graph.flush());
        assertEquals(before, classifiers.builds());
        assertEquals(Verdict.DENY, web3.decide(tcp(client2, web3.addresses().get(0), 80)));

        // Removing every user of a stage drops it.
        graph.removeEndpoint(web(5, "api").key());
        graph.removeEndpoint(web(6, "api").key());
        classifiers.apply(graph.flush());
        assertEquals(4, classifiers.distinctStages()); // web x2, profile in, profile out
    }

    /**
     * Rule slots follow creation, not stage order: policy b (order 2) is lowered before a (order
     * 1), so a's rules carry higher slots yet come first in their stage. A patch (a new member of
     * the named-port set a's deny reads on the peer side) must put the new rule in a's group,
     * before b's allow; each rule's slot names its policy, direction and index.
     */
    @Test
    void aPatchKeepsStageOrderWhenSlotsDoNot() {
        CalculationGraph graph = new CalculationGraph(NODE);
        graph.updateProfile(DEFAULT);
        graph.updatePolicy(new Policy("b-allow", 2.0, Selector.parse("app == 'web'"), List.of(Rule.of(Action.ALLOW)), List.of(),
                EnumSet.of(Direction.INGRESS)));
        graph.updateEndpoint(web(1, "web"));
        graph.updateEndpoint(client(1, 9100));
        SharedClassifiers classifiers = new SharedClassifiers(new DataplaneModel());
        classifiers.apply(graph.flush());
        Rule denyFromMetricsPorts = new Rule(Action.DENY, 0, Protocol.TCP, null, null, null,
                new EntityMatch(List.of(), List.of(), Selector.parse("role == 'client'"), null, List.of(new PortSpec.Named("metrics")), List.of()),
                EntityMatch.ANY);
        graph.updatePolicy(new Policy("a-deny", 1.0, Selector.parse("app == 'web'"), List.of(denyFromMetricsPorts), List.of(),
                EnumSet.of(Direction.INGRESS)));
        classifiers.apply(graph.flush());
        IpAddress web1 = web(1, "web").addresses().get(0);
        EndpointClassifier in = classifiers.classifier(web(1, "web").key(), Direction.INGRESS);
        assertEquals(Verdict.DENY, in.decide(new Packet(client(1, 9100).addresses().get(0), web1, Protocol.TCP.number(), 9100, 80, 0, 0)));

        long patched = classifiers.patches();
        graph.updateEndpoint(client(2, 9200));
        classifiers.apply(graph.flush());
        assertEquals(patched + 1, classifiers.patches(), "the stage was patched in place");
        in = classifiers.classifier(web(1, "web").key(), Direction.INGRESS);
        IpAddress client2 = client(2, 9200).addresses().get(0);
        assertEquals(Verdict.DENY, in.decide(new Packet(client2, web1, Protocol.TCP.number(), 9200, 80, 0, 0)), "a's new rule before b's allow");
        assertEquals(Verdict.ALLOW, in.decide(new Packet(client2, web1, Protocol.TCP.number(), 9100, 80, 0, 0)), "b allows the rest");

        Map<Integer, RuleSlots.Label> labels = classifiers.ruleSlots().labels();
        var a = new RuleSlots.Label(RuleSlots.Kind.POLICY, "a-deny", Direction.INGRESS, 0);
        var b = new RuleSlots.Label(RuleSlots.Kind.POLICY, "b-allow", Direction.INGRESS, 0);
        assertEquals(1, labels.values().stream().filter(a::equals).count(), labels.toString());
        int slotA = labels.entrySet().stream().filter(e -> e.getValue().equals(a)).findFirst().orElseThrow().getKey();
        int slotB = labels.entrySet().stream().filter(e -> e.getValue().equals(b)).findFirst().orElseThrow().getKey();
        assertTrue(slotB < slotA, "created first, lower slot: " + labels);
    }

    private static Endpoint client(int i, int metricsPort) {
        return new Endpoint(EndpointKey.workload(NODE, "client-" + i), Map.of("role", "client"), List.of(IpAddress.v4((10 << 24) | 200 + i)),
                List.of(new EndpointPort("metrics", Protocol.TCP, metricsPort)), List.of("default"));
    }
}
