package ocelot.fastpath.state;

import java.util.List;

import ocelot.acl.Classifier;

/**
 * A local workload endpoint: the port it sits behind, its MAC, its IPv4 addresses (empty for an
 * IPv6-only endpoint, whose addresses are in {@link Ipv6Plane#endpointAddresses}) and its
 * compiled policy per direction as a list of stages (control's policies stage, then one stage
 * per profile, as Felix chains {@code cali-pi-*} then {@code cali-pri-*}). A new flow walks the
 * stages: the first matching rule of a stage decides with {@code ALLOW} or {@code DENY};
 * {@code PASS} or no match goes on to the next stage; past the last stage the flow is denied
 * (Calico's default deny). A null or empty list means no policy applies that way (everything
 * allowed). Only the first packet of a flow is classified: connection tracking lets replies and
 * related ICMP back in.
 *
 * The classifier rules' {@code userId}s are their hit-counter slots ({@link ocelot.fastpath.counter.CounterSet#ruleHits}).
 */
public record Endpoint(String name, String port, long mac, List<Integer> addresses,
                       List<Classifier> ingress, List<Classifier> egress) {
    public Endpoint {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("endpoint: name missing");
        if (port == null || port.isBlank()) throw new IllegalArgumentException("endpoint " + name + ": port missing");
        if ((mac >>> 48) != 0 || mac == 0) throw new IllegalArgumentException("endpoint " + name + ": MAC must be a non-zero 48-bit value");
        if (addresses == null) throw new IllegalArgumentException("endpoint " + name + ": addresses missing");
        addresses = List.copyOf(addresses);
        ingress = stages(name, "ingress", ingress);
        egress = stages(name, "egress", egress);
    }

    /** One classifier per direction (null: no policy that way); a flow no rule matches is denied. */
    public Endpoint(String name, String port, long mac, List<Integer> addresses, Classifier ingress, Classifier egress) {
        this(name, port, mac, addresses, ingress == null ? null : List.of(ingress), egress == null ? null : List.of(egress));
    }

    private static List<Classifier> stages(String name, String direction, List<Classifier> stages) {
        if (stages == null || stages.isEmpty()) return null;
        for (Classifier c : stages) if (c == null) throw new IllegalArgumentException("endpoint " + name + ": " + direction + " stage missing");
        return List.copyOf(stages);
    }
}
