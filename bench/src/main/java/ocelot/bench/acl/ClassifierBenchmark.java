package ocelot.bench.acl;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ocelot.acl.ClassBenchReader;
import ocelot.acl.Classifier;
import ocelot.acl.HeaderBatch;
import ocelot.acl.Rule;
import ocelot.acl.TupleMergeClassifier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * TupleMerge classify (bursts of 64 from the ClassBench trace) and single-rule update, on the
 * ClassBench sets. The rte_acl comparison is bench/acl/side-by-side.sh; this is for profiling
 * ({@code -prof gc}, {@code -prof perfasm}) and tuning. Data: -Docelot.classbench.dir (default
 * ../data/classbench (the repository's copy of ../shared/data/classbench) relative to the working directory).
 * <pre>java -jar bench/target/benchmarks.jar ClassifierBenchmark -p set=acl1_10000</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class ClassifierBenchmark {
    private static final int BURST = 64;

    @Param({"acl1_10000", "fw1_10000", "ipc1_10000"})
    public String set;

    private Classifier classifier;
    private List<Rule> rules;
    private HeaderBatch[] bursts;
    private final int[] out = new int[BURST];
    private int next;
    private int updateAt;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Path dir = Path.of(System.getProperty("ocelot.classbench.dir", "../data/classbench"));
        rules = ClassBenchReader.readRules(dir.resolve(set));
        ClassBenchReader.Trace trace = ClassBenchReader.readTrace(dir.resolve(set + "_trace"));
        classifier = new TupleMergeClassifier(rules);
        bursts = new HeaderBatch[trace.count() / BURST];
        for (int b = 0; b < bursts.length; b++) {
            bursts[b] = new HeaderBatch(BURST);
            for (int j = 0; j < BURST; j++) bursts[b].copy(j, trace.headers(), b * BURST + j);
        }
    }

    /** Classifications per second (one invocation = one burst of 64). */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public int classify() {
        HeaderBatch b = bursts[next];
        next = next + 1 == bursts.length ? 0 : next + 1;
        classifier.classify(b, BURST, out);
        return out[BURST - 1];
    }

    /** Single-rule updates per second (one invocation = remove one rule and insert it back = 2 updates). */
    @Benchmark
    @OperationsPerInvocation(2)
    public int removeAndReinsert() {
        int k = updateAt;
        updateAt = (updateAt + 97) % rules.size();
        Rule r = classifier.remove(k);
        classifier.add(k, r);
        return classifier.size();
    }
}
