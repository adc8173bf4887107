package ocelot.control.ports;

import java.util.List;
import java.util.regex.Pattern;
import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Mempool;

/**
 * A NIC bound to vfio-pci ({@code dpdk-devbind.py -b vfio-pci BDF}), driven by its DPDK PMD:
 * the bare-metal uplink. The kernel no longer sees the NIC, so there is no interface to take an
 * address or MAC from: the host TAP gets the node address from {@code --ip} and the NIC's MAC.
 * EAL must probe the device ({@code -a BDF}), so {@code --no-pci} is not passed. Not exercised
 * on these machines (no vfio-capable NIC); the path is DpdkPort.open on the probed port.
 */
public record PciUplink(String pciAddress) implements Uplink {
    private static final Pattern BDF = Pattern.compile("([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]");

    public PciUplink {
        if (pciAddress == null || !BDF.matcher(pciAddress).matches()) {
            throw new IllegalArgumentException("pci uplink '" + pciAddress + "': want a PCI address like 0000:01:00.0");
        }
        if (pciAddress.length() == 7) pciAddress = "0000:" + pciAddress;
    }

    @Override public String kind() { return "pci"; }

    @Override public String kernelInterface() { return null; }

    @Override public List<String> ealArguments() { return List.of("-a", pciAddress); }

    @Override public DpdkPort open(Mempool pool, DpdkPort.Config config) { return DpdkPort.open(pciAddress, pool, config); }
}
