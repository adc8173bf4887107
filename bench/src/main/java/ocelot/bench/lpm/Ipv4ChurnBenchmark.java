package ocelot.bench.lpm;

import java.util.concurrent.TimeUnit;
import ocelot.lpm.Ipv4RouteTable;
import ocelot.lpm.workload.Ipv4RouteSet;
import ocelot.lpm.workload.Ipv4RouteSetGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * Endpoint churn while lookups run: one writer thread deletes and re-adds /32 endpoints of a
 * Calico-like table (workloads going and coming) while one reader thread looks up bursts of
 * 32. JMH reports both threads' rates in one group; the writer's is updates/s (one delete or
 * one add each), the reader's lookups/s.
 *
 * <pre>java -jar bench/target/benchmarks.jar Ipv4ChurnBenchmark</pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-XX:+UseTransparentHugePages", "--add-modules", "jdk.incubator.vector"})
public class Ipv4ChurnBenchmark {
    @Param({"1000000"})
    int routes;

    Ipv4RouteTable table;
    Ipv4RouteSet set;
    int[] endpoints;
    int cursor;
    int[] trace;

    @Setup
    public void build() {
        set = Ipv4RouteSetGenerator.calico((int) (routes * 64L / 65), Ipv4SideBySide.SEED);
        table = new Ipv4RouteTable(set.maxNextHops());
        set.insertInto(table);
        int n = 0;
        for (int i = 0; i < set.size(); i++) if (set.length(i) == 32) n++;
        endpoints = new int[n];
        n = 0;
        for (int i = 0; i < set.size(); i++) if (set.length(i) == 32) endpoints[n++] = i;
        trace = Ipv4RouteSetGenerator.trace(set, Ipv4SideBySide.TRACE_ADDRESSES, Ipv4SideBySide.SEED + 1);
    }

    @State(Scope.Thread)
    public static class ReaderState {
        int[] burst = new int[Ipv4LookupBenchmark.BURST];
        int[] hops = new int[Ipv4LookupBenchmark.BURST];
        int position;
    }

    @Benchmark
    @Group("churn")
    @GroupThreads(1)
    @OperationsPerInvocation(Ipv4LookupBenchmark.BURST) // 16 deletes + 16 adds: JMH wants one count per group
    public int writer() {
        int deleted = 0;
        for (int k = 0; k < Ipv4LookupBenchmark.BURST / 2; k++) {
            int i = endpoints[cursor];
            cursor = cursor + 1 == endpoints.length ? 0 : cursor + 1;
            if (table.delete(set.prefix(i), 32)) deleted++;
            table.insert(set.prefix(i), 32, set.nextHop(i));
        }
        return deleted;
    }

    @Benchmark
    @Group("churn")
    @GroupThreads(1)
    @OperationsPerInvocation(Ipv4LookupBenchmark.BURST)
    public int[] reader(ReaderState s) {
        System.arraycopy(trace, s.position, s.burst, 0, s.burst.length);
        s.position = (s.position + s.burst.length) & (trace.length - 1);
        table.lookupBatch(s.burst, s.hops, s.burst.length);
        return s.hops;
    }
}
