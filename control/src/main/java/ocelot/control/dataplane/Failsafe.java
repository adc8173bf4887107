package ocelot.control.dataplane;

import java.util.ArrayList;
import java.util.List;
import ocelot.acl.Action;
import ocelot.acl.Classifier;
import ocelot.acl.Rule;

/**
 * Calico's failsafe ports (Felix's {@code FailsafeInboundHostPorts} / {@code FailsafeOutboundHostPorts}
 * defaults): the host's traffic that a host endpoint policy can never cut, so a bad policy cannot
 * lock the operator out or take BGP and etcd down. Inbound TCP 22 (SSH), 179 (BGP), 2379/2380
 * (etcd), 6666/6667 (etcd with self-hosted TLS) and UDP 68 (DHCP client); outbound TCP 179, 2379,
 * 2380, 6666, 6667 and UDP 53 (DNS), 67 (DHCP server). They are the first stage of the host
 * endpoint's classifiers, before its policies and profiles.
 */
final class Failsafe {
    static final int[] INBOUND_TCP = {22, 179, 2379, 2380, 6666, 6667};
    static final int[] INBOUND_UDP = {68};
    static final int[] OUTBOUND_TCP = {179, 2379, 2380, 6666, 6667};
    static final int[] OUTBOUND_UDP = {53, 67};
    /** Hit counters are not kept for these (a negative user id is not counted). */
    private static final int NO_COUNTER = -1;

    static final Classifier INBOUND = stage(INBOUND_TCP, INBOUND_UDP);
    static final Classifier OUTBOUND = stage(OUTBOUND_TCP, OUTBOUND_UDP);

    private Failsafe() {
    }

    private static Classifier stage(int[] tcp, int[] udp) {
        List<Rule> rules = new ArrayList<>();
        for (int port : tcp) rules.add(Rule.builder(NO_COUNTER).action(Action.ALLOW).protocol(6).dstPorts(port, port).build());
        for (int port : udp) rules.add(Rule.builder(NO_COUNTER).action(Action.ALLOW).protocol(17).dstPorts(port, port).build());
        return Classifier.compile(rules);
    }
}
