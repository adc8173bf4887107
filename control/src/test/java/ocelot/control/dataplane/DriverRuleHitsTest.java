package ocelot.control.dataplane;

import static ocelot.control.dataplane.TestNode.CALI1_MAC;
import static ocelot.control.dataplane.TestNode.EP1_MAC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import ocelot.control.metrics.FastpathMetrics;
import ocelot.control.metrics.PrometheusText;
import ocelot.fastpath.Frames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule hits per policy and profile rule in {@code /metrics}: new flows from ep1 (client, profile
 * open) to ep2 (server) through the driver's fastpath, and the counts read back as the node's
 * {@code ocelot_rule_hits_total} lines. Policy "second" is written before "first" but ordered
 * after it, so rule slots and stage order differ.
 */
class DriverRuleHitsTest {
    static final String SECOND = """
            apiVersion: v1
            kind: policy
            metadata: {name: second}
            spec:
              order: 20
              selector: role == 'server'
              ingress:
              - {action: allow, protocol: udp, destination: {ports: [5000]}}
              egress: [{action: allow}]
            """;
    static final String FIRST = """
            apiVersion: v1
            kind: policy
            metadata: {name: first}
            spec:
              order: 10
              selector: role == 'server'
              ingress:
              - {action: deny, protocol: udp, destination: {ports: [5001]}}
              - {action: pass, protocol: udp, destination: {ports: [5002]}}
            """;

    @TempDir
    Path dir;
    TestNode node;
    int sourcePort = 41000;

    @BeforeEach
    void start() throws Exception {
        node = new TestNode(dir, DataplaneDriverTest.BASE);
        node.apply(SECOND);
        node.apply(FIRST);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    void flowsToEp2(int port, int flows) {
        for (int i = 0; i < flows; i++) {
            node.send(node.cali1, Frames.udp(CALI1_MAC, EP1_MAC, "10.65.0.2", "10.65.0.3", sourcePort++, port, 64, 16));
        }
        node.cali2.drainTransmitted();
    }

    String scrape() {
        PrometheusText text = new PrometheusText();
        new FastpathMetrics(node.fastpath, node.driver::ruleLabels).writeTo(text);
        return text.toString();
    }

    /** The sample's value, or null when the scrape has no such line. */
    static Long hits(String scrape, String type, String name, String direction, String rule) {
        String prefix = "ocelot_rule_hits_total{type=\"" + type + "\",name=\"" + name + "\",direction=\"" + direction
                + "\",rule=\"" + rule + "\"} ";
        return scrape.lines().filter(l -> l.startsWith(prefix)).findFirst().map(l -> Long.parseLong(l.substring(prefix.length()))).orElse(null);
    }

    @Test
    void eachHitNamesItsPolicyOrProfileRule() {
        flowsToEp2(5000, 3); // first: no match; second rule 0 allows
        flowsToEp2(5001, 2); // first rule 0 denies
        flowsToEp2(5002, 1); // first rule 1 passes to the profile, which allows
        flowsToEp2(5003, 1); // no policy allows: the catch-all deny
        String s = scrape();
        assertEquals(3L, hits(s, "policy", "second", "ingress", "0"), s);
        assertEquals(2L, hits(s, "policy", "first", "ingress", "0"), s);
        assertEquals(1L, hits(s, "policy", "first", "ingress", "1"), s);
        assertEquals(1L, hits(s, "profile", "open", "ingress", "0"), s);
        assertEquals(1L, hits(s, "no-policy-allowed", "", "ingress", "default-deny"), s);
        assertEquals(7L, hits(s, "profile", "open", "egress", "0"), "ep1 (no policy) lets every flow out: " + s);
        assertEquals(0L, hits(s, "policy", "second", "egress", "0"), s);
    }

    @Test
    void aRemovedPolicysSeriesGoAndTheOthersKeepCounting() throws Exception {
        flowsToEp2(5000, 2);
        flowsToEp2(5001, 1);
        node.delete(FIRST);
        String s = scrape();
        assertNull(hits(s, "policy", "first", "ingress", "0"), s);
        assertNull(hits(s, "policy", "first", "ingress", "1"), s);
        assertEquals(2L, hits(s, "policy", "second", "ingress", "0"), s);
        flowsToEp2(5000, 1);
        assertEquals(3L, hits(scrape(), "policy", "second", "ingress", "0"), "the slot survives the other policy's removal");
        node.apply(FIRST);
        flowsToEp2(5001, 1);
        assertEquals(1L, hits(scrape(), "policy", "first", "ingress", "0"), "a policy written again starts a new series");
    }
}
