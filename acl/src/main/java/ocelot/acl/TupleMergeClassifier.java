package ocelot.acl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * TupleMerge (Daly and Torng, IEEE/ACM ToN 2019): rules, expanded into positive boxes by
 * {@link RuleCompiler}, are hashed into a few {@link TupleTable}s whose tuples are relaxed
 * (shorter than the boxes' own prefix lengths) so that similar rules share a table; a bucket
 * that would grow past {@link #COLLISION_LIMIT} sends the box to a more specific table instead.
 * A lookup probes tables in order of their best rule and stops once no table can beat the
 * match found (the batch goes table by table, so independent probes of a burst overlap).
 *
 * <p>Updates are incremental: a new rule lands in one table, a removal touches the tables that
 * hold its boxes. Each touched table is copied, changed and published with the rest of the new
 * snapshot (copy-on-write, one release store); untouched tables are shared between snapshots.
 * Rules are numbered internally by a stable slot; the snapshot maps slots to current indices,
 * so inserting at index 0 shifts every index without touching any table.
 */
public final class TupleMergeClassifier implements Classifier {
    /** Bucket size above which a box goes to a more specific table (TupleMerge's c). */
    static final int COLLISION_LIMIT = 8;

    private static final VarHandle CURRENT;

    static {
        try {
            CURRENT = MethodHandles.lookup().findVarHandle(TupleMergeClassifier.class, "current", Snapshot.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through CURRENT
    private Snapshot current;

    // Writer state: touched only by the (single) updating thread.
    private ArrayList<Rule> rules = new ArrayList<>();
    private int[] slotAt = new int[0];        // slot of the rule at each index
    private int[] indexOfSlot = new int[0];   // inverse of slotAt; MAX_VALUE for a free slot
    private int[] freeSlots = new int[0];
    private int freeCount;
    private ArrayList<TupleTable> v4 = new ArrayList<>();
    private ArrayList<TupleTable> v6 = new ArrayList<>();

    public TupleMergeClassifier(List<Rule> rules) {
        replaceAll(rules);
    }

    @Override
    public ClassifierSnapshot snapshot() {
        return (Snapshot) CURRENT.getAcquire(this);
    }

    @Override
    public synchronized void replaceAll(List<Rule> newRules) {
        for (int i = 0; i < newRules.size(); i++) {
            if (newRules.get(i) == null) throw new InvalidRuleException("rule " + i, "rule", "is null");
        }
        int n = newRules.size();
        int[] order = new int[n];
        int[] inverse = new int[n];
        for (int i = 0; i < n; i++) order[i] = inverse[i] = i;
        ArrayList<TupleTable> t4 = new ArrayList<>(), t6 = new ArrayList<>();
        Set<TupleTable> fresh = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < n; i++) {
            Rule r = newRules.get(i);
            for (RuleCompiler.Box b : RuleCompiler.expand(r, 4)) place(t4, 4, b, i, inverse, fresh);
            for (RuleCompiler.Box b : RuleCompiler.expand(r, 6)) place(t6, 6, b, i, inverse, fresh);
        }
        rules = new ArrayList<>(newRules);
        slotAt = order;
        indexOfSlot = inverse;
        freeSlots = new int[0];
        freeCount = 0;
        v4 = t4;
        v6 = t6;
        publish();
    }

    @Override
    public synchronized void add(int index, Rule rule) {
        Objects.requireNonNull(rule, "rule");
        Objects.checkIndex(index, rules.size() + 1);
        List<RuleCompiler.Box> b4 = RuleCompiler.expand(rule, 4), b6 = RuleCompiler.expand(rule, 6);
        int slot = freeCount > 0 ? freeSlots[--freeCount] : indexOfSlot.length;
        int n = rules.size();
        int[] order = new int[n + 1];
        System.arraycopy(slotAt, 0, order, 0, index);
        order[index] = slot;
        System.arraycopy(slotAt, index, order, index + 1, n - index);
        int[] inverse = Arrays.copyOf(indexOfSlot, Math.max(indexOfSlot.length, slot + 1));
        for (int i = index; i <= n; i++) inverse[order[i]] = i;
        Set<TupleTable> fresh = Collections.newSetFromMap(new IdentityHashMap<>());
        for (RuleCompiler.Box b : b4) place(v4, 4, b, slot, inverse, fresh);
        for (RuleCompiler.Box b : b6) place(v6, 6, b, slot, inverse, fresh);
        rules.add(index, rule);
        slotAt = order;
        indexOfSlot = inverse;
        publish();
    }

    @Override
    public synchronized Rule remove(int index) {
        Objects.checkIndex(index, rules.size());
        int slot = slotAt[index];
        int n = rules.size();
        int[] order = new int[n - 1];
        System.arraycopy(slotAt, 0, order, 0, index);
        System.arraycopy(slotAt, index + 1, order, index, n - 1 - index);
        int[] inverse = indexOfSlot.clone();
        inverse[slot] = Integer.MAX_VALUE;
        for (int i = index; i < n - 1; i++) inverse[order[i]] = i;
        removeSlot(v4, slot, inverse);
        removeSlot(v6, slot, inverse);
        Rule removed = rules.remove(index);
        slotAt = order;
        indexOfSlot = inverse;
        if (freeCount == freeSlots.length) freeSlots = Arrays.copyOf(freeSlots, Math.max(8, freeCount * 2));
        freeSlots[freeCount++] = slot; // safe to reuse: old snapshots keep their own indexOfSlot and tables
        publish();
        return removed;
    }

    private static void removeSlot(ArrayList<TupleTable> tables, int slot, int[] inverse) {
        for (int t = tables.size() - 1; t >= 0; t--) {
            TupleTable table = tables.get(t);
            if (!table.holds(slot)) continue;
            TupleTable copy = table.copy();
            copy.removeSlot(slot, inverse);
            if (copy.count == 0) tables.remove(t);
            else tables.set(t, copy);
        }
    }

    /** Puts one box into the first table that admits it without overflowing a bucket, else a new one. */
    private static void place(ArrayList<TupleTable> tables, int family, RuleCompiler.Box b, int slot, int[] inverse, Set<TupleTable> fresh) {
        int cap = family == 4 ? 32 : 64;
        int s = Math.min(b.src().length(), cap), d = Math.min(b.dst().length(), cap);
        int sp = 16 - bitLength(b.srcPortLow() ^ b.srcPortHigh());
        int dp = 16 - bitLength(b.dstPortLow() ^ b.dstPortHigh());
        int p = 8 - bitLength(b.protocolLow() ^ b.protocolHigh());
        int target = -1;
        for (int t = 0; t < tables.size() && target < 0; t++) {
            TupleTable table = tables.get(t);
            if (table.admits(s, d, sp, dp, p) && table.bucketSize(table.keyOfBox(b)) < COLLISION_LIMIT) target = t;
        }
        if (target < 0) {
            int rs = relax(s), rd = relax(d), rsp = RELAX_PORTS ? 0 : sp == 16 ? 16 : 0, rdp = RELAX_PORTS ? 0 : dp == 16 ? 16 : 0, rp = RELAX_PORTS ? 0 : p;
            target = indexOf(tables, rs, rd, rsp, rdp, rp);
            if (target >= 0) target = indexOf(tables, s, d, sp, dp, p); // relaxed table is full here
            else {
                s = rs; d = rd; sp = rsp; dp = rdp; p = rp;
            }
            if (target < 0) {
                TupleTable created = new TupleTable(family, s, d, sp, dp, p);
                fresh.add(created);
                tables.add(created);
                target = tables.size() - 1;
            }
        }
        TupleTable table = tables.get(target);
        if (!fresh.contains(table)) {
            table = table.copy();
            fresh.add(table);
            tables.set(target, table);
        }
        table.insert(b, slot, inverse);
    }

    /** Tuple relaxation: prefix lengths fall to a multiple of 8 so neighbouring lengths share a table. */
    static final boolean RELAX_PORTS = !Boolean.getBoolean("ocelot.acl.keepPortTuples");
    static final int RELAX_STEP = Integer.getInteger("ocelot.acl.relaxStep", 8);

    private static int relax(int length) {
        return length - length % RELAX_STEP;
    }

    private static int indexOf(ArrayList<TupleTable> tables, int s, int d, int sp, int dp, int p) {
        for (int t = 0; t < tables.size(); t++) if (tables.get(t).sameTuple(s, d, sp, dp, p)) return t;
        return -1;
    }

    private static int bitLength(int x) {
        return 32 - Integer.numberOfLeadingZeros(x);
    }

    private void publish() {
        Snapshot next = new Snapshot(rules.toArray(Rule[]::new), indexOfSlot, ordered(v4), ordered(v6));
        // Release: the tables, arrays and rules of `next` are complete before a reader sees it.
        CURRENT.setRelease(this, next);
    }

    private TupleTable[] ordered(ArrayList<TupleTable> tables) {
        TupleTable[] a = tables.toArray(TupleTable[]::new);
        int[] inv = indexOfSlot;
        Arrays.sort(a, (x, y) -> Integer.compare(inv[x.bestSlot], inv[y.bestSlot]));
        return a;
    }

    /** Tables currently in use (IPv4, IPv6), for measurements. */
    int[] tableCounts() {
        Snapshot s = (Snapshot) snapshot();
        return new int[] {s.v4.length, s.v6.length};
    }

    private static final class Snapshot implements ClassifierSnapshot {
        private final Rule[] rules;
        private final int[] indexOfSlot;
        private final TupleTable[] v4, v6;
        private final int[] v4Best, v6Best;

        Snapshot(Rule[] rules, int[] indexOfSlot, TupleTable[] v4, TupleTable[] v6) {
            this.rules = rules;
            this.indexOfSlot = indexOfSlot;
            this.v4 = v4;
            this.v6 = v6;
            v4Best = new int[v4.length];
            v6Best = new int[v6.length];
            for (int t = 0; t < v4.length; t++) v4Best[t] = indexOfSlot[v4[t].bestSlot];
            for (int t = 0; t < v6.length; t++) v6Best[t] = indexOfSlot[v6[t].bestSlot];
        }

        @Override
        public void classify(HeaderBatch b, int n, int[] out) {
            Classifier.checkBatch(b, n, out);
            Arrays.fill(out, 0, n, Integer.MAX_VALUE);
            for (int t = 0; t < v4.length; t++) v4[t].classifyV4(b, n, out, v4Best[t], indexOfSlot);
            for (int t = 0; t < v6.length; t++) v6[t].classifyV6(b, n, out, v6Best[t], indexOfSlot);
            for (int i = 0; i < n; i++) if (out[i] == Integer.MAX_VALUE) out[i] = NO_MATCH;
        }

        @Override
        public int size() {
            return rules.length;
        }

        @Override
        public Rule rule(int index) {
            return rules[index];
        }

        @Override
        public List<Rule> rules() {
            return List.of(rules);
        }

        @Override
        public long memoryBytes() {
            long bytes = 4L * indexOfSlot.length + 8L * (v4.length + v6.length);
            for (TupleTable t : v4) bytes += t.memoryBytes();
            for (TupleTable t : v6) bytes += t.memoryBytes();
            return bytes;
        }
    }
}
