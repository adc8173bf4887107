package ocelot.acl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;

/**
 * TupleMerge (Daly and Torng, IEEE/ACM ToN 2019): rules, expanded into positive boxes by
 * {@link RuleCompiler}, are hashed into a few {@link TupleTable}s whose tuples are relaxed
 * (shorter than the boxes' own prefix lengths) so that similar rules share a table; a bucket
 * that would grow past the collision limit sends the box to a more specific table instead; the
 * relaxation step and the limit are chosen per rule set ({@link Tuning}).
 * A lookup probes tables in order of their best rule and stops once no table can beat the
 * match found (the batch goes table by table, so independent probes of a burst overlap).
 *
 * <p>Updates are incremental: a new rule lands in one table, a removal touches the tables that
 * hold its boxes. Each touched table is copied, changed and published with the rest of the new
 * snapshot (copy-on-write, one release store); untouched tables are shared between snapshots.
 * Rules are numbered internally by a stable slot; the snapshot maps slots to current indices,
 * so inserting at index 0 shifts every index without touching any table.
 *
 * <p>IP set conditions ({@link SetMatch}) are a post-check: they take no part in a rule's boxes
 * (its tuple keys see only its prefixes), its rows carry a flag, and a flagged candidate that
 * passes the 5-tuple fields is accepted only if its conditions hold in the {@link IpSetTable};
 * otherwise the bucket scan goes on in rule order, so the first match stays exact. Rules without
 * conditions pay one bit test on a hit.
 */
public final class TupleMergeClassifier implements Classifier {
    /**
     * How boxes are spread over tables: prefix lengths fall to a multiple of {@code relaxStep}
     * (tuple relaxation: neighbouring lengths share a table); with {@code hashPorts} a box whose
     * port or protocol is one value keeps it in its table's tuple (else tables hash addresses
     * only); a bucket that would grow past {@code collisionLimit} (TupleMerge's c) sends the box
     * to a table with its own exact tuple.
     */
    record Tuning(int relaxStep, int collisionLimit, boolean hashPorts) {
        @Override
        public String toString() {
            return "step " + relaxStep + ", c " + collisionLimit + (hashPorts ? ", ports hashed" : "");
        }
    }

    /**
     * The tunings {@link #replaceAll} builds and prices (see {@link #estimateCost}); it keeps the
     * cheapest. No one tuning suits every set: measured on one machine in one run (load ~16),
     * acl4_10000 classified 6.2 M/s with step 8 and 1.7 M/s with 16 (296 tables instead of 82),
     * ipc1_1000 10.5 M/s with 16 and 7.0 M/s with 8. Properties {@code ocelot.acl.relaxStep},
     * {@code ocelot.acl.collisionLimit} and {@code ocelot.acl.hashPorts} pin one tuning instead
     * (A/B runs).
     */
    static final List<Tuning> TUNINGS = System.getProperty("ocelot.acl.relaxStep") != null
            || System.getProperty("ocelot.acl.collisionLimit") != null || System.getProperty("ocelot.acl.hashPorts") != null
            ? List.of(new Tuning(Integer.getInteger("ocelot.acl.relaxStep", 16), Integer.getInteger("ocelot.acl.collisionLimit", 64),
                    Boolean.getBoolean("ocelot.acl.hashPorts")))
            : List.of(new Tuning(16, 64, false), new Tuning(8, 64, false), new Tuning(16, 128, false), new Tuning(8, 128, false),
                    new Tuning(16, 64, true), new Tuning(8, 64, true), new Tuning(16, 128, true), new Tuning(8, 128, true));

    /** Rule count from which {@link #replaceAll} prices every tuning (below: the first one). */
    static final int TUNE_FROM_RULES = 256;

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
    private int[][] setsOfSlot = new int[0][]; // encoded set conditions per slot, null for none
    private final IpSetTable sets;
    private final List<Tuning> tunings;
    private Tuning tuning;

    public TupleMergeClassifier(List<Rule> rules) {
        this(rules, null);
    }

    /** A classifier whose rules' set conditions read {@code sets} (null: rules may have none). */
    public TupleMergeClassifier(List<Rule> rules, IpSetTable sets) {
        this(rules, sets, TUNINGS);
    }

