package ocelot.control.calc;

import java.util.ArrayList;
import java.util.List;
import ocelot.acl.Classifier;
import ocelot.acl.ClassifierSnapshot;
import ocelot.acl.HeaderBatch;
import ocelot.control.policy.Direction;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.Packet;
import ocelot.control.policy.Protocol;
import ocelot.control.policy.Verdict;

/**
 * One endpoint's policy for one direction as acl/ classifiers, run as stages: the policies
 * stage (its policies' rules in order, then a catch-all deny, present only when some policy
 * applies), then one stage per profile. In a stage the first match decides: {@code allow} or
 * {@code deny} end the walk, {@code pass} (or no match) goes on to the next stage; after the
 * last stage the packet is denied. That is Calico's evaluation order (see
 * {@link ocelot.control.policy.PolicyEvaluator}) with {@code pass} as a jump and {@code log}
 * dropped, since it never decides.
 *
 * <p>The classifiers are for packets to the endpoint (ingress: destination is one of its
 * addresses) or from it (egress: source is one of them), which is all the dataplane gives them;
 * the endpoint's side of every rule is cut down to its own addresses, so other packets are
 * denied.
 */
public record EndpointClassifier(List<Classifier> stages) {

    public EndpointClassifier {
        stages = List.copyOf(stages);
    }

    /** Builds the classifiers of a local endpoint from what a dataplane holds. */
    public static EndpointClassifier compile(DataplaneModel dataplane, EndpointKey key, Direction direction) {
        DataplaneUpdate.EndpointUpdate endpoint = dataplane.endpoint(key);
        if (endpoint == null) {
            throw new IllegalArgumentException("no local endpoint " + key);
        }
        List<Classifier> stages = new ArrayList<>();
        List<String> policies = direction == Direction.INGRESS ? endpoint.ingressPolicies() : endpoint.egressPolicies();
        if (!policies.isEmpty()) {
            List<ocelot.acl.Rule> rules = new ArrayList<>();
            int base = 0;
            for (String name : policies) {
                List<CompiledRule> compiled = dataplane.policy(name).rules(direction);
                AclLowering.lower(compiled, dataplane::ipSet, base, endpoint.addresses(), direction == Direction.INGRESS, rules);
                base += compiled.size();
            }
            // Felix: "drop if no policies passed packet".
            rules.add(ocelot.acl.Rule.builder(base).action(ocelot.acl.Action.DENY).build());
            stages.add(Classifier.compile(rules));
        }
        for (String id : endpoint.profiles()) {
            List<ocelot.acl.Rule> rules = new ArrayList<>();
            AclLowering.lower(dataplane.profile(id).rules(direction), dataplane::ipSet, 0, endpoint.addresses(),
                    direction == Direction.INGRESS, rules);
            stages.add(Classifier.compile(rules));
        }
        return new EndpointClassifier(stages);
    }

    /**
     * Classifies one packet through the stages (a test and diagnostic path; fastpath classifies
     * whole bursts per stage). ICMP type and code travel in the port fields.
     */
    public Verdict decide(Packet packet) {
        HeaderBatch batch = new HeaderBatch(1);
        boolean icmp = packet.protocol() == Protocol.ICMP.number() || packet.protocol() == Protocol.ICMPV6.number();
        int sport = icmp ? packet.icmpType() : packet.srcPort();
        int dport = icmp ? packet.icmpCode() : packet.dstPort();
        if (packet.src().v6()) {
            batch.setV6(0, packet.src().hi(), packet.src().lo(), packet.dst().hi(), packet.dst().lo(), sport, dport, packet.protocol());
        } else {
            batch.setV4(0, (int) packet.src().lo(), (int) packet.dst().lo(), sport, dport, packet.protocol());
        }
        int[] out = new int[1];
        for (Classifier stage : stages) {
            ClassifierSnapshot snapshot = stage.snapshot();
            snapshot.classify(batch, 1, out);
            if (out[0] == Classifier.NO_MATCH) {
                continue;
            }
            switch (snapshot.rule(out[0]).action()) {
                case ALLOW: return Verdict.ALLOW;
                case DENY: return Verdict.DENY;
                default: break; // PASS: on to the next stage (LOG never reaches a classifier)
            }
        }
        return Verdict.DENY; // Felix: "drop if no profiles matched"
    }
}
