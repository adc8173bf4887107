package ocelot.fastpath.state;

import java.util.List;

import ocelot.acl.Classifier;

/**
 * A local workload endpoint: the port it sits behind, its MAC, its IPv4 addresses and its
 * compiled policy. A null classifier means no policy applies in that direction (everything
 * allowed, as for a Calico profile that allows all); a classifier whose rules do not match a
 * new flow denies it (Calico's end-of-tier default deny). Only the first packet of a flow is
 * classified: connection tracking lets replies and related ICMP back in.
 *
 * The classifier rules' {@code userId}s are their hit-counter slots ({@link ocelot.fastpath.counter.CounterSet#ruleHits}).
 */
public record Endpoint(String name, String port, long mac, List<Integer> addresses,
                       Classifier ingress, Classifier egress) {
    public Endpoint {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("endpoint: name missing");
        if (port == null || port.isBlank()) throw new IllegalArgumentException("endpoint " + name + ": port missing");
        if ((mac >>> 48) != 0 || mac == 0) throw new IllegalArgumentException("endpoint " + name + ": MAC must be a non-zero 48-bit value");
        if (addresses == null || addresses.isEmpty()) throw new IllegalArgumentException("endpoint " + name + ": no addresses");
        addresses = List.copyOf(addresses);
    }
}
