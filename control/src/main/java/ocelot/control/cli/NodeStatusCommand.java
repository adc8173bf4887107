package ocelot.control.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import ocelot.bgp.peering.NodeStatusTable;
import ocelot.bgp.speaker.PeerStatus;
import ocelot.control.node.NodeQueryClient;
import ocelot.control.node.NodeStatusClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code node status}: calicoctl's BGP peer table, then the dataplane summary (ports, counters, FIB size). */
@Command(name = "status", description = "Print the running node's BGP peer table and dataplane summary (calicoctl node status).")
final class NodeStatusCommand implements Callable<Integer> {
    @ParentCommand
    NodeCommand node;

    @Option(names = "--name", paramLabel = "NAME", description = "The node to ask (default: the one running here).")
    String name;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "The node's run directory (default /var/run/ocelot/NAME).")
    Path runDir;

    @Override
    public Integer call() {
        Path dir = NodeCommand.runDirectory(node.root, name, runDir);
        Optional<List<PeerStatus>> peers = NodeStatusClient.query(dir);
        node.root.out.print(NodeStatusTable.format(peers.isPresent(), peers.orElse(List.of()), Instant.now(), ZoneId.systemDefault()));
        if (peers.isPresent()) {
            NodeQueryClient.ask(dir, "dataplane").ifPresent(summary -> node.root.out.print("\nDataplane status\n" + summary));
        }
        return peers.isPresent() ? 0 : 1;
    }
}
