package ocelot.control.calc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.control.policy.Direction;
import ocelot.control.policy.Endpoint;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.IpAddress;
import ocelot.control.policy.Packet;
import ocelot.control.policy.Policy;
import ocelot.control.policy.PolicyEvaluator;
import ocelot.control.policy.Profile;
import ocelot.control.policy.Verdict;
import ocelot.control.resource.Resource;
import ocelot.control.resource.ResourceCodec;
import org.junit.jupiter.api.Test;

/** Calico's v1 documentation examples, read by the resource codec, translated and evaluated. */
class ResourceTranslationTest {

    private static List<Resource> read(String yaml) {
        return ResourceCodec.parse(yaml, "test.yaml");
    }

    @Test
    void documentationPolicyAndProfileBehaveAsDocumented() throws Exception {
        Path dir = Path.of("src/test/resources/calico-v1");
        Policy policy = ResourceTranslation.policy((ocelot.control.resource.Policy)
                read(Files.readString(dir.resolve("policy.yaml"))).getFirst());
        Profile profile = ResourceTranslation.profile((ocelot.control.resource.Profile)
                read(Files.readString(dir.resolve("profile.yaml"))).getFirst());
        List<Resource> endpoints = read("""
                - apiVersion: v1
                  kind: workloadEndpoint
                  metadata: {name: eth0, workload: db, orchestrator: k8s, node: n1, labels: {role: database}}
                  spec: {interfaceName: cali1, ipNetworks: [10.0.0.1/32], profiles: [profile1]}
                - apiVersion: v1
                  kind: workloadEndpoint
                  metadata: {name: eth0, workload: fe, orchestrator: k8s, node: n1, labels: {role: frontend}}
                  spec: {interfaceName: cali2, ipNetworks: ['10.0.0.2/32', 'fd00::2/128'], profiles: [profile1]}
                - apiVersion: v1
                  kind: hostEndpoint
                  metadata: {name: eth0, node: n1, labels: {role: host}}
                  spec: {interfaceName: eth0, expectedIPs: [192.168.0.1]}
                """);
        Map<EndpointKey, Endpoint> model = new HashMap<>();
        for (Resource r : endpoints) {
            Endpoint e = switch (r) {
                case ocelot.control.resource.WorkloadEndpoint w -> ResourceTranslation.endpoint(w);
                case ocelot.control.resource.HostEndpoint h -> ResourceTranslation.endpoint(h);
                default -> throw new AssertionError(r);
            };
            model.put(e.key(), e);
        }
        EndpointKey db = EndpointKey.workload("n1", "k8s/db/eth0");
        assertEquals(List.of(IpAddress.parse("10.0.0.1")), model.get(db).addresses());
        assertEquals(List.of(IpAddress.parse("192.168.0.1")), model.get(EndpointKey.host("n1", "eth0")).addresses());
        PolicyEvaluator evaluator = new PolicyEvaluator(model, Map.of(policy.name(), policy), Map.of(profile.id(), profile));
        IpAddress dbIp = IpAddress.parse("10.0.0.1");
        IpAddress feIp = IpAddress.parse("10.0.0.2");
        assertEquals(Verdict.ALLOW, evaluator.decide(db, Direction.INGRESS, new Packet(feIp, dbIp, 6, 5000, 6379, 0, 0)));
        assertEquals(Verdict.DENY, evaluator.decide(db, Direction.INGRESS, new Packet(feIp, dbIp, 6, 5000, 6380, 0, 0)));
        // The policy applies to db's egress as well (Calico 2.1), where its `egress: - action: allow` lets it out.
        assertEquals(Set.of(Direction.INGRESS, Direction.EGRESS), policy.types());
        assertEquals(Verdict.ALLOW, evaluator.decide(db, Direction.EGRESS, new Packet(dbIp, feIp, 6, 5000, 443, 0, 0)));
        // The frontend only has the profile: it allows sources with the inherited label profile == 'profile1'.
        EndpointKey fe = EndpointKey.workload("n1", "k8s/fe/eth0");
        assertEquals(Verdict.ALLOW, evaluator.decide(fe, Direction.INGRESS, new Packet(dbIp, feIp, 6, 5000, 80, 0, 0)));
        assertEquals(Verdict.DENY, evaluator.decide(fe, Direction.INGRESS,
                new Packet(IpAddress.parse("10.0.20.5"), feIp, 6, 5000, 80, 0, 0)));
    }

    @Test
    void tagsBecomeLabelsAndSelectors() {
        ocelot.control.resource.Profile p = (ocelot.control.resource.Profile) read("""
                apiVersion: v1
                kind: profile
                metadata: {name: p, tags: [blue]}
                spec:
                  ingress:
                  - action: allow
                    source: {tag: blue, notTag: red}
                """).getFirst();
        Profile profile = ResourceTranslation.profile(p);
        assertEquals(Map.of("blue", ""), profile.labels());
        assertEquals("has(blue)", profile.ingress().getFirst().source().selector().toString());
        assertEquals("has(red)", profile.ingress().getFirst().source().notSelector().toString());
    }

    @Test
    void unsupportedPolicyKindsAreRefusedByName() {
        ocelot.control.resource.Policy p = new ocelot.control.resource.Policy("untracked", null, "all()", List.of(), List.of(), true, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResourceTranslation.policy(p));
        assertTrue(e.getMessage().contains("policy untracked"), e.getMessage());
    }
}
