package ocelot.bench.acl;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import ocelot.acl.Action;
import ocelot.acl.Classifier;
import ocelot.acl.HeaderBatch;
import ocelot.acl.IpSetTable;
import ocelot.acl.Rule;

/**
 * The classification {@link IpSetLookupAb} times, written against the API both builds share: a
 * control/-shaped stage (rules with source IP set conditions, as a lowered Calico policy has them)
 * over four 10k-member sets, classifying bursts of 64 new-flow headers, half of them members.
 * Loaded once per build, each in its own class loader.
 */
public final class IpSetLookupWork {
    private final Classifier classifier;
    private final HeaderBatch batch = new HeaderBatch(64);
    private final int[] out = new int[64];
    private final HeaderBatch[] bursts = new HeaderBatch[64];
    private long sink;

    public IpSetLookupWork() {
        IpSetTable sets = new IpSetTable();
        SplittableRandom rnd = new SplittableRandom(7);
        int[][] members = new int[4][10_000];
        for (int s = 0; s < 4; s++) {
            int id = sets.createSet();
            for (int m = 0; m < 10_000; m++) {
                members[s][m] = 0x0A000000 | rnd.nextInt(1 << 22);
                sets.addV4(id, members[s][m]);
            }
        }
        List<Rule> rules = new ArrayList<>();
        for (int r = 0; r < 16; r++) {
            rules.add(Rule.builder(r).protocol(17).dstPorts(1000 + r * 10, 1000 + r * 10 + 9).srcInSet(r % 4).action(Action.ALLOW).build());
        }
        rules.add(Rule.builder(16).protocol(17).srcNotInSet(0).action(Action.DENY).build());
        classifier = Classifier.compile(rules, sets);
        for (int b = 0; b < bursts.length; b++) {
            bursts[b] = new HeaderBatch(64);
            for (int i = 0; i < 64; i++) {
                int src = rnd.nextBoolean() ? members[rnd.nextInt(4)][rnd.nextInt(10_000)] : 0x0A000000 | rnd.nextInt(1 << 22);
                bursts[b].setV4(i, src, 0x0A410003, 40000 + i, 1000 + rnd.nextInt(170), 17);
            }
        }
    }

    /** Classifies bursts for about {@code seconds}; returns headers per second. */
    public double slice(double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long headers = 0;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            for (HeaderBatch b : bursts) {
                classifier.classify(b, 64, out);
                sink += out[0] + out[63];
                headers += 64;
            }
        }
        return headers / ((System.nanoTime() - start) / 1e9);
    }

    public long sink() {
        return sink;
    }
}
