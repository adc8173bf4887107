package ocelot.control.ports;

import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Mempool;

/**
 * How a workload's interface is made (Calico-VPP's pod_interface/ kinds): a DPDK port whose
 * kernel side is a netdev named {@code hostIfName} in the node's namespace, which
 * {@link WorkloadNamespace} then moves into the workload. One implementation per kind.
 */
public interface WorkloadInterfaceKind {
    /** The kind as the {@code --workload-interface} flag spells it. */
    String kind();

    /** Creates and starts the port; its kernel netdev {@code hostIfName} exists when this returns. */
    DpdkPort create(String hostIfName, Mempool pool, DpdkPort.Config config);

    static WorkloadInterfaceKind of(String kind) {
        return switch (kind) {
            case "tap" -> new NetTapWorkload();
            default -> throw new IllegalArgumentException("workload interface '" + kind + "': must be tap");
        };
    }
}
