package ocelot.control.resource;

import java.util.List;
import java.util.Map;

/** {@code kind: workloadEndpoint}: a container or VM interface on a node. */
public record WorkloadEndpoint(String name, String workload, String orchestrator, String node,
                               Map<String, String> labels, String interfaceName, String mac,
                               List<Cidr> ipNetworks, List<IpNat> ipNats, List<String> profiles) implements Resource {
    /** A 1:1 NAT mapping (v1 {@code ipNATs}). */
    public record IpNat(IpAddress internalIp, IpAddress externalIp) {}

    @Override
    public Kind kind() {
        return Kind.WORKLOAD_ENDPOINT;
    }

    @Override
    public ResourceKey key() {
        return new ResourceKey(Kind.WORKLOAD_ENDPOINT, List.of("node", "orchestrator", "workload", "name"),
                List.of(node, orchestrator, workload, name));
    }
}
