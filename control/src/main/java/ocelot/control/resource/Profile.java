package ocelot.control.resource;

import java.util.List;
import java.util.Map;

/** {@code kind: profile}: rules, tags and labels shared by the endpoints that name it. */
public record Profile(String name, List<String> tags, Map<String, String> labels, List<Rule> ingress,
                      List<Rule> egress) implements Resource {
    @Override
    public Kind kind() {
        return Kind.PROFILE;
    }

    @Override
    public ResourceKey key() {
        return new ResourceKey(Kind.PROFILE, List.of("name"), List.of(name));
    }
}
