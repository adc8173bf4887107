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
 * (workloads to the fabric) is not host traffic and is not classified by {@code ingress}/{@code egress},
 * as in Calico 2.x.
 *
 * <p>{@code forwardIngress}/{@code forwardEgress} are the gateway case (a router's port, Calico
 * v3's {@code applyOnForward}): new forwarded flows arriving on {@code port} / leaving through it,
 * classified as above (null: forwarded traffic that way is not classified). Punted and host
 * traffic never meets them.
 */
public record HostEndpointPolicy(String port, List<Classifier> ingress, List<Classifier> egress, List<Classifier> forwardIngress,
                                 List<Classifier> forwardEgress) {
    public HostEndpointPolicy {
        if (port == null || port.isBlank()) throw new IllegalArgumentException("host endpoint policy: port missing");
        ingress = stages(port, "ingress", ingress);
        egress = stages(port, "egress", egress);
        forwardIngress = stages(port, "forward ingress", forwardIngress);
        forwardEgress = stages(port, "forward egress", forwardEgress);
    }

    /** Policy on the host's own traffic only (a node's uplink). */
    public HostEndpointPolicy(String port, List<Classifier> ingress, List<Classifier> egress) {
        this(port, ingress, egress, null, null);
    }

    private static List<Classifier> stages(String port, String direction, List<Classifier> stages) {
        if (stages == null || stages.isEmpty()) return null;
        for (Classifier c : stages) if (c == null) throw new IllegalArgumentException("host endpoint policy on " + port + ": " + direction + " stage missing");
        return List.copyOf(stages);
    }
}
