package ocelot.control.resource;

import java.math.BigDecimal;
import java.util.List;

/** {@code kind: policy}: ordered rules applied to the endpoints its selector matches. */
public record Policy(String name, BigDecimal order, String selector, List<Rule> ingress, List<Rule> egress,
                     Boolean doNotTrack, Boolean preDnat) implements Resource {
    @Override
    public Kind kind() {
        return Kind.POLICY;
    }

    @Override
    public ResourceKey key() {
        return new ResourceKey(Kind.POLICY, List.of("name"), List.of(name));
    }
}
