package ocelot.fastpath.state;

import java.util.List;

import ocelot.acl.Classifier;

/**
 * Policy on the node's own traffic through a non-workload port (Calico's host endpoint on an
 * interface of the host): {@code ingress} classifies new flows arriving on {@code port} that are
 * delivered to the host (punted to the exception port), {@code egress} new flows from the host
 * (received on the exception port) that leave through {@code port}. Stages as for
 * {@link Endpoint}: the first matching rule of a stage decides with {@code ALLOW}/{@code DENY},
 * {@code PASS} or no match goes on, past the last stage the flow is denied; null or empty = no
 * policy that way. Allowed flows are tracked, so replies and related ICMP errors pass. IPv6
 * traffic is covered when the state has an {@link Ipv6Plane} (unicast to the node's address;
 * neighbour discovery and other link-local traffic is not classified). Forwarded traffic
 * (workloads to the fabric) is not host traffic and is not classified here, as in Calico 2.x.
 */
public record HostEndpointPolicy(String port, List<Classifier> ingress, List<Classifier> egress) {
    public HostEndpointPolicy {
        if (port == null || port.isBlank()) throw new IllegalArgumentException("host endpoint policy: port missing");
        ingress = stages(port, "ingress", ingress);
        egress = stages(port, "egress", egress);
    }

    private static List<Classifier> stages(String port, String direction, List<Classifier> stages) {
        if (stages == null || stages.isEmpty()) return null;
        for (Classifier c : stages) if (c == null) throw new IllegalArgumentException("host endpoint policy on " + port + ": " + direction + " stage missing");
        return List.copyOf(stages);
    }
}
