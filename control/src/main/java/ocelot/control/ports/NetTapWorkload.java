package ocelot.control.ports;

import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Mempool;

/**
 * A {@code net_tap} TAP per workload: the node holds the TAP's file descriptor, the kernel
 * netdev moves into the workload's namespace and keeps working there; closing the port removes
 * the netdev wherever it is. A TAP's tx checksumming is off by default (unlike a veth's), so no
 * ethtool change is needed (../shared/DESIGN.md field notes, verified 2026-12-07).
 */
public final class NetTapWorkload implements WorkloadInterfaceKind {
    @Override public String kind() { return "tap"; }

    @Override public DpdkPort create(String hostIfName, Mempool pool, DpdkPort.Config config) {
        return DpdkPort.createVdev("net_tap_" + hostIfName, "iface=" + hostIfName, pool, config);
    }
}
