package ocelot.control.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.Mutation;
import ocelot.control.resource.Resource;
import ocelot.control.resource.ResourceCodec;
import ocelot.fastpath.Frames;
import ocelot.fastpath.port.SoftwarePort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Felix's state-expansion test for the driver: a list of datastore states, each reached from
 * the one before by the puts and deletes between them, in order, reversed, with an empty
 * state between each, and squashed into one commit per state or one commit per resource. After
 * each state, forwarding (a fixed set of probe flows between three endpoints) must be what a
 * node started cold on that state does: the dataplane depends only on the state reached.
 */
class DriverStateExpansionTest {
    static final String POOL = """
            - apiVersion: v1
              kind: ipPool
              metadata: {cidr: 10.65.0.0/16}
            """;
    static final String OPEN = """
            - apiVersion: v1
              kind: profile
              metadata: {name: open}
              spec:
                ingress: [{action: allow}]
                egress: [{action: allow}]
            """;
    static final String UDP_ONLY = """
            - apiVersion: v1
              kind: profile
              metadata: {name: open}
              spec:
                ingress: [{action: allow, protocol: udp}]
                egress: [{action: allow}]
            """;
    static final String DENY_CLIENTS = """
            - apiVersion: v1
              kind: policy
              metadata: {name: deny-clients}
              spec:
                order: 5
                selector: role == 'server'
                ingress:
                - {action: deny, source: {selector: role == 'client'}}
                - {action: allow}
                egress: [{action: allow}]
            """;
    static final String PASS_5001 = """
            - apiVersion: v1
              kind: policy
              metadata: {name: pass-5001}
              spec:
                order: 1
                selector: all()
                ingress: [{action: pass, protocol: udp, destination: {ports: [5001]}}, {action: allow, protocol: tcp}]
                egress: [{action: allow}]
            """;

    static String ep(int n, String labels) {
        return DataplaneDriverTest.endpoint("ep" + n, "cali" + n, "0a:58:0a:41:00:0" + (n + 1), "10.65.0." + (n + 1), labels, "open");
    }

    static final List<String> STATES = List.of(
            POOL + OPEN + ep(1, "role: client") + ep(2, "role: server"),
            POOL + OPEN + ep(1, "role: client") + ep(2, "role: server") + ep(3, "role: server") + DENY_CLIENTS,
            POOL + UDP_ONLY + ep(1, "role: server") + ep(2, "role: client") + ep(3, "role: server") + DENY_CLIENTS + PASS_5001,
            POOL + UDP_ONLY + ep(2, "role: server") + ep(3, "role: client") + PASS_5001,
            "");

    @TempDir
    Path dir;
    final List<TestNode> nodes = new ArrayList<>();
    final Map<Integer, String> expected = new HashMap<>();
    int sourcePort = 10000;

    @AfterEach
    void stop() {
        nodes.forEach(TestNode::close);
    }

    TestNode node(String name, String yaml) throws Exception {
        TestNode n = new TestNode(Files.createDirectories(dir.resolve(name)), EmbeddedDatastore.Options.DEFAULTS, yaml.isEmpty() ? null : yaml, null);
        nodes.add(n);
        n.driver.portsChanged(Set.of("cali1", "cali2", "cali3"));
        n.driver.sync();
        return n;
    }

    /** Which of the probe flows get through, as one line per flow. */
    String probe(TestNode n) {
        SoftwarePort[] ports = {n.cali1, n.cali2, n.cali3};
        long[] macs = {TestNode.CALI1_MAC, TestNode.CALI2_MAC, TestNode.CALI3_MAC};
        StringBuilder out = new StringBuilder();
        for (int s = 1; s <= 3; s++) {
            for (int d = 1; d <= 3; d++) {
                if (s == d) continue;
                for (int[] flow : new int[][] {{Frames.UDP, 5000}, {Frames.UDP, 5001}, {Frames.TCP, 80}}) {
                    String src = "10.65.0." + (s + 1), dst = "10.65.0." + (d + 1);
                    long epMac = 0x0A58_0A41_0000L + s + 1;
                    byte[] f = flow[0] == Frames.UDP ? Frames.udp(macs[s - 1], epMac, src, dst, sourcePort++, flow[1], 64, 8)
                            : Frames.tcp(macs[s - 1], epMac, src, dst, sourcePort++, flow[1], 0x02, 64);
                    n.send(ports[s - 1], f);
                    boolean through = ports[d - 1].drainTransmitted().size() == 1;
                    out.append("ep").append(s).append("->ep").append(d).append(flow[0] == Frames.UDP ? " udp " : " tcp ")
                            .append(flow[1]).append(through ? " pass\n" : " drop\n");
                }
            }
        }
        return out.toString();
    }

    String expected(int state) throws Exception {
        if (!expected.containsKey(state)) expected.put(state, probe(node("cold" + state, STATES.get(state))));
        return expected.get(state);
    }

    static Map<String, String> resources(String yaml) {
        Map<String, String> out = new LinkedHashMap<>();
        if (yaml.isEmpty()) return out;
        for (Resource r : ResourceCodec.parse(yaml, "state")) out.put(r.key().datastoreKey(), ResourceCodec.toStored(r));
        return out;
    }

    /** Moves {@code n}'s datastore from one state to another: one commit, or one per resource. */
    static void move(TestNode n, Map<String, String> from, Map<String, String> to, boolean squashed) throws Exception {
        List<Mutation> changes = new ArrayList<>();
        for (String key : from.keySet()) if (!to.containsKey(key)) changes.add(new Mutation.Delete(key, Mutation.ANY_REVISION));
        for (var e : to.entrySet()) if (!e.getValue().equals(from.get(e.getKey()))) changes.add(new Mutation.Put(e.getKey(), e.getValue()));
        if (changes.isEmpty()) return;
        long revision = 0;
        if (squashed) revision = n.store.commit(changes);
        else for (Mutation m : changes) revision = n.store.commit(List.of(m));
        n.await(revision);
    }

    void run(String name, List<Integer> order, boolean squashed) throws Exception {
        TestNode n = node(name, "");
        Map<String, String> at = Map.of();
        for (int state : order) {
            Map<String, String> next = resources(STATES.get(state));
            move(n, at, next, squashed);
            at = next;
            String want = expected(state), got = probe(n);
            if (!want.equals(got)) System.err.println("MISMATCH " + name + " state " + state + "\n" + want + "----\n" + got
                    + n.driver.published() + "\n" + n.fastpath.counters().describeNonZero() + "\n" + n.driver.problems());
            assertEquals(want, got, name + ": state " + state + " reached through " + order);
        }
    }

    @Test
    void forwardsAndBackwardsWithEmptyStatesBetween() throws Exception {
        List<Integer> forward = List.of(0, 1, 2, 3, 4);
        List<Integer> backward = List.of(3, 2, 1, 0);
        List<Integer> withEmpty = List.of(0, 4, 1, 4, 2, 4, 3, 4, 2, 0);
        run("forward", forward, true);
        run("backward", backward, false);
        run("empty-between", withEmpty, true);
    }

    @Test
    void everyPairOfStatesOneResourceAtATime() throws Exception {
        List<Integer> pairs = new ArrayList<>();
        for (int a = 0; a < 4; a++) for (int b = 0; b < 4; b++) if (a != b) { pairs.add(a); pairs.add(b); }
        run("pairs", pairs, false);
    }
}
