package ocelot.acl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TupleMergeClassifierTest extends ClassifierContract {
    @Override
    Classifier create(List<Rule> rules, IpSetTable sets) {
        return new TupleMergeClassifier(rules, sets);
    }

    /**
     * Buckets must tile each table's rows after any sequence of updates. Found a real bug: a
     * bucket emptied by a removal kept a stale start that later landed inside another bucket.
     */
    @Test
    void tablesStayConsistentThroughUpdates() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int seed = 0; seed < 10; seed++) {
            RandomRules g = new RandomRules(2000 + seed);
            List<Rule> model = new ArrayList<>(g.rules(40));
            TupleMergeClassifier c = new TupleMergeClassifier(model);
            HeaderBatch b = new HeaderBatch(64);
            for (int step = 0; step < 300; step++) {
                if (model.isEmpty() || rnd.nextInt(2) == 0) {
                    int at = rnd.nextInt(model.size() + 1);
                    Rule r = g.rule(step);
                    model.add(at, r);
                    c.add(at, r);
                } else {
                    int at = rnd.nextInt(model.size());
                    model.remove(at);
                    c.remove(at);
                }
                c.checkInvariants();
                if (step % 10 == 0) {
                    g.headers(b, 64, model);
                    int[] want = new int[64], got = new int[64];
                    new LinearClassifier(model).classify(b, 64, want);
                    c.classify(b, 64, got);
                    assertArrayEquals(want, got, "seed " + seed + " step " + step);
                }
            }
        }
    }

    /**
     * Every tuning the builder may choose is exact on its own, through updates (the choice only
     * changes speed), and the choice is a pure function of the rules: same rules, same tuning.
     */
    @Test
    void everyTuningIsExactAndTheChoiceIsDeterministic() {
        SplittableRandom rnd = new SplittableRandom(23);
        for (TupleMergeClassifier.Tuning tuning : TupleMergeClassifier.TUNINGS) {
            RandomRules g = new RandomRules(3000 + tuning.relaxStep() + tuning.collisionLimit());
            List<Rule> model = new ArrayList<>(g.rules(300));
            TupleMergeClassifier c = new TupleMergeClassifier(model, null, List.of(tuning));
            assertEquals(tuning, c.tuning());
            HeaderBatch b = new HeaderBatch(64);
            for (int step = 0; step < 200; step++) {
                if (rnd.nextInt(2) == 0) {
                    int at = rnd.nextInt(model.size() + 1);
                    Rule r = g.rule(step);
                    model.add(at, r);
                    c.add(at, r);
                } else {
                    int at = rnd.nextInt(model.size());
                    model.remove(at);
                    c.remove(at);
                }
                g.headers(b, 64, model);
                int[] want = new int[64], got = new int[64];
                new LinearClassifier(model).classify(b, 64, want);
                c.classify(b, 64, got);
                assertArrayEquals(want, got, tuning + " step " + step);
            }
            c.checkInvariants();
        }
        List<Rule> rules = ClassBenchExpectations.load("acl4_1000").rules();
        TupleMergeClassifier.Tuning first = new TupleMergeClassifier(rules).tuning();
        assertEquals(first, new TupleMergeClassifier(rules).tuning());
        assertTrue(TupleMergeClassifier.TUNINGS.contains(first));
    }
}
