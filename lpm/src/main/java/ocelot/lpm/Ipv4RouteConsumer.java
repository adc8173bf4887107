package ocelot.lpm;

/** Receives one IPv4 route per call from {@link Ipv4RouteTable#forEach}. */
@FunctionalInterface
public interface Ipv4RouteConsumer {
    void accept(int prefix, int length, int nextHop);
}
