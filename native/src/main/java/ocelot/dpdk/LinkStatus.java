package ocelot.dpdk;

public record LinkStatus(boolean up, int speedMbps, boolean fullDuplex) {}
