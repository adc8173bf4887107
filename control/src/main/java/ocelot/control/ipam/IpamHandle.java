package ocelot.control.ipam;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A handle (Calico's {@code IPAMHandle}): who holds addresses, and how many in each block, so
 * {@code releaseByHandle} and {@code ipam check} need not scan every block. Attributes name the
 * owner, e.g. {@code node} and {@code workloadEndpoint} (NODE/ORCHESTRATOR/WORKLOAD/NAME).
 */
public record IpamHandle(String handleId, Map<String, Integer> blocks, Map<String, String> attributes) {
    public static final String WORKLOAD_ENDPOINT = "workloadEndpoint";

    public IpamHandle {
        blocks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(blocks));
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public int total() {
        return blocks.values().stream().mapToInt(Integer::intValue).sum();
    }

    public IpamHandle plus(String block, int delta) {
        Map<String, Integer> next = new LinkedHashMap<>(blocks);
        int n = next.getOrDefault(block, 0) + delta;
        if (n <= 0) next.remove(block);
        else next.put(block, n);
        return new IpamHandle(handleId, next, attributes);
    }
}
