package ocelot.control.dataplane;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ocelot.control.calc.ResourceTranslation;
import ocelot.control.policy.EndpointKey;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.WorkloadEndpoint;
import ocelot.fastpath.state.Ip6;

/**
 * This node's workload endpoints and which of them the dataplane admits. An endpoint is left
 * out, named with its reason, when it cannot be forwarded to: no interface name, no usable MAC,
 * no address, or an address or interface another endpoint already holds (the endpoint admitted
 * first keeps it, so a newcomer cannot take traffic from a running workload; between two new
 * ones the lower key wins). Driver thread only.
 */
final class LocalEndpoints {
    /** An admitted endpoint as the fastpath needs it. {@code name} is the fastpath endpoint name. */
    record Admitted(String key, EndpointKey policyKey, String name, String port, long mac, List<Integer> v4, List<Ip6> v6) {}

    private final String node;
    private final Map<String, WorkloadEndpoint> all = new TreeMap<>();
    private Map<String, Admitted> admitted = new LinkedHashMap<>();
    /** Keys this class reported, so it clears only its own reports (a damaged record's stays). */
    private java.util.Set<String> refused = new java.util.HashSet<>();

    /** The node's own ports (uplink, host TAP): never a workload's interface. */
    private final java.util.Set<String> reserved;

    LocalEndpoints(String node, java.util.Set<String> reserved) {
        this.node = node;
        this.reserved = reserved;
    }

    boolean isLocal(WorkloadEndpoint w) {
        return node.equals(w.node());
    }

    void put(String key, WorkloadEndpoint w) {
        all.put(key, w);
    }

    void remove(String key) {
        all.remove(key);
    }

    Map<String, Admitted> admitted() {
        return admitted;
    }

    /** Decides admission again; problems are reported (and cleared) for every local endpoint key. */
    void admit(ResourceProblems problems) {
        Map<String, Admitted> next = new LinkedHashMap<>();
        Map<Object, String> claims = new HashMap<>();
        java.util.Set<String> nowRefused = new java.util.HashSet<>();
        List<String> order = new ArrayList<>();
        for (String key : admitted.keySet()) if (all.containsKey(key)) order.add(key);
        for (String key : all.keySet()) if (!admitted.containsKey(key)) order.add(key);
        for (String key : order) {
            WorkloadEndpoint w = all.get(key);
            try {
                Admitted a = lower(key, w);
                if (reserved.contains(a.port())) throw new IllegalArgumentException("interface " + a.port() + " is the node's own port, not a workload's");
                String holder = claims.get("if:" + a.port());
                if (holder != null) throw new IllegalArgumentException("interface " + a.port() + " already belongs to " + holder);
                for (Object address : addresses(a)) {
                    holder = claims.get(address);
                    if (holder != null) throw new IllegalArgumentException("address " + address + " already belongs to " + holder);
                }
                claims.put("if:" + a.port(), key);
                for (Object address : addresses(a)) claims.put(address, key);
                next.put(key, a);
            } catch (IllegalArgumentException e) {
                problems.report(key, e.getMessage());
                nowRefused.add(key);
            }
        }
        for (String key : refused) if (!nowRefused.contains(key)) problems.clear(key);
        refused = nowRefused;
        admitted = next;
    }

    private static List<Object> addresses(Admitted a) {
        List<Object> out = new ArrayList<>();
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
