package ocelot.control.ports;

import java.util.concurrent.atomic.AtomicInteger;

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

    /**
     * net_tap names its GSO mbuf pool "mp_" + the vdev name, and a mempool name is short
     * (RTE_MEMPOOL_NAMESIZE): a vdev named after a 15-character interface (Calico's, and
     * ocelot-cni's, caliXXXXXXXXXXX) failed with "File name too long". The vdev gets a short
     * numbered name instead; the fastpath knows the port by its interface name.
     */
    private static final AtomicInteger VDEVS = new AtomicInteger();

    @Override public DpdkPort create(String hostIfName, Mempool pool, DpdkPort.Config config) {
        return DpdkPort.createVdev("net_tap_w" + VDEVS.incrementAndGet(), "iface=" + hostIfName, pool, config);
    }
}
