package ocelot.control.node;

import java.util.ArrayList;
import java.util.List;
import ocelot.control.ports.Uplink;
import ocelot.control.ports.WorkloadInterfaceKind;

/**
 * How `node run` sets up the dataplane, validated at the edge (the CLI's flags).
 *
 * @param uplink the fabric port's driver and device
 * @param hostTap name of the exception-path TAP in the node's namespace
 * @param workloadInterface kind of interface a workload gets
 * @param idle "busy" (production: a core per worker) or "backoff" (lab and tests: sleeps when idle)
 * @param workers fastpath worker threads (queues per port)
 * @param memoryMb EAL memory ({@code -m}); with {@code hugepages} false it is plain 4 KiB memory ({@code --no-huge})
 * @param hugepages use the host's hugepages ({@code --in-memory}: no shared files), else {@code --no-huge}
 * @param routerPorts router mode: the rack-facing kernel interfaces beside the uplink (the border), each
 *                    read by {@code net_af_packet}; empty for a node
 */
public record DataplaneOptions(Uplink uplink, String hostTap, WorkloadInterfaceKind workloadInterface, String idle, int workers,
                               int memoryMb, boolean hugepages, List<String> routerPorts) {
    public DataplaneOptions(Uplink uplink, String hostTap, WorkloadInterfaceKind workloadInterface, String idle, int workers,
                            int memoryMb, boolean hugepages) {
        this(uplink, hostTap, workloadInterface, idle, workers, memoryMb, hugepages, List.of());
    }

    public DataplaneOptions {
        routerPorts = routerPorts == null ? List.of() : List.copyOf(routerPorts);
        for (String p : routerPorts) {
            if (p == null || !p.matches("[A-Za-z0-9_.@-]{1,15}")) throw new IllegalArgumentException("--router-port '" + p + "' is not an interface name");
            if (p.equals(uplink == null ? null : uplink.kernelInterface())) throw new IllegalArgumentException("--router-port " + p + " is the uplink already");
        }
        if (new java.util.HashSet<>(routerPorts).size() != routerPorts.size()) throw new IllegalArgumentException("--router-port: an interface given twice in " + routerPorts);
        if (uplink == null) throw new IllegalArgumentException("no uplink");
        if (hostTap == null || !hostTap.matches("[A-Za-z0-9_.-]{1,15}")) throw new IllegalArgumentException("--host-tap '" + hostTap + "' is not an interface name");
        ocelot.fastpath.worker.IdleMode.of(idle); // names the choices when wrong
        if (workers < 1 || workers > 16) throw new IllegalArgumentException("--workers must be 1..16, got " + workers);
        if (memoryMb < 64) throw new IllegalArgumentException("--dpdk-memory must be at least 64 (MB), got " + memoryMb);
    }

    /**
     * EAL's arguments for node {@code nodeName}: its own {@code --file-prefix} so several nodes
     * (and test JVMs) share one host, the main lcore only (workers are registered non-EAL
     * threads), and the uplink's own needs.
     */
    public List<String> ealArguments(String nodeName) {
        List<String> args = new ArrayList<>(List.of("ocelot-node", "--file-prefix=" + filePrefix(nodeName), "-l", "0",
                "--log-level", "lib.eal:error", "--no-telemetry"));
        if (hugepages) args.addAll(List.of("--in-memory", "-m", Integer.toString(memoryMb)));
        else args.addAll(List.of("--no-huge", "--no-shconf", "-m", Integer.toString(memoryMb)));
        if (uplink.ealArguments().isEmpty()) args.add("--no-pci");
        else args.addAll(uplink.ealArguments());
        return args;
    }

    public static String filePrefix(String nodeName) {
        return "ocelot-" + nodeName.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