    /** A classifier that chooses among {@code tunings} only (tests pin one). */
    TupleMergeClassifier(List<Rule> rules, IpSetTable sets, List<Tuning> tunings) {
        if (tunings.isEmpty()) throw new IllegalArgumentException("no tuning to build with");
        this.sets = sets;
        this.tunings = List.copyOf(tunings);
        tuning = this.tunings.get(0);
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
    public synchronized void replaceAll(List<Rule> newRules) {
        for (int i = 0; i < newRules.size(); i++) {
            if (newRules.get(i) == null) throw new InvalidRuleException("rule " + i, "rule", "is null");
            newRules.get(i).checkSets(sets);
        }
        int n = newRules.size();
        int[] order = new int[n];
        int[] inverse = new int[n];
        int[][] conditions = new int[n][];
        for (int i = 0; i < n; i++) order[i] = inverse[i] = i;
        List<List<RuleCompiler.Box>> boxes4 = new ArrayList<>(n), boxes6 = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Rule r = newRules.get(i);
            conditions[i] = r.encodedSets();
            boxes4.add(RuleCompiler.expand(r, 4));
            boxes6.add(RuleCompiler.expand(r, 6));
        }
        // Build the IPv4 tables under each tuning and keep the cheapest for headers drawn from the
        // rules themselves; IPv6 follows the IPv4 choice (ClassBench has no IPv6 to price it on).
        // Small sets (control/'s per-endpoint stages: tens of rules, compiled by the thousand)
        // take the first tuning: pricing eight builds would cost more than it could save.
        List<Tuning> candidates = n < TUNE_FROM_RULES ? tunings.subList(0, 1) : tunings;
        long[] sample = candidates.size() == 1 ? new long[0] : sampleV4(boxes4, 4096);
        Tuning chosen = null;
        ArrayList<TupleTable> t4 = null;
        long bestCost = Long.MAX_VALUE;
        for (Tuning tu : candidates) {
            ArrayList<Draft> d4 = new ArrayList<>();
            for (int i = 0; i < n; i++) for (RuleCompiler.Box b : boxes4.get(i)) place(d4, 4, b, i, conditions[i] != null, tu);
            ArrayList<TupleTable> tables = finish(d4, inverse);
            long cost = candidates.size() == 1 ? 0 : estimateCost(tables, inverse, sample);
            if (cost < bestCost) {
                bestCost = cost;
                chosen = tu;
                t4 = tables;
            }
        }
        ArrayList<Draft> d6 = new ArrayList<>();
        for (int i = 0; i < n; i++) for (RuleCompiler.Box b : boxes6.get(i)) place(d6, 6, b, i, conditions[i] != null, chosen);
        ArrayList<TupleTable> t6 = finish(d6, inverse);
        tuning = chosen;
        rules = new ArrayList<>(newRules);
        slotAt = order;
        indexOfSlot = inverse;
        freeSlots = new int[0];
        freeCount = 0;
        v4 = t4;
        v6 = t6;
        setsOfSlot = conditions;
        publish();
    }

