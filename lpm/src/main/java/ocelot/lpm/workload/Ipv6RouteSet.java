package ocelot.lpm.workload;

import ocelot.lpm.Ipv6Routes;

/**
 * A list of IPv6 routes in a fixed order, as parallel primitive arrays: prefix halves
 * ({@code hi} = first 8 bytes big-endian, {@code lo} = last 8, as {@link Ipv6Routes} takes
 * them), lengths and next hops.
 */
public final class Ipv6RouteSet {
    private final long[] hi;
    private final long[] lo;
    private final int[] lengths;
    private final int[] nextHops;
    private final int maxNextHops;

    public Ipv6RouteSet(long[] hi, long[] lo, int[] lengths, int[] nextHops, int maxNextHops) {
        if (hi.length != lo.length || hi.length != lengths.length || hi.length != nextHops.length) {
            throw new IllegalArgumentException("route arrays differ in length: " + hi.length + " hi, " + lo.length
                    + " lo, " + lengths.length + " lengths, " + nextHops.length + " next hops");
        }
        this.hi = hi;
        this.lo = lo;
        this.lengths = lengths;
        this.nextHops = nextHops;
        this.maxNextHops = maxNextHops;
    }

    public int size() {
        return hi.length;
    }

    public long hi(int i) {
        return hi[i];
    }

    public long lo(int i) {
        return lo[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    public int nextHop(int i) {
        return nextHops[i];
    }

    public int maxNextHops() {
        return maxNextHops;
    }

    public void insertInto(Ipv6Routes table) {
        for (int i = 0; i < hi.length; i++) table.insert(hi[i], lo[i], lengths[i], nextHops[i]);
    }
}
