package ocelot.bench;

import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Eal;
import ocelot.dpdk.IoForwarder;
import ocelot.dpdk.Mempool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Packets/s of the bare FFM rx -> tx loop on net_null ports: the ceiling for fastpath/. */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class IoForwardBenchmark {
    static final int PACKETS = 32 * 1024;

    @Param({"32", "64"})
    int burst;

    Mempool pool;
    DpdkPort src;
    DpdkPort dst;
    IoForwarder fwd;

    @Setup(Level.Trial)
    public void setUp() {
        Eal.initInMemory(512);
        Eal.registerThread();
        pool = Mempool.create("bench_io_pool_" + burst, 8191, 256, Mempool.DEFAULT_DATA_ROOM);
        src = DpdkPort.createVdev("net_null_bsrc" + burst, "size=64", pool, DpdkPort.Config.defaults());
        dst = DpdkPort.createVdev("net_null_bdst" + burst, "no-rx=1", pool, DpdkPort.Config.defaults());
        fwd = new IoForwarder(src, dst, burst);
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long forward() {
        return fwd.forward(PACKETS, Long.MAX_VALUE);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fwd.close();
        src.close();
        dst.close();
        pool.close();
    }
}
