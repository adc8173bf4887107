package ocelot.control.ports;

import java.util.List;
import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Mempool;

/**
 * DPDK's {@code net_af_packet} over a kernel interface: works on any Linux host and any
 * interface (veth, bridge port, a NIC the kernel keeps). It sees frames before the kernel's
 * stack does, so {@link HostTap} tells the kernel to ignore the interface (arp off and a raw
 * DROP rule). Verified on veth pairs (../shared/DESIGN.md field notes).
 */
public record AfPacketUplink(String kernelInterface) implements Uplink {
    public AfPacketUplink {
        if (kernelInterface == null || kernelInterface.isBlank()) throw new IllegalArgumentException("af_packet uplink needs an interface name");
    }

    @Override public String kind() { return "af_packet"; }

    @Override public List<String> ealArguments() { return List.of(); }

    @Override public DpdkPort open(Mempool pool, DpdkPort.Config config) {
        if (!KernelLink.exists(kernelInterface)) throw new IllegalStateException("uplink interface " + kernelInterface + " does not exist");
        return DpdkPort.createVdev("net_af_packet_" + kernelInterface, "iface=" + kernelInterface, pool, config);
    }
}
