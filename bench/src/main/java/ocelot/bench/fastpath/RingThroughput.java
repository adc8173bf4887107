package ocelot.bench.fastpath;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Eal;
import ocelot.dpdk.Mempool;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.worker.Fastpath;

/**
 * The full pipeline and DPDK's io-forward loop (testpmd's io engine, in C) on the SAME two
 * net_ring ports with the SAME feeder, alternated in one process: a slice of one, a slice of
 * the other, {@code rounds} times; the rates are packets per CPU-second of the forwarding
 * (this) thread, and the result is the median of each side and their ratio.
 *
 * <p>The feeder (bench/fastpath/ring_feeder.c) runs on the other CPU and plays the NIC: it keeps
 * {@code inflight} prebuilt 64-byte frames (the same flows as {@link PipelineThroughput})
 * circulating, restoring each forwarded frame before putting it back on the rx ring. Polls that
 * found the rx ring empty are counted per side: each one is forwarding CPU time spent on no
 * packet, so a run where they are not near zero understates that side. The io loop only moves
 * pointers and outruns one feeder (measured: most of its polls find the ring empty), so its rate
 * is a lower bound and the ratio an upper bound; the pipeline's empty polls are a few percent
 * and their measured cost is taken out for its "busy" rate.
 *
 * <p>Usage: {@code RingThroughput LIB ROUNDS SLICE_SECONDS FLOWS ROUTES RULES INFLIGHT}
 */
public final class RingThroughput {
    private static final Linker LINKER = Linker.nativeLinker();

