package ocelot.control.policy;

import java.util.List;
import java.util.Map;

/**
 * A workload endpoint (its interface's IPv4/IPv6 addresses) or a host endpoint (its
 * {@code expectedIPs}); both are policed the same way.
 */
public record Endpoint(EndpointKey key, Map<String, String> labels, List<IpAddress> addresses,
                       List<EndpointPort> ports, List<String> profileIds) {
    public Endpoint {
        labels = Map.copyOf(labels);
        addresses = List.copyOf(addresses);
        ports = List.copyOf(ports);
        profileIds = List.copyOf(profileIds);
    }

    /** Labels after inheritance from profiles ({@link Profile}); missing profiles add nothing. */
    public Map<String, String> effectiveLabels(java.util.function.Function<String, Profile> profiles) {
        Map<String, String> merged = null;
        for (int i = profileIds.size() - 1; i >= 0; i--) {
            Profile p = profiles.apply(profileIds.get(i));
            if (p != null && !p.labels().isEmpty()) {
                if (merged == null) {
                    merged = new java.util.HashMap<>();
                }
                merged.putAll(p.labels()); // walking backwards: the first profile is applied last and wins
            }
        }
        if (merged == null) {
            return labels;
        }
        merged.putAll(labels);
        return merged;
    }
}
