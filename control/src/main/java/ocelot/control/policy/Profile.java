package ocelot.control.policy;

import java.util.List;
import java.util.Map;

/**
 * A Calico profile: rules for the endpoints that list it, evaluated after policies, and labels
 * those endpoints inherit (an endpoint's own labels win; among profiles the first listed wins,
 * as Felix's label inheritance index does).
 */
public record Profile(String id, List<Rule> ingress, List<Rule> egress, Map<String, String> labels) {
    public Profile {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("profile: id is required");
        }
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
        labels = Map.copyOf(labels);
    }

    public List<Rule> rules(Direction direction) {
        return direction == Direction.INGRESS ? ingress : egress;
    }
}
