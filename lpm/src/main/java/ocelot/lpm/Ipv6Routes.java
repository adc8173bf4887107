package ocelot.lpm;

/**
 * What every IPv6 longest-prefix-match table offers (see {@link Ipv4Routes}). Addresses and
 * prefixes are two longs: {@code hi} = first 8 bytes big-endian, {@code lo} = last 8.
 */
public interface Ipv6Routes {
    int NO_ROUTE = -1;

    void insert(long hi, long lo, int length, int nextHop);

    boolean delete(long hi, long lo, int length);

    int get(long hi, long lo, int length);

    int lookup(long hi, long lo);

    void lookupBatch(long[] hi, long[] lo, int[] nextHops, int n);

    int size();

    void forEach(Ipv6RouteConsumer consumer);
}
