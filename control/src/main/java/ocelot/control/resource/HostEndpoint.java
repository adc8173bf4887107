package ocelot.control.resource;

import java.util.List;
import java.util.Map;

/** {@code kind: hostEndpoint}: a host interface that policy applies to. */
public record HostEndpoint(String name, String node, Map<String, String> labels, String interfaceName,
                           List<IpAddress> expectedIps, List<String> profiles) implements Resource {
    @Override
    public Kind kind() {
        return Kind.HOST_ENDPOINT;
    }

    @Override
    public ResourceKey key() {
        return new ResourceKey(Kind.HOST_ENDPOINT, List.of("node", "name"), List.of(node, name));
    }
}
