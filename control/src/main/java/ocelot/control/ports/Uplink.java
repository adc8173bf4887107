package ocelot.control.ports;

import java.util.List;
import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Mempool;

/**
 * How the node's fabric port is opened (Calico-VPP's uplink drivers): one implementation per
 * way. {@link AfPacketUplink} works over any kernel interface; {@link AfXdpUplink} is the faster
 * kernel-interface path where XDP is available; {@link PciUplink} is a NIC bound to vfio-pci,
 * driven by its PMD, for bare metal.
 */
public interface Uplink {
    /** The kind as the {@code --uplink-driver} flag spells it. */
    String kind();

    /** The kernel interface it sits on (whose address and MAC the host TAP takes over), or null for a PCI NIC. */
    String kernelInterface();

    /** What EAL needs for this uplink beyond the node's defaults (e.g. {@code -a BDF}); {@code --no-pci} is dropped when non-empty. */
    List<String> ealArguments();

    /** Opens and starts the port on {@code pool}. */
    DpdkPort open(Mempool pool, DpdkPort.Config config);

    /** Creates the uplink of {@code kind} ("af_packet", "af_xdp", "pci") over {@code device} (interface name or PCI address). */
    static Uplink of(String kind, String device) {
        return switch (kind) {
            case "af_packet" -> new AfPacketUplink(device);
            case "af_xdp" -> new AfXdpUplink(device);
            case "pci" -> new PciUplink(device);
            default -> throw new IllegalArgumentException("uplink driver '" + kind + "': must be af_packet, af_xdp or pci");
        };
    }
}
