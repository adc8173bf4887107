package ocelot.control.ports;

import java.util.List;
import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Mempool;

/**
 * DPDK's {@code net_af_xdp} over a kernel interface: an XDP program hands the interface's
 * frames to a shared-memory ring instead of copying them through AF_PACKET. Needs a kernel
 * with AF_XDP (5.4+), {@code librte_net_af_xdp} (Debian's dpdk has it) and, for zero copy, a
 * driver with native XDP; on veth it runs in generic (copy) mode. Queue 0 only.
 */
public record AfXdpUplink(String kernelInterface) implements Uplink {
    public AfXdpUplink {
        if (kernelInterface == null || kernelInterface.isBlank()) throw new IllegalArgumentException("af_xdp uplink needs an interface name");
    }

    @Override public String kind() { return "af_xdp"; }

    @Override public List<String> ealArguments() { return List.of(); }

    @Override public DpdkPort open(Mempool pool, DpdkPort.Config config) {
        if (!KernelLink.exists(kernelInterface)) throw new IllegalStateException("uplink interface " + kernelInterface + " does not exist");
        return DpdkPort.createVdev("net_af_xdp_" + kernelInterface, "iface=" + kernelInterface + ",start_queue=0,queue_count=1", pool, config);
    }
}