    public static void main(String[] args) throws Throwable {
        Path lib = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        double slice = Double.parseDouble(args[2]);
        int flows = Integer.parseInt(args[3]);
        int routes = Integer.parseInt(args[4]);
        int rules = Integer.parseInt(args[5]);
        int inflight = Integer.parseInt(args[6]);
        if (!Files.isRegularFile(lib)) throw new IllegalArgumentException("bench shim " + lib + " is not a file: build bench/fastpath/ring_feeder.c (run.sh does)");
        Eal.initInMemory(1024); // loads librte_eal first, so the shim below shares this EAL
        Eal.registerThread();
        SymbolLookup shim = SymbolLookup.libraryLookup(lib, Arena.global());
        MethodHandle create = handle(shim, "fp_ring_ports_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        MethodHandle portId = handle(shim, "fp_port_id", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        MethodHandle start = handle(shim, "fp_feeder_start", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        MethodHandle stats = handle(shim, "fp_feeder_stats", FunctionDescriptor.ofVoid(ADDRESS));
        MethodHandle stop = handle(shim, "fp_feeder_stop", FunctionDescriptor.ofVoid());
        MethodHandle pause = handle(shim, "fp_feeder_pause", FunctionDescriptor.ofVoid(JAVA_INT));
        MethodHandle io = handle(shim, "fp_io_forward", FunctionDescriptor.of(JAVA_LONG, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_LONG, ADDRESS));

        int ringSize = Integer.highestOneBit(inflight) * 4;
        try (Arena arena = Arena.ofConfined();
             Mempool pool = Mempool.create("bench_ring_pool", inflight + 4096, 256, Mempool.DEFAULT_DATA_ROOM)) {
            check("creating the ring ports", (int) create.invokeExact(arena.allocateFrom("fp0"), arena.allocateFrom("fp1"), ringSize)); // rte_eth_from_rings names them net_ring_fp0/1
            DpdkPort src = DpdkPort.open("net_ring_fp0", pool, DpdkPort.Config.defaults());
            DpdkPort sink = DpdkPort.open("net_ring_fp1", pool, DpdkPort.Config.defaults());
            if ((int) portId.invokeExact(0) != src.id() || (int) portId.invokeExact(1) != sink.id()) throw new IllegalStateException("ring port ids differ");
            byte[] frames = PipelineThroughput.frames(flows);
            MemorySegment templates = arena.allocate(frames.length);
            MemorySegment.copy(frames, 0, templates, JAVA_BYTE, 0, frames.length);
            check("starting the feeder", (int) start.invokeExact(pool.handle(), templates, flows, 60, inflight, 1));
            MemorySegment feederStats = arena.allocate(JAVA_LONG, 4);
            MemorySegment empty = arena.allocate(JAVA_LONG);
            try (AutoCloseable pipeline = PipelineThroughput.open(src, sink, routes, rules, flows, PipelineThroughput.WARMUP_NS / 1e9)) {
                Fastpath fp = (Fastpath) pipeline;
                long ioWarm = (long) io.invokeExact((short) src.id(), (short) sink.id(), (short) 64, 2_000_000_000L, empty);
                if (ioWarm == 0) throw new IllegalStateException("io-forward received nothing: the feeder is not running");
                // CPU ns of one poll that finds the rx ring empty, per side, measured with the feeder paused
                pause.invokeExact(1);
                for (int idle = 0; idle < 10_000; ) idle = fp.pollOnce() == 0 ? idle + 1 : 0;
                long c0 = PipelineThroughput.CPU.getCurrentThreadCpuTime();
                for (int k = 0; k < 1_000_000; k++) fp.pollOnce();
                double[] emptyPollNs = {(PipelineThroughput.CPU.getCurrentThreadCpuTime() - c0) / 1e6, 0};
                c0 = PipelineThroughput.CPU.getCurrentThreadCpuTime();
                long none = (long) io.invokeExact((short) src.id(), (short) sink.id(), (short) 64, 300_000_000L, empty);
                emptyPollNs[1] = (PipelineThroughput.CPU.getCurrentThreadCpuTime() - c0) / (double) empty.get(JAVA_LONG, 0);
                if (none != 0) throw new IllegalStateException("the paused feeder still fed " + none + " frames");
                pause.invokeExact(0);

                double[][] mpps = new double[2][rounds];
                double[][] busy = new double[2][rounds];
                long[] emptyPolls = new long[2];
                long[] packets = new long[2];
                long tx0 = fp.counters().get(Counter.TX), rx0 = fp.counters().get(Counter.RX);
                for (int r = 0; r < rounds; r++) {
                    for (int side = 0; side < 2; side++) {
                        long n, dry;
                        c0 = PipelineThroughput.CPU.getCurrentThreadCpuTime();
                        if (side == 0) { // pollOnce() == 0: a duty cycle whose rx polls all came back empty
                            long p0 = fp.counters().get(Counter.RX);
                            long end = System.nanoTime() + (long) (slice * 1e9);
                            dry = 0;
                            while (System.nanoTime() < end) for (int k = 0; k < 256; k++) if (fp.pollOnce() == 0) dry++;
                            n = fp.counters().get(Counter.RX) - p0;
                        } else {
                            n = (long) io.invokeExact((short) src.id(), (short) sink.id(), (short) 64, (long) (slice * 1e9), empty);
                            dry = empty.get(JAVA_LONG, 0);
                        }
                        long cpu = PipelineThroughput.CPU.getCurrentThreadCpuTime() - c0;
                        mpps[side][r] = n / (cpu / 1e3);
                        busy[side][r] = n / (Math.max(cpu - dry * emptyPollNs[side], cpu * 0.05) / 1e3);
                        emptyPolls[side] += dry;
                        packets[side] += n;
                    }
                    System.out.printf("round %d: pipeline %.2f (busy %.2f) io-forward %.2f%n", r, mpps[0][r], busy[0][r], mpps[1][r]);
                }
                long rx = fp.counters().get(Counter.RX) - rx0, tx = fp.counters().get(Counter.TX) - tx0;
                if (tx < rx * 0.99) throw new IllegalStateException("pipeline dropped packets: " + fp.counters().describeNonZero());
                stats.invokeExact(feederStats);
                double p = median(mpps[0]), c = median(mpps[1]), pb = median(busy[0]);
                System.out.printf("ring-pipeline-mpps %.2f%n", p);
                System.out.printf("ring-io-forward-c-mpps %.2f%n", c);
                System.out.printf("ring-pipeline-vs-io-forward-ratio %.3f%n", p / c);
                // The pipeline's empty polls are few; their measured cost taken out gives its rate while busy.
                // The io loop's are most of its polls whenever it outruns the one feeder: its rate is then
                // the feeder's, a lower bound of what io-forward could do, so the ratio is an upper bound.
                System.out.printf("ring-pipeline-busy-mpps %.2f (empty polls' cost taken out: %d polls of %.0f ns in %d packets)%n",
                        pb, emptyPolls[0], emptyPollNs[0], packets[0]);
                double ioPolls = packets[1] / 64.0 + emptyPolls[1];
                System.out.printf("ring-io-forward-empty-polls %d of at least %.0f polls (%.0f%%)%s; feeder: %d frames fed, rx ring seen empty %d of %d loops%n",
                        emptyPolls[1], ioPolls, 100 * emptyPolls[1] / ioPolls, emptyPolls[1] > ioPolls / 20 ? ": io-forward is feeder-bound, its rate a lower bound" : "",
                        feederStats.get(JAVA_LONG, 0), feederStats.get(JAVA_LONG, 8), feederStats.get(JAVA_LONG, 16));
                System.out.println("counters: " + fp.counters().describeNonZero());
            } finally {
                stop.invokeExact();
                src.close();
                sink.close();
            }
        }
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor d) {
        return LINKER.downcallHandle(lib.find(name).orElseThrow(() -> new IllegalStateException("bench shim has no " + name)), d);
    }

    private static void check(String what, int rc) {
        if (rc < 0) throw new IllegalStateException(what + " failed: errno " + -rc);
    }
}
