package ocelot.bench.lpm;

import java.util.concurrent.TimeUnit;
import ocelot.lpm.Ipv4Dir24RouteTable;
import ocelot.lpm.Ipv4RouteTable;
import ocelot.lpm.Ipv4Routes;
import ocelot.lpm.workload.Ipv4RouteSet;
import ocelot.lpm.workload.Ipv4RouteSetGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Single and burst-of-32 IPv4 lookups on a Calico-like table, 16-8-8 trie against DIR-24-8
 * in the same run (the comparison that chose the trie). Ops are lookups.
 *
 * <pre>java -jar bench/target/benchmarks.jar Ipv4LookupBenchmark -p routes=1000000</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-XX:+UseTransparentHugePages", "--add-modules", "jdk.incubator.vector"})
public class Ipv4LookupBenchmark {
    static final int BURST = 32;

    @Param({"100000", "1000000"})
    int routes;

    @Param({"trie", "dir24"})
    String table;

    Ipv4Routes lpm;
    int[] trace;
    int[] burst = new int[BURST];
    int[] hops = new int[BURST];
    int position;

    @Setup
    public void build() {
        Ipv4RouteSet set = Ipv4RouteSetGenerator.calico((int) (routes * 64L / 65), Ipv4SideBySide.SEED);
        lpm = table.equals("trie") ? new Ipv4RouteTable(set.maxNextHops()) : new Ipv4Dir24RouteTable(set.maxNextHops());
        set.insertInto(lpm);
        trace = Ipv4RouteSetGenerator.trace(set, Ipv4SideBySide.TRACE_ADDRESSES, Ipv4SideBySide.SEED + 1);
    }

    private void nextBurst() {
        System.arraycopy(trace, position, burst, 0, BURST);
        position = (position + BURST) & (trace.length - 1);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int single() {
        nextBurst();
        int sum = 0;
        for (int i = 0; i < BURST; i++) sum += lpm.lookup(burst[i]);
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int[] batch() {
        nextBurst();
        lpm.lookupBatch(burst, hops, BURST);
        return hops;
    }
}
