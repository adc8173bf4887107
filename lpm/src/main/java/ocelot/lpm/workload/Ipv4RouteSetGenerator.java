package ocelot.lpm.workload;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded generators of the two IPv4 table shapes Ocelot must route, and of address traces.
 *
 * <p>Calico-like: one /32 per workload endpoint inside one IP pool, one /26 IPAM block per 64
 * endpoints, a few /16../24 aggregates (other pools, node subnets, service ranges) and a
 * default route. Calico's IPAM hands out blocks by walking the pool from a random start
 * (ipam's randomBlockGenerator), so blocks are mostly consecutive: we take consecutive blocks
 * from a random start and skip one in eight (blocks released or affine to other nodes).
 *
 * <p>Internet-like: the prefix-length mix of a public BGP table (bgp.potaroo.net, 2024: about
 * 60% /24, 11% /22, 10% /23, 5% /21, 5% /20, 3% /19, 2% /16, the rest /8../18), prefixes drawn
 * uniformly from 1.0.0.0-223.255.255.255.
 *
 * <p>Routes come out shuffled: that is the order the update benchmarks insert them in.
 */
public final class Ipv4RouteSetGenerator {
    /** Next hops are drawn from [0, NEXT_HOPS): a ToR with a few thousand ports/neighbours. */
    public static final int NEXT_HOPS = 4096;
    private static final int POOL = 0x0A00_0000; // 10.0.0.0/8
    private static final int POOL_LENGTH = 8;

    private static final int[] INTERNET_LENGTHS = {24, 22, 23, 21, 20, 19, 16, 18, 17, 15, 14, 13, 12, 11, 10, 9, 8};
    private static final double[] INTERNET_SHARE = {.60, .11, .10, .05, .05, .03, .02, .015, .01, .004, .002, .001, .0005, .0003, .0001, .0001, .0001};

    private Ipv4RouteSetGenerator() {}

    public static Ipv4RouteSet calico(int endpoints, long seed) {
        if (endpoints < 0 || endpoints > (1 << (32 - POOL_LENGTH)) / 2) {
            throw new IllegalArgumentException("endpoints " + endpoints + " do not fit in a /" + POOL_LENGTH + " pool");
        }
        SplittableRandom r = new SplittableRandom(seed);
        int blocks = (endpoints + 63) / 64;
        int aggregates = Math.max(1, endpoints / 1000);
        int total = endpoints + blocks + aggregates + 1;
        int[] p = new int[total];
        int[] l = new int[total];
        int[] h = new int[total];
        int n = 0;
        int blockCount = 1 << (26 - POOL_LENGTH);
        int block = r.nextInt(blockCount);
        int left = endpoints;
        for (int b = 0; b < blocks; b++) {
            if (r.nextInt(8) == 0) block = (block + 1) & (blockCount - 1);
            int blockPrefix = POOL | (block << 6);
            int node = r.nextInt(NEXT_HOPS);
            p[n] = blockPrefix;
            l[n] = 26;
            h[n++] = node;
            for (int e = 0, count = Math.min(64, left); e < count; e++) {
                p[n] = blockPrefix | e;
                l[n] = 32;
                h[n++] = r.nextInt(NEXT_HOPS);
            }
            left -= Math.min(64, left);
            block = (block + 1) & (blockCount - 1);
        }
        Set<Long> seen = new HashSet<>();
        for (int a = 0; a < aggregates; a++) {
            int length = 16 + r.nextInt(9);
            int prefix = (r.nextInt(4) == 0 ? r.nextInt() : POOL | (r.nextInt() >>> POOL_LENGTH)) & (-1 << (32 - length));
            if (!seen.add(((long) prefix << 6) | length)) {
                a--;
                continue;
            }
            p[n] = prefix;
            l[n] = length;
            h[n++] = r.nextInt(NEXT_HOPS);
        }
        p[n] = 0;
        l[n] = 0;
        h[n++] = r.nextInt(NEXT_HOPS);
        shuffle(p, l, h, n, r);
        return new Ipv4RouteSet(p, l, h, NEXT_HOPS);
    }

    public static Ipv4RouteSet internet(int routes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] p = new int[routes];
        int[] l = new int[routes];
        int[] h = new int[routes];
        Set<Long> seen = new HashSet<>(routes * 2);
        int n = 0;
        while (n < routes) {
            double x = r.nextDouble();
            int length = INTERNET_LENGTHS[INTERNET_LENGTHS.length - 1];
            for (int i = 0; i < INTERNET_SHARE.length; i++) {
                x -= INTERNET_SHARE[i];
                if (x < 0) {
                    length = INTERNET_LENGTHS[i];
                    break;
                }
            }
            int address = 0x0100_0000 + r.nextInt(0xE000_0000 - 0x0100_0000);
            int prefix = address & (-1 << (32 - length));
            if (!seen.add(((prefix & 0xFFFF_FFFFL) << 6) | length)) continue;
            p[n] = prefix;
            l[n] = length;
            h[n++] = r.nextInt(NEXT_HOPS);
        }
        shuffle(p, l, h, n, r);
        return new Ipv4RouteSet(p, l, h, NEXT_HOPS);
    }

    /** Half the addresses fall inside a random route of the set (an endpoint, in Calico tables), half are uniform. */
    public static int[] trace(Ipv4RouteSet routes, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] addresses = new int[count];
        for (int i = 0; i < count; i++) {
            if ((i & 1) == 0 && routes.size() > 0) {
                int k = r.nextInt(routes.size());
                int length = routes.length(k);
                int host = length == 32 ? 0 : r.nextInt() >>> length;
                addresses[i] = routes.prefix(k) | host;
            } else {
                addresses[i] = r.nextInt();
            }
        }
        return addresses;
    }

    private static void shuffle(int[] p, int[] l, int[] h, int n, SplittableRandom r) {
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
            t = l[i]; l[i] = l[j]; l[j] = t;
            t = h[i]; h[i] = h[j]; h[j] = t;
        }
    }
}
