package ocelot.control.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.control.policy.Action;
import ocelot.control.policy.Endpoint;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.EntityMatch;
import ocelot.control.policy.IpAddress;
import ocelot.control.policy.Policy;
import ocelot.control.policy.Rule;
import ocelot.control.selector.Selector;
import org.junit.jupiter.api.Test;

/** A change emits only what it affects: the exact updates for small, known changes. */
class MinimalUpdatesTest {
    private static final String NODE = "n1";

    private static Endpoint endpoint(int i, String app) {
        return new Endpoint(EndpointKey.workload(NODE, "wl-" + i), Map.of("app", app),
                List.of(IpAddress.v4((10 << 24) | i)), List.of(), List.of());
    }

    private static Policy allowFrom(String name, String selector, String from) {
        return new Policy(name, 1.0, Selector.parse(selector), List.of(Rule.of(Action.ALLOW).withSource(
                new EntityMatch(List.of(), List.of(), Selector.parse(from), null, List.of(), List.of()))), List.of(), null);
    }

    private CalculationGraph graph() {
        CalculationGraph graph = new CalculationGraph(NODE);
        for (int i = 1; i <= 100; i++) {
            graph.updateEndpoint(endpoint(i, i <= 50 ? "web" : "db"));
        }
        graph.updatePolicy(allowFrom("db", "app == 'db'", "app == 'web'"));
        graph.updatePolicy(allowFrom("web", "app == 'web'", "app == 'lb'"));
        List<DataplaneUpdate> cold = graph.flush();
        // 2 IP sets, 2 policies, 100 endpoints.
        assertEquals(104, cold.size(), cold.toString());
        return graph;
    }

    @Test
    void relabelMovesOneAddressBetweenSetsAndUpdatesOneEndpoint() {
        CalculationGraph graph = graph();
        graph.updateEndpoint(endpoint(7, "lb"));
        List<DataplaneUpdate> updates = graph.flush();
        IpSetMember seven = new IpSetMember.Address(IpAddress.v4((10 << 24) | 7));
        assertEquals(Set.of(
                new DataplaneUpdate.IpSetDelta(new IpSetKey.Addresses(Selector.parse("app == 'web'")), Set.of(), Set.of(seven)),
                new DataplaneUpdate.IpSetDelta(new IpSetKey.Addresses(Selector.parse("app == 'lb'")), Set.of(seven), Set.of()),
                new DataplaneUpdate.EndpointUpdate(EndpointKey.workload(NODE, "wl-7"), List.of(IpAddress.v4((10 << 24) | 7)),
                        List.of(), List.of(), List.of())), Set.copyOf(updates));
        assertEquals(3, updates.size());
    }

    @Test
    void newEndpointMatchingNothingNewEmitsOnlyItselfAndItsAddress() {
        CalculationGraph graph = graph();
        graph.updateEndpoint(endpoint(101, "web"));
        List<DataplaneUpdate> updates = graph.flush();
        assertEquals(2, updates.size(), updates.toString());
        assertTrue(updates.getFirst() instanceof DataplaneUpdate.IpSetDelta, "IP set before the endpoint: " + updates);
        assertTrue(updates.get(1) instanceof DataplaneUpdate.EndpointUpdate e && e.ingressPolicies().equals(List.of("web")));
    }

    @Test
    void ruleEditEmitsOnePolicyAndSwapsSetsAroundIt() {
        CalculationGraph graph = graph();
        graph.updatePolicy(allowFrom("db", "app == 'db'", "app == 'lb'"));
        List<DataplaneUpdate> updates = graph.flush();
        List<String> kinds = new ArrayList<>();
        updates.forEach(u -> kinds.add(u.getClass().getSimpleName()));
        // The lb set is already read by "web", so nothing is created; the web set is dropped
        // after the policy stops reading it. No endpoint changes.
        assertEquals(List.of("PolicyUpdate", "IpSetRemove"), kinds, updates.toString());
    }

    @Test
    void sameSelectorWrittenTwoWaysIsOneSet() {
        CalculationGraph graph = new CalculationGraph(NODE);
        graph.updateEndpoint(endpoint(1, "db"));
        graph.updatePolicy(allowFrom("a", "app == 'db'", "app in {'web', 'lb'}"));
        graph.updatePolicy(allowFrom("b", "app == 'db'", "app in { \"lb\",'web','lb' }"));
        graph.flush();
        assertEquals(1, graph.activeIpSets());
    }
}