    @Override
    public synchronized void add(int index, Rule rule) {
        Objects.requireNonNull(rule, "rule");
        Objects.checkIndex(index, rules.size() + 1);
        rule.checkSets(sets);
        List<RuleCompiler.Box> b4 = RuleCompiler.expand(rule, 4), b6 = RuleCompiler.expand(rule, 6);
        int slot = freeCount > 0 ? freeSlots[freeCount - 1] : indexOfSlot.length;
        int n = rules.size();
        int[] order = new int[n + 1];
        System.arraycopy(slotAt, 0, order, 0, index);
        order[index] = slot;
        System.arraycopy(slotAt, index, order, index + 1, n - index);
        int[] inverse = Arrays.copyOf(indexOfSlot, Math.max(indexOfSlot.length, slot + 1));
        for (int i = index; i <= n; i++) inverse[order[i]] = i;
        int[][] conditions = Arrays.copyOf(setsOfSlot, inverse.length);
        conditions[slot] = rule.encodedSets();
        boolean flagged = conditions[slot] != null;
        ArrayList<TupleTable> t4 = v4, t6 = v6;
        if (!b4.isEmpty()) t4 = finish(placeAll(v4, 4, b4, slot, flagged, tuning), inverse);
        if (!b6.isEmpty()) t6 = finish(placeAll(v6, 6, b6, slot, flagged, tuning), inverse);
        // Nothing above changed writer state: commit it all at once.
        if (freeCount > 0) freeCount--;
        v4 = t4;
        v6 = t6;
        rules.add(index, rule);
        slotAt = order;
        indexOfSlot = inverse;
        setsOfSlot = conditions;
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
        v4 = without(v4, slot, inverse);
        v6 = without(v6, slot, inverse);
        if (setsOfSlot[slot] != null) {
            setsOfSlot = setsOfSlot.clone(); // the published snapshot keeps its own
            setsOfSlot[slot] = null;
        }
        Rule removed = rules.remove(index);
        slotAt = order;
        indexOfSlot = inverse;
        if (freeCount == freeSlots.length) freeSlots = Arrays.copyOf(freeSlots, Math.max(8, freeCount * 2));
        freeSlots[freeCount++] = slot; // safe to reuse: old snapshots keep their own indexOfSlot and tables
        publish();
        return removed;
    }

    private static ArrayList<TupleTable> without(ArrayList<TupleTable> tables, int slot, int[] inverse) {
        ArrayList<TupleTable> out = new ArrayList<>(tables.size());
        for (TupleTable t : tables) {
            TupleTable kept = t.holds(slot) ? t.without(slot, inverse) : t;
            if (kept != null) out.add(kept);
        }
        return out;
    }

    private static ArrayList<Draft> placeAll(ArrayList<TupleTable> tables, int family, List<RuleCompiler.Box> boxes, int slot,
                                             boolean flagged, Tuning tuning) {
        ArrayList<Draft> drafts = new ArrayList<>(tables.size() + 1);
        for (TupleTable t : tables) drafts.add(new Draft(t));
        for (RuleCompiler.Box b : boxes) place(drafts, family, b, slot, flagged, tuning);
        return drafts;
    }

    private static ArrayList<TupleTable> finish(ArrayList<Draft> drafts, int[] inverse) {
        ArrayList<TupleTable> out = new ArrayList<>(drafts.size());
        for (Draft d : drafts) out.add(d.finish(inverse));
        return out;
    }

    /** Puts one box into the first table that admits it without overflowing a bucket, else a new one. */
    private static void place(ArrayList<Draft> drafts, int family, RuleCompiler.Box b, int slot, boolean flagged, Tuning tuning) {
        long[] row = TupleTable.row(family, b, slot, flagged);
        int[] natural = TupleTable.naturalTuple(family, b);
        for (Draft d : drafts) {
            if (TupleTable.admits(d.tuple, natural) && d.bucketSize(row) < tuning.collisionLimit()) {
                d.add(row);
                return;
            }
        }
        int step = tuning.relaxStep();
        boolean ports = tuning.hashPorts();
        int[] relaxed = {natural[0] - natural[0] % step, natural[1] - natural[1] % step, ports && natural[2] == 16 ? 16 : 0,
            ports && natural[3] == 16 ? 16 : 0, ports && natural[4] == 8 ? 8 : 0};
        // If the relaxed table exists it is full for this key: use the box's own tuple.
        int[] tuple = find(drafts, relaxed) != null ? natural : relaxed;
        Draft d = find(drafts, tuple);
        if (d == null) {
            d = new Draft(family, tuple);
            drafts.add(d);
        }
        d.add(row);
    }

    private static Draft find(ArrayList<Draft> drafts, int[] tuple) {
        for (Draft d : drafts) if (Arrays.equals(d.tuple, tuple)) return d;
        return null;
    }

    /** The tuning the current tables were built with (tests). */
    synchronized Tuning tuning() {
        return tuning;
    }

