package ocelot.bench.lpm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import ocelot.lpm.Ipv6RouteTable;
import ocelot.lpm.workload.Ipv6RouteSet;
import ocelot.lpm.workload.Ipv6RouteSetGenerator;

/**
 * bench/lpm/side-by-side.sh's IPv6 run: Ocelot's {@link Ipv6RouteTable} against DPDK's
 * rte_lpm6 in one process, on a Calico-like table (endpoint /128s in /122 blocks, /48../64
 * aggregates, a default) and a 2M-address trace (half endpoint hits, half uniform over
 * fd00::/8), lookups in alternating rounds as in {@link Ipv4SideBySide}: rates per CPU-second
 * of the one thread that runs both sides, median and best, median of per-round ratios.
 * adds/s: every route into an empty table (both alone), per CPU-second of the building thread;
 * bytes: arrays or DPDK heap growth.
 *
 * <p>Usage: {@code Ipv6SideBySide ROUTES[,ROUTES...] [ROUNDS]}.
 */
public final class Ipv6SideBySide {
    static final int BURST = 32;
    static final int TRACE_ADDRESSES = 1 << 21;

    public static void main(String[] args) {
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        StringBuilder summary = new StringBuilder();
        System.out.printf("| %-9s | %-12s | %13s | %11s | %11s | %11s | %-12s |%n",
                "routes", "table", "lookups/CPU-s", "(best)", "adds/CPU-s", "bytes", "checksum");
        System.out.println("|-----------|--------------|---------------|-------------|-------------|-------------|--------------|");
        for (String s : args[0].split(",")) summary.append(run(Integer.parseInt(s.trim()), rounds)).append('\n');
        System.out.println();
        System.out.print(summary);
    }

    static String run(int target, int rounds) {
        Ipv6RouteSet routes = Ipv6RouteSetGenerator.calico((int) (target * 64L / 65), Ipv4SideBySide.SEED);
        long[] hi = new long[TRACE_ADDRESSES];
        long[] lo = new long[TRACE_ADDRESSES];
        Ipv6RouteSetGenerator.trace(routes, hi, lo, Ipv4SideBySide.SEED + 1);
        int n = routes.size();

        Ipv6RouteTable warm = new Ipv6RouteTable(routes.maxNextHops());
        routes.insertInto(warm); // JIT warm-up: the timed build must not pay for compilation
        warm = null;
        Ipv6RouteTable table = new Ipv6RouteTable(routes.maxNextHops());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long t0 = threads.getCurrentThreadCpuTime();
        routes.insertInto(table);
        double ocelotAdds = n / ((threads.getCurrentThreadCpuTime() - t0) / 1e9);

        Arena arena = Arena.ofShared();
        MemorySegment prefixes = arena.allocate(16L * n, 64), lengths = arena.allocate(4L * n, 64), hops = arena.allocate(4L * n, 64);
        ValueLayout.OfLong bigEndian = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < n; i++) {
            prefixes.set(bigEndian, 16L * i, routes.hi(i));
            prefixes.set(bigEndian, 16L * i + 8, routes.lo(i));
            lengths.setAtIndex(ValueLayout.JAVA_INT, i, routes.length(i));
            hops.setAtIndex(ValueLayout.JAVA_INT, i, routes.nextHop(i));
        }
        MemorySegment addresses = arena.allocate(16L * TRACE_ADDRESSES, 64);
        for (int i = 0; i < TRACE_ADDRESSES; i++) {
            addresses.set(bigEndian, 16L * i, hi[i]);
            addresses.set(bigEndian, 16L * i + 8, lo[i]);
        }
        System.err.printf("%d IPv6 routes: rte_lpm6 ...%n", n);
        DpdkLpmReference lpm6 = DpdkLpmReference.build(DpdkLpmReference.Kind.LPM6, "ocelot_lpm6_" + n,
                prefixes, lengths, hops, n, tbl8Groups(routes));

        long[] burstHi = new long[BURST];
        long[] burstLo = new long[BURST];
        int[] answers = new int[BURST];
        Ipv4SideBySide.PassFunction ocelot = () -> {
            long sum = 0;
            for (int i = 0; i + BURST <= TRACE_ADDRESSES; i += BURST) {
                System.arraycopy(hi, i, burstHi, 0, BURST);
                System.arraycopy(lo, i, burstLo, 0, BURST);
                table.lookupBatch(burstHi, burstLo, answers, BURST);
                for (int j = 0; j < BURST; j++) sum += answers[j];
            }
            return sum;
        };
        Ipv4SideBySide.PassFunction dpdk = () -> lpm6.lookupPass(addresses, TRACE_ADDRESSES);
        for (int w = 0; w < 3; w++) {
            ocelot.run();
            dpdk.run();
        }
        double[][] rates = new double[2][rounds];
        double[] ratios = new double[rounds];
        long[] checksums = new long[2];
        Ipv4SideBySide.PassFunction[] passes = {ocelot, dpdk};
        for (int r = 0; r < rounds; r++) {
            for (int c = 0; c < 2; c++) {
                long cpu0 = threads.getCurrentThreadCpuTime();
                checksums[c] = passes[c].run();
                rates[c][r] = (TRACE_ADDRESSES / BURST * BURST) / ((threads.getCurrentThreadCpuTime() - cpu0) / 1e9);
            }
            ratios[r] = rates[0][r] / rates[1][r];
            System.err.printf("%d IPv6 routes, round %d/%d: ocelot6 %.1fM rte_lpm6 %.1fM | %.2f%n",
                    n, r + 1, rounds, rates[0][r] / 1e6, rates[1][r] / 1e6, ratios[r]);
        }
        String[] names = {"ocelot6", "rte_lpm6"};
        double[] adds = {ocelotAdds, n / (lpm6.buildNanos / 1e9)};
        long[] bytes = {table.memoryBytes(), lpm6.bytes};
        for (int c = 0; c < 2; c++) {
            String checksum = checksums[c] == checksums[0] ? Long.toString(checksums[c]) : checksums[c] + " DIFFERS";
            System.out.printf("| %-9d | %-12s | %13.0f | %11.0f | %11.0f | %11d | %-12s |%n",
                    n, names[c], Ipv4SideBySide.median(rates[c]), Ipv4SideBySide.max(rates[c]), adds[c], bytes[c], checksum);
        }
        lpm6.free();
        arena.close();
        return String.format("%d IPv6 routes: lookups Ocelot/rte_lpm6 %.2fx median of %d alternating rounds | adds %.2fx"
                        + " | bytes %.3f | checksums %s", n, Ipv4SideBySide.median(ratios), rounds, adds[0] / adds[1],
                (double) bytes[0] / bytes[1], checksums[0] == checksums[1] ? "equal" : "DIFFERENT");
    }

    /** rte_lpm6 takes one tbl8 group per distinct (24 + 8k)-bit prefix that holds a longer route. */
    static int tbl8Groups(Ipv6RouteSet routes) {
        record Group(int bits, long hi, long lo) {}
        Set<Group> seen = new HashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            for (int bits = 24; bits < routes.length(i); bits += 8) {
                long maskHi = bits >= 64 ? -1L : -1L << (64 - bits);
                long maskLo = bits <= 64 ? 0 : -1L << (128 - bits);
                seen.add(new Group(bits, routes.hi(i) & maskHi, routes.lo(i) & maskLo));
            }
        }
        return seen.size() + seen.size() / 8 + 64; // headroom: rte_lpm6 also splits on its own
    }

    private Ipv6SideBySide() {}
}
