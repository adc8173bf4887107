package ocelot.lpm;

/**
 * Receives one IPv6 route per call from {@link Ipv6RouteTable#forEach}; the prefix is two longs,
 * {@code hi} = the first 8 address bytes big-endian, {@code lo} = the last 8.
 */
@FunctionalInterface
public interface Ipv6RouteConsumer {
    void accept(long hi, long lo, int length, int nextHop);
}