    /**
     * Up to {@code count} IPv4 headers, each a random point of a random rule's box (what
     * ClassBench's trace generator does), from a fixed seed: the same rules always price the same.
     * Packed as {@code [sd, sport << 32 | dport << 8 | proto]} pairs.
     */
    static long[] sampleV4(List<List<RuleCompiler.Box>> boxes, int count) {
        ArrayList<RuleCompiler.Box> all = new ArrayList<>();
        for (List<RuleCompiler.Box> l : boxes) if (!l.isEmpty()) all.add(l.get(0));
        if (all.isEmpty()) return new long[0];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(all.size());
        long[] out = new long[2 * count];
        for (int i = 0; i < count; i++) {
            RuleCompiler.Box b = all.get(rnd.nextInt(all.size()));
            long src = b.src().hi() | (rnd.nextLong() & ~Prefix.maskHi(b.src().length()));
            long dst = b.dst().hi() | (rnd.nextLong() & ~Prefix.maskHi(b.dst().length()));
            int sp = b.srcPortLow() + rnd.nextInt(b.srcPortHigh() - b.srcPortLow() + 1);
            int dp = b.dstPortLow() + rnd.nextInt(b.dstPortHigh() - b.dstPortLow() + 1);
            int p = b.protocolLow() + rnd.nextInt(b.protocolHigh() - b.protocolLow() + 1);
            out[2 * i] = (src & 0xFFFF_FFFF_0000_0000L) | (dst >>> 32);
            out[2 * i + 1] = (long) sp << 32 | (long) dp << 8 | p;
        }
        return out;
    }

    /**
     * Estimated lookup cost of {@code tables} on {@code sample}, in rough nanoseconds: the lookup
     * replayed in bursts of 64 with the same early exits, counting what {@link TupleTable#classifyV4}
     * pays: a call per table visited, a hash and filter test per probe (the open headers only),
     * an index probe per filter hit, a verify per bucket row read, weighted 8 (per burst) : 5 :
     * 5 : 2.5. Fitted by hand to classify rates of acl1_1000 and fw3_1000 with ports hashed and
     * not (under load 18): with weights 1 : 3 : 4 : 2 it hashed ports on acl1_1000, which then ran
     * 0.77x as fast. Only the ranking of tunings matters.
     */
    static long estimateCost(List<TupleTable> tables, int[] indexOfSlot, long[] sample) {
        TupleTable[] t = tables.toArray(TupleTable[]::new);
        Arrays.sort(t, (x, y) -> Integer.compare(indexOfSlot[x.bestSlot], indexOfSlot[y.bestSlot]));
        int headers = sample.length / 2;
        int[] best = new int[64];
        int[] work = new int[3]; // filter hits, index steps, rows read
        long visits = 0, probes = 0;
        for (int start = 0; start < headers; start += 64) {
            int m = Math.min(64, headers - start);
            Arrays.fill(best, 0, m, Integer.MAX_VALUE);
            for (TupleTable table : t) {
                int tableBest = indexOfSlot[table.bestSlot];
                int worst = 0;
                for (int i = 0; i < m; i++) worst = Math.max(worst, best[i]);
                if (tableBest >= worst) break;
                visits++;
                for (int i = 0; i < m; i++) {
                    if (best[i] <= tableBest) continue;
                    probes++;
                    long sd = sample[2 * (start + i)], ppr = sample[2 * (start + i) + 1];
                    best[i] = table.replayV4(sd, (int) (ppr >>> 32), (int) ppr >>> 8 & 0xFFFF, (int) ppr & 0xFF, best[i], indexOfSlot, work);
                }
            }
        }
        return visits * 16 + probes * 10 + work[0] * 10L + work[1] * 2L + work[2] * 5L;
    }

    /** A table being filled: a fresh one, or a published one plus rows still to add. */
    private static final class Draft {
        final int family;
        final int[] tuple;
        final TupleTable frozen;
        long[] rows = new long[0];
        int count;
        final HashMap<Long, Integer> pending = new HashMap<>();

        Draft(TupleTable t) {
            family = t.family;
            tuple = t.tuple();
            frozen = t;
        }

        Draft(int family, int[] tuple) {
            this.family = family;
            this.tuple = tuple;
            frozen = null;
        }

        int bucketSize(long[] row) {
            long key = TupleTable.keyOfRow(family, tuple, row, 0);
            return (frozen == null ? 0 : frozen.bucketSize(key)) + pending.getOrDefault(key, 0);
        }

