package ocelot.lpm;

/**
 * What every IPv4 longest-prefix-match table offers. {@link Ipv4RouteTable} is the one the
 * dataplane uses; the contract tests run the same behaviour against a brute-force reference.
 * Prefixes are host-order ints (10.0.0.0 = 0x0A000000) with no bits set beyond the length.
 */
public interface Ipv4Routes {
    int NO_ROUTE = -1;

    /** Inserts or replaces; throws IllegalArgumentException on bad input, leaving the table unchanged. */
    void insert(int prefix, int length, int nextHop);

    /** Removes the exact prefix; false if it was not there. */
    boolean delete(int prefix, int length);

    /** The next hop of exactly this prefix, or {@link #NO_ROUTE}. */
    int get(int prefix, int length);

    /** The next hop of the longest prefix containing the address, or {@link #NO_ROUTE}. */
    int lookup(int address);

    /** {@code nextHops[i] = lookup(addresses[i])} for i in [0, n). */
    void lookupBatch(int[] addresses, int[] nextHops, int n);

    int size();

    void forEach(Ipv4RouteConsumer consumer);
}
