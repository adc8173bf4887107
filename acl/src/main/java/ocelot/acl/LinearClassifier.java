package ocelot.acl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The reference: a linear first-match scan over the rules, evaluating each field (negations
 * included) directly. Obviously correct and O(rules) per header; the compiled classifiers are
 * tested against it.
 */
public final class LinearClassifier implements Classifier {
    private static final VarHandle CURRENT;

    static {
        try {
            CURRENT = MethodHandles.lookup().findVarHandle(LinearClassifier.class, "current", Snapshot.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through CURRENT
    private Snapshot current;
    private final IpSetTable sets;

    public LinearClassifier(List<Rule> rules) {
        this(rules, null);
    }

    /** A classifier whose rules' set conditions read {@code sets} (null: rules may have none). */
    public LinearClassifier(List<Rule> rules, IpSetTable sets) {
        this.sets = sets;
        replaceAll(rules);
    }

    @Override
    public IpSetTable ipSets() {
        return sets;
    }

    @Override
    public ClassifierSnapshot snapshot() {
        return (Snapshot) CURRENT.getAcquire(this);
    }

    @Override
    public void add(int index, Rule rule) {
        Objects.requireNonNull(rule, "rule");
        rule.checkSets(sets);
        List<Rule> next = new ArrayList<>(snapshot().rules());
        Objects.checkIndex(index, next.size() + 1);
        next.add(index, rule);
        publish(next);
    }

    @Override
    public Rule remove(int index) {
        List<Rule> next = new ArrayList<>(snapshot().rules());
        Rule removed = next.remove(Objects.checkIndex(index, next.size()));
        publish(next);
        return removed;
    }

    @Override
    public void replaceAll(List<Rule> rules) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i) == null) throw new InvalidRuleException("rule " + i, "rule", "is null");
            rules.get(i).checkSets(sets);
        }
        publish(rules);
    }

    private void publish(List<Rule> rules) {
        // Release: the rule array is complete before a reader can see the snapshot.
        CURRENT.setRelease(this, new Snapshot(rules.toArray(Rule[]::new), sets));
    }

    private record Snapshot(Rule[] table, IpSetTable sets) implements ClassifierSnapshot {
        @Override
        public void classify(HeaderBatch b, int n, int[] out, long setGeneration) {
            Classifier.checkBatch(b, n, out);
            for (int i = 0; i < n; i++) {
                int found = NO_MATCH;
                boolean v4 = b.ipVersion[i] == 4;
                boolean known = v4 || b.ipVersion[i] == 6;
                for (int r = 0; known && r < table.length; r++) {
                    Rule rule = table[r];
                    boolean m = v4
                            ? rule.matchesV4(sets, setGeneration, b.srcV4[i], b.dstV4[i], b.srcPort[i], b.dstPort[i], b.protocol[i])
                            : rule.matchesV6(sets, setGeneration, b.srcV6Hi[i], b.srcV6Lo[i], b.dstV6Hi[i], b.dstV6Lo[i], b.srcPort[i], b.dstPort[i], b.protocol[i]);
                    if (m) {
                        found = r;
                        break;
                    }
                }
                out[i] = found;
            }
        }

        @Override
        public int size() {
            return table.length;
        }

        @Override
        public Rule rule(int index) {
            return table[index];
        }

        @Override
        public List<Rule> rules() {
            return List.of(table);
        }

        @Override
        public long memoryBytes() {
            return 16L + 4L * table.length;
        }
    }
}