        void add(long[] row) {
            int stride = row.length;
            if ((count + 1) * stride > rows.length) rows = Arrays.copyOf(rows, Math.max(64, rows.length * 2));
            System.arraycopy(row, 0, rows, count * stride, stride);
            count++;
            pending.merge(TupleTable.keyOfRow(family, tuple, row, 0), 1, Integer::sum);
        }

        TupleTable finish(int[] inverse) {
            if (count == 0) return frozen;
            if (frozen == null) return TupleTable.build(family, tuple, rows, count, inverse);
            TupleTable t = frozen;
            int stride = TupleTable.stride(family);
            for (int r = 0; r < count; r++) t = t.with(Arrays.copyOfRange(rows, r * stride, (r + 1) * stride), inverse);
            return t;
        }
    }

    private void publish() {
        Snapshot next = new Snapshot(rules.toArray(Rule[]::new), indexOfSlot, ordered(v4), ordered(v6), setsOfSlot, sets);
        // Release: the tables, arrays and rules of `next` are complete before a reader sees it.
        CURRENT.setRelease(this, next);
    }

    private TupleTable[] ordered(ArrayList<TupleTable> tables) {
        TupleTable[] a = tables.toArray(TupleTable[]::new);
        int[] inv = indexOfSlot;
        Arrays.sort(a, (x, y) -> Integer.compare(inv[x.bestSlot], inv[y.bestSlot]));
        return a;
    }

    /** Structural self-check of every table (tests). */
    synchronized void checkInvariants() {
        for (TupleTable t : v4) t.checkInvariants(indexOfSlot);
        for (TupleTable t : v6) t.checkInvariants(indexOfSlot);
    }

    private static final class Snapshot implements ClassifierSnapshot {
        private final Rule[] rules;
        private final int[] indexOfSlot;
        private final TupleTable[] v4, v6;
        private final int[] v4Best, v6Best;
        private final int[][] setsOfSlot;
        private final IpSetTable sets;

        Snapshot(Rule[] rules, int[] indexOfSlot, TupleTable[] v4, TupleTable[] v6, int[][] setsOfSlot, IpSetTable sets) {
            this.rules = rules;
            this.setsOfSlot = setsOfSlot;
            this.sets = sets;
            this.indexOfSlot = indexOfSlot;
            this.v4 = v4;
            this.v6 = v6;
            v4Best = new int[v4.length];
            v6Best = new int[v6.length];
            for (int t = 0; t < v4.length; t++) v4Best[t] = indexOfSlot[v4[t].bestSlot];
            for (int t = 0; t < v6.length; t++) v6Best[t] = indexOfSlot[v6[t].bestSlot];
        }

        @Override
        public void classify(HeaderBatch b, int n, int[] out, long setGeneration) {
            Classifier.checkBatch(b, n, out);
            Arrays.fill(out, 0, n, Integer.MAX_VALUE);
            // Tables come in order of their best rule: once a header has a match better than the
            // next table's best rule, no later table can change it. Each table pass keeps in
            // `active` (the batch's scratch) only the headers still open for the next table.
            int[] active = b.active;
            int open = 0;
            for (int i = 0; i < n; i++) if (b.ipVersion[i] == 4) active[open++] = i;
            for (int t = 0; t < v4.length && open > 0; t++) {
                open = v4[t].classifyV4(b, active, open, out, t + 1 < v4.length ? v4Best[t + 1] : Integer.MAX_VALUE, indexOfSlot, setsOfSlot, sets, setGeneration);
            }
            open = 0;
            for (int i = 0; i < n; i++) if (b.ipVersion[i] == 6) active[open++] = i;
            for (int t = 0; t < v6.length && open > 0; t++) {
                open = v6[t].classifyV6(b, active, open, out, t + 1 < v6.length ? v6Best[t + 1] : Integer.MAX_VALUE, indexOfSlot, setsOfSlot, sets, setGeneration);
            }
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
            long bytes = 4L * indexOfSlot.length + 8L * (v4.length + v6.length) + 4L * setsOfSlot.length;
            for (int[] c : setsOfSlot) if (c != null) bytes += 16 + 4L * c.length;
            for (TupleTable t : v4) bytes += t.memoryBytes();
            for (TupleTable t : v6) bytes += t.memoryBytes();
            return bytes;
        }
    }
}
