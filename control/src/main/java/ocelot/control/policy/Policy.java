package ocelot.control.policy;

import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import ocelot.control.selector.Selector;

/**
 * A Calico (v1, untiered) policy.
 *
 * @param order null means "no order": Calico applies such policies after all ordered ones
 * @param types the directions the policy applies to. Null is Calico 2.1's rule (calicoctl 1.x,
 *              the version Ocelot's v1 resources follow): both directions, whatever rules it
 *              has, so an ingress-only policy denies the endpoint's egress (hence the manual's
 *              {@code egress: - action: allow}). Calico 2.6 added {@code types} and defaulted
 *              it from the rules present; Ocelot keeps 2.1's default and takes explicit types
 *              as an extension. A policy that applies in a direction and selects an endpoint
 *              makes unmatched traffic in that direction denied.
 */
public record Policy(String name, Double order, Selector selector, List<Rule> ingress, List<Rule> egress,
                     Set<Direction> types) {

    /** Calico's application order: ascending order (unset last), then name. */
    public static final Comparator<Policy> APPLICATION_ORDER = Comparator
            .comparing((Policy p) -> p.order == null ? Double.POSITIVE_INFINITY : p.order)
            .thenComparing(Policy::name);

    public Policy {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("policy: name is required");
        }
        if (order != null && order.isNaN()) {
            throw new IllegalArgumentException("policy " + name + ": order is NaN");
        }
        selector = selector == null ? Selector.all() : selector;
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
        if (types == null) {
            types = EnumSet.allOf(Direction.class);
        } else if (types.isEmpty()) {
            throw new IllegalArgumentException("policy " + name + ": types must name ingress, egress or both");
        }
        types = Set.copyOf(types);
    }

    public List<Rule> rules(Direction direction) {
        return direction == Direction.INGRESS ? ingress : egress;
    }

    public boolean appliesTo(Direction direction) {
        return types.contains(direction);
    }
}
