package ocelot.control.calc;

import java.util.ArrayList;
import java.util.List;
import ocelot.acl.Classifier;
import ocelot.acl.ClassifierSnapshot;
import ocelot.acl.HeaderBatch;
import ocelot.control.policy.Direction;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.IpAddress;
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
 * {@code addresses}) or from it (egress: source is one of them), which is all the dataplane
 * gives them; {@link #decide} denies any other packet. The stages themselves are usually
 * shared with every endpoint whose inputs are the same (see {@link SharedClassifiers}).
 */
public record EndpointClassifier(List<Classifier> stages, Direction direction, List<IpAddress> addresses) {

    public EndpointClassifier {
        stages = List.copyOf(stages);
        addresses = List.copyOf(addresses);
    }

    /**
     * Builds the classifiers of a local endpoint from what a dataplane holds, sharing nothing;
     * their set conditions read {@code sets}, which must mirror {@code dataplane}'s IP sets.
     */
    public static EndpointClassifier compile(DataplaneModel dataplane, IpSets sets, EndpointKey key, Direction direction) {
        DataplaneUpdate.EndpointUpdate endpoint = dataplane.endpoint(key);
        if (endpoint == null) {
            throw new IllegalArgumentException("no local endpoint " + key);
        }
        List<Classifier> stages = new ArrayList<>();
        RuleSlots slots = new RuleSlots(1 << 24);
        for (StageKey stage : StageKey.of(dataplane, endpoint, direction, SharedClassifiers.scanNamedPorts(dataplane))) {
            stages.add(stage.build(dataplane, sets, slots));
        }
        return new EndpointClassifier(stages, direction, endpoint.addresses());
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
        IpAddress own = direction == Direction.INGRESS ? packet.dst() : packet.src();
        if (!addresses.contains(own)) {
            return Verdict.DENY; // not this endpoint's packet: the dataplane never hands it over
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
