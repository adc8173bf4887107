package ocelot.lpm.workload;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded Calico-like IPv6 tables and traces. Calico's IPv6 IPAM cuts the pool into /122
 * blocks of 64 addresses (blockSize 122, its default) and routes one /128 per workload
 * endpoint; the pool here is fd00:10::/64 (a ULA /64 of the kind Calico's default
 * fd00:xxxx::/48 pools are cut into). Blocks are taken consecutively from a random start,
 * one in eight skipped, as in {@link Ipv4RouteSetGenerator#calico}; plus /48../64 aggregates
 * (other pools, node and service ranges) and a default route. Routes come out shuffled.
 */
public final class Ipv6RouteSetGenerator {
    public static final int NEXT_HOPS = Ipv4RouteSetGenerator.NEXT_HOPS;
    /** fd00:10::/64, hi half. */
    static final long POOL_HI = 0xFD00_0010_0000_0000L;
    private static final int BLOCK_BITS = 6; // /122

    private Ipv6RouteSetGenerator() {}

    public static Ipv6RouteSet calico(int endpoints, long seed) {
        if (endpoints < 0 || endpoints > 1 << 30) {
            throw new IllegalArgumentException("endpoints " + endpoints + " outside [0, 2^30]");
        }
        SplittableRandom r = new SplittableRandom(seed);
        int blocks = (endpoints + 63) / 64;
        int aggregates = Math.max(1, endpoints / 1000);
        int total = endpoints + blocks + aggregates + 1;
        long[] hi = new long[total];
        long[] lo = new long[total];
        int[] l = new int[total];
        int[] h = new int[total];
        int n = 0;
        long block = r.nextLong() >>> 24; // block index inside the /64 (58 bits), room to count up
        int left = endpoints;
        for (int b = 0; b < blocks; b++) {
            if (r.nextInt(8) == 0) block++;
            long blockLo = block << BLOCK_BITS;
            hi[n] = POOL_HI;
            lo[n] = blockLo;
            l[n] = 128 - BLOCK_BITS;
            h[n++] = r.nextInt(NEXT_HOPS);
            for (int e = 0, count = Math.min(64, left); e < count; e++) {
                hi[n] = POOL_HI;
                lo[n] = blockLo | e;
                l[n] = 128;
                h[n++] = r.nextInt(NEXT_HOPS);
            }
            left -= Math.min(64, left);
            block++;
        }
        Set<String> seen = new HashSet<>();
        for (int a = 0; a < aggregates; a++) {
            int length = 48 + r.nextInt(17);
            // fd00::/8 ULA space, the pool's /48 for a quarter of them
            long prefix = r.nextInt(4) == 0 ? (POOL_HI & (-1L << 16)) | (r.nextLong() >>> 48)
                    : 0xFD00_0000_0000_0000L | (r.nextLong() >>> 8);
            prefix &= -1L << (64 - length);
            if (!seen.add(prefix + "/" + length)) {
                a--;
                continue;
            }
            hi[n] = prefix;
            lo[n] = 0;
            l[n] = length;
            h[n++] = r.nextInt(NEXT_HOPS);
        }
        hi[n] = 0;
        lo[n] = 0;
        l[n] = 0;
        h[n++] = r.nextInt(NEXT_HOPS);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            long t = hi[i]; hi[i] = hi[j]; hi[j] = t;
            t = lo[i]; lo[i] = lo[j]; lo[j] = t;
            int u = l[i]; l[i] = l[j]; l[j] = u;
            u = h[i]; h[i] = h[j]; h[j] = u;
        }
        return new Ipv6RouteSet(hi, lo, l, h, NEXT_HOPS);
    }

    /**
     * count addresses into hi/lo: even ones inside a random route of the set (an endpoint, in
     * Calico tables), odd ones uniform over fd00::/8 (the ULA space the routes live in).
     */
    public static void trace(Ipv6RouteSet routes, long[] hi, long[] lo, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < hi.length; i++) {
            if ((i & 1) == 0 && routes.size() > 0) {
                int k = r.nextInt(routes.size());
                int length = routes.length(k);
                long hostHi = length >= 64 ? 0 : length == 0 ? r.nextLong() : r.nextLong() >>> length;
                long hostLo = length == 128 ? 0 : length <= 64 ? r.nextLong() : r.nextLong() >>> (length - 64);
                hi[i] = routes.hi(k) | hostHi;
                lo[i] = routes.lo(k) | hostLo;
            } else {
                hi[i] = 0xFD00_0000_0000_0000L | (r.nextLong() >>> 8);
                lo[i] = r.nextLong();
            }
        }
    }
}
