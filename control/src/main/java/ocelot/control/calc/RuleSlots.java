package ocelot.control.calc;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import ocelot.control.policy.Direction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node-wide hit-counter slots for compiled rules: every (policy or profile, direction, rule
 * index) gets its own acl rule id, the fastpath's counter slot, so a hit names its rule
 * (Felix's per-rule counters). The same rule in several shared stages keeps one slot: they are
 * the same rule, and its count is the sum over the endpoints it applies to. The catch-all deny
 * after a policies stage ("no policy allowed") has one slot per direction.
 *
 * <p>Slots are never reused while the node runs: a counter is monotonic, and a reused slot
 * would carry the old rule's hits into the new one's series. A rule keeps its slot while its
 * policy exists; a removed policy's slots are retired (their series disappear). Should fresh
 * slots run out, further rules share the last slot, counted unnamed, with a warning. Writes
 * come from the one thread applying calc updates; {@link #labels} may be read by any thread.
 */
public final class RuleSlots {
    private static final Logger LOG = LoggerFactory.getLogger(RuleSlots.class);

    /** What a slot counts. {@code rule} is the index in the policy's rules of that direction; -1 for the catch-all deny. */
    public record Label(Kind kind, String name, Direction direction, int rule) {
    }

    public enum Kind { POLICY, PROFILE, NO_POLICY_ALLOWED }

    private final int capacity;
    private final Map<Label, Integer> slots = new HashMap<>();
    private volatile Map<Integer, Label> published = Map.of();
    private boolean changed;
    private int next;
    private boolean warned;

    /** @param capacity the fastpath's rule counter capacity (ids 0..capacity-1 are counted) */
    public RuleSlots(int capacity) {
        if (capacity < 2) throw new IllegalArgumentException("rule counter capacity must be at least 2, got " + capacity);
        this.capacity = capacity;
    }

    /** The slot of rule {@code index} of policy (or profile) {@code name} in {@code direction}. */
    int slot(boolean policy, String name, Direction direction, int index) {
        return slot(new Label(policy ? Kind.POLICY : Kind.PROFILE, name, direction, index));
    }

    /** The slot of a policies stage's catch-all deny in {@code direction}. */
    int noPolicyAllowed(Direction direction) {
        return slot(new Label(Kind.NO_POLICY_ALLOWED, "", direction, -1));
    }

    private int slot(Label label) {
        Integer s = slots.get(label);
        if (s != null) return s;
        if (next == capacity - 1) {
            if (!warned) {
                LOG.warn("all {} rule counter slots used: hits of further rules are counted unnamed until the node restarts", capacity - 1);
                warned = true;
            }
            return capacity - 1;
        }
        slots.put(label, next);
        changed = true;
        return next++;
    }

    /** Retires the slots of a policy (or profile) gone, or of its rules beyond {@code keep} per direction. */
    void retire(boolean policy, String name, CompiledRules keep) {
        Kind kind = policy ? Kind.POLICY : Kind.PROFILE;
        changed |= slots.keySet().removeIf(l -> l.kind() == kind && l.name().equals(name)
                && (keep == null || l.rule() >= keep.rules(l.direction()).size()));
    }

    /** Retires every policy and profile slot whose name is not in {@code policies} / {@code profiles} (after a rebuild). */
    public void retainOnly(Set<String> policies, Set<String> profiles) {
        changed |= slots.keySet().removeIf(l -> l.kind() == Kind.POLICY && !policies.contains(l.name())
                || l.kind() == Kind.PROFILE && !profiles.contains(l.name()));
        publish();
    }

    /** Makes the slots allocated so far visible to {@link #labels} (after a batch of updates). */
    void publish() {
        if (!changed) return;
        Map<Integer, Label> out = new HashMap<>();
        slots.forEach((label, slot) -> out.put(slot, label));
        published = Map.copyOf(out);
        changed = false;
    }

    /** Slot to what it counts, as of the last applied batch (any thread). */
    public Map<Integer, Label> labels() {
        return published;
    }
}
