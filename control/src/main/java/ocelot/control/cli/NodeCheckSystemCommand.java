package ocelot.control.cli;

import java.util.List;
import java.util.concurrent.Callable;
import ocelot.control.ports.SystemCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code node checksystem}: what {@code node run} needs on this host, item by item (calicoctl's checksystem). */
@Command(name = "checksystem", description = "Check that this host can run the node's dataplane (root, DPDK, TAP, iptables, the uplink).")
final class NodeCheckSystemCommand implements Callable<Integer> {
    @ParentCommand
    NodeCommand node;

    @Option(names = "--uplink", paramLabel = "IFACE", description = "The uplink to check (interface, or PCI address with --uplink-driver pci).")
    String uplink;

    @Option(names = "--uplink-driver", paramLabel = "KIND", defaultValue = "af_packet", description = "af_packet (default), af_xdp or pci.")
    String uplinkDriver;

    @Override
    public Integer call() {
        if (!List.of("af_packet", "af_xdp", "pci").contains(uplinkDriver)) {
            throw new OcelotCtl.CommandFailure("--uplink-driver must be af_packet, af_xdp or pci, got '" + uplinkDriver + "'");
        }
        boolean fit = true;
        for (SystemCheck.Item item : SystemCheck.run(uplinkDriver, uplink)) {
            node.root.out.println("Checking " + item.what() + "...");
            node.root.out.printf("\t\t%-60s %s%n", item.detail(), item.ok() ? "OK" : item.required() ? "FAIL" : "WARNING");
            fit &= item.ok() || !item.required();
        }
        node.root.out.println(fit ? "System meets minimum system requirements to run Ocelot!"
                : "System doesn't meet one or more minimum systems requirements to run Ocelot");
        return fit ? 0 : 1;
    }
}
