package ocelot.dpdk;

/** A copy of a port's hardware/driver counters (rte_eth_stats). */
public record PortStats(long rxPackets, long txPackets, long rxBytes, long txBytes,
                        long rxMissed, long rxErrors, long txErrors, long rxNoMbuf) {}
