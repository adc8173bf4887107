package ocelot.control.resource;

import java.math.BigDecimal;
import java.util.List;

/**
 * {@code kind: policy}: ordered rules applied to the endpoints its selector matches.
 *
 * @param types {@code spec.types}, Ocelot's extension from Calico 2.6 ({@code ingress},
 *              {@code egress}): the directions the policy applies in. Null (absent) is Calico
 *              2.1's rule: both directions.
 */
public record Policy(String name, BigDecimal order, String selector, List<Rule> ingress, List<Rule> egress,
                     Boolean doNotTrack, Boolean preDnat, List<String> types) implements Resource {
    public static final List<String> DIRECTIONS = List.of("ingress", "egress");

    /** A policy without {@code types}: it applies in both directions. */
    public Policy(String name, BigDecimal order, String selector, List<Rule> ingress, List<Rule> egress,
                  Boolean doNotTrack, Boolean preDnat) {
        this(name, order, selector, ingress, egress, doNotTrack, preDnat, null);
    }

    @Override
    public Kind kind() {
        return Kind.POLICY;
    }

    @Override
    public ResourceKey key() {
        return new ResourceKey(Kind.POLICY, List.of("name"), List.of(name));
    }
}
