package ocelot.control.dataplane;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import ocelot.control.calc.ResourceTranslation;
import ocelot.control.policy.EndpointKey;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.WorkloadEndpoint;
import ocelot.fastpath.state.Ip6;

/**
 * This node's workload endpoints and which of them the dataplane admits. An endpoint is left
 * out, named with its reason, when it cannot be forwarded to: no interface name, no usable MAC,
 * no address, the node's own port, or an address or interface another endpoint already holds
 * (the endpoint admitted first keeps it, so a newcomer cannot take traffic from a running
 * workload; between two new ones the lower key wins; a refused one gets in once the holder
 * goes). Incremental: only changed endpoints (and refused ones) are looked at again, so one
 * change among 10k endpoints costs one endpoint's work. Driver thread only.
 */
final class LocalEndpoints {
    /** An admitted endpoint as the fastpath needs it. {@code name} is the fastpath endpoint name. */
    record Admitted(String key, EndpointKey policyKey, String name, String port, long mac, List<Integer> v4, List<Ip6> v6) {}

    private final String node;
    /** The node's own ports (uplink, host TAP): never a workload's interface. */
    private final Set<String> reserved;
    private final Map<String, WorkloadEndpoint> all = new HashMap<>();
    private final Map<String, Admitted> admitted = new LinkedHashMap<>();
    /** Interface ("if:NAME") and address claims of admitted endpoints -> their key. */
    private final Map<String, String> claims = new HashMap<>();
    private final Set<String> refused = new TreeSet<>();
    private final Set<String> dirty = new TreeSet<>();

    LocalEndpoints(String node, Set<String> reserved) {
        this.node = node;
        this.reserved = reserved;
    }

    boolean isLocal(WorkloadEndpoint w) {
        return node.equals(w.node());
    }

    void put(String key, WorkloadEndpoint w) {
        all.put(key, w);
        dirty.add(key);
    }

    void remove(String key) {
        all.remove(key);
        dirty.add(key);
    }

    Map<String, Admitted> admitted() {
        return admitted;
    }

    /** Decides admission for what changed; returns the keys whose admitted entry changed (in, out or replaced). */
    Set<String> admit(ResourceProblems problems) {
        Set<String> changed = new LinkedHashSet<>();
        if (dirty.isEmpty()) return changed;
        for (String key : dirty) {
            Admitted old = admitted.remove(key);
            if (old != null) {
                release(old);
                changed.add(key);
            }
        }
        List<String> order = new ArrayList<>(dirty);
        for (String key : refused) if (!dirty.contains(key)) order.add(key);
        dirty.clear();
        for (String key : order) {
            WorkloadEndpoint w = all.get(key);
            if (w == null) {
                refused.remove(key);
                continue;
            }
            try {
                Admitted a = lower(key, w);
                if (reserved.contains(a.port())) throw new IllegalArgumentException("interface " + a.port() + " is the node's own port, not a workload's");
                List<String> wanted = claimsOf(a);
                for (String claim : wanted) {
                    String holder = claims.get(claim);
                    if (holder != null) {
                        throw new IllegalArgumentException((claim.startsWith("if:") ? "interface " + claim.substring(3) : "address " + claim)
                                + " already belongs to " + holder);
                    }
                }
                for (String claim : wanted) claims.put(claim, key);
                admitted.put(key, a);
                changed.add(key);
                if (refused.remove(key)) problems.clear(key);
            } catch (IllegalArgumentException e) {
                problems.report(key, e.getMessage());
                refused.add(key);
            }
        }
        return changed;
    }

    private void release(Admitted a) {
        for (String claim : claimsOf(a)) claims.remove(claim, a.key());
    }

    private static List<String> claimsOf(Admitted a) {
        List<String> out = new ArrayList<>();
        out.add("if:" + a.port());
        for (int v4 : a.v4()) out.add(ocelot.fastpath.packet.Ipv4.format(v4));
        for (Ip6 v6 : a.v6()) out.add(v6.toString());
        return out;
    }

    private static Admitted lower(String key, WorkloadEndpoint w) {
        if (w.interfaceName() == null || w.interfaceName().isBlank()) throw new IllegalArgumentException("spec.interfaceName missing");
        long mac = Addresses.mac(w.mac());
        List<Integer> v4 = new ArrayList<>();
        List<Ip6> v6 = new ArrayList<>();
        for (Cidr net : w.ipNetworks() == null ? List.<Cidr>of() : w.ipNetworks()) {
            if (net.version() == 4) v4.add(Addresses.v4(net.address()));
            else v6.add(Addresses.v6(net.address()));
        }
        if (v4.isEmpty() && v6.isEmpty()) throw new IllegalArgumentException("spec.ipNetworks: no address");
        EndpointKey policyKey = ResourceTranslation.endpoint(w).key();
        return new Admitted(key, policyKey, policyKey.name(), w.interfaceName(), mac, List.copyOf(v4), List.copyOf(v6));
    }
}
