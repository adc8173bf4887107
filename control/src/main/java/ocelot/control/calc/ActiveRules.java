package ocelot.control.calc;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Policies (or profiles) that some local endpoint uses, with their compiled rules (Felix's
 * {@code ActiveRulesCalculator}). Activation compiles once and references the rules' IP sets;
 * a recompile of an active entry swaps references new-before-old so shared sets stay put.
 */
final class ActiveRules {
    private final IpSetCalculator ipSets;
    private final Map<String, Integer> users = new HashMap<>();
    private final Map<String, CompiledRules> active = new HashMap<>();
    private final Map<String, CompiledRules> applied = new HashMap<>();
    private final Set<String> dirty = new HashSet<>();

    ActiveRules(IpSetCalculator ipSets) {
        this.ipSets = ipSets;
    }

    void ref(String name, Supplier<CompiledRules> compile) {
        if (users.merge(name, 1, Integer::sum) == 1) {
            CompiledRules rules = compile.get();
            active.put(name, rules);
            rules.ipSets().forEach(ipSets::ref);
            dirty.add(name);
        }
    }

    void unref(String name) {
        int left = users.merge(name, -1, Integer::sum);
        if (left == 0) {
            users.remove(name);
            active.remove(name).ipSets().forEach(ipSets::unref);
            dirty.add(name);
        }
    }

    /** The definition changed; only matters while active. */
    void recompile(String name, CompiledRules rules) {
        CompiledRules old = active.get(name);
        if (old == null || old.equals(rules)) {
            return;
        }
        active.put(name, rules);
        rules.ipSets().forEach(ipSets::ref);
        old.ipSets().forEach(ipSets::unref);
        dirty.add(name);
    }

    int activeCount() {
        return active.size();
    }

    void emitUpdates(List<DataplaneUpdate> out, BiFunction<String, CompiledRules, DataplaneUpdate> update) {
        for (String name : dirty) {
            CompiledRules rules = active.get(name);
            if (rules != null && !rules.equals(applied.get(name))) {
                applied.put(name, rules);
                out.add(update.apply(name, rules));
            }
        }
    }

    void emitRemoves(List<DataplaneUpdate> out, Function<String, DataplaneUpdate> remove) {
        for (String name : dirty) {
            if (!active.containsKey(name) && applied.remove(name) != null) {
                out.add(remove.apply(name));
            }
        }
        dirty.clear();
    }
}
