package ocelot.control.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import ocelot.control.node.NodeStatusServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code node}: calicoctl's node verbs. {@code run} starts the node in the foreground until
 * SIGTERM/SIGINT; {@code status}, {@code routes} and {@code diags} ask the running node;
 * {@code checksystem} checks what {@code run} needs.
 */
@Command(name = "node", description = "Run this machine's Ocelot node, or show its status, routes, system check or diagnostics.",
        subcommands = {NodeRunCommand.class, NodeStatusCommand.class, NodeRoutesCommand.class, NodeCheckSystemCommand.class,
                NodeDiagsCommand.class})
final class NodeCommand implements Runnable {
    static final Path RUN_ROOT = Path.of("/var/run/ocelot");

    @ParentCommand
    OcelotCtl root;

    @Override
    public void run() {
        throw new OcelotCtl.CommandFailure("node needs a subcommand: run, status, routes, checksystem or diags");
    }

    /** Calico's node name: NODENAME, else the host name. */
    static String defaultName(OcelotCtl root) {
        String env = root.env.get("NODENAME");
        if (env != null && !env.isBlank()) return env.strip();
        try {
            return InetAddress.getLocalHost().getHostName().split("\\.")[0];
        } catch (IOException e) {
            throw new OcelotCtl.CommandFailure("cannot determine the host name (" + e.getMessage() + "); use --name");
        }
    }

    /** The run directory to ask: --run-dir, else /var/run/ocelot/NAME, else the one node running here, else this host's. */
    static Path runDirectory(OcelotCtl root, String name, Path runDir) {
        if (runDir != null) return runDir;
        if (name != null) return RUN_ROOT.resolve(name);
        // Like calicoctl, which asks the one BIRD on this machine: the one node with a socket here.
        try (Stream<Path> dirs = Files.isDirectory(RUN_ROOT) ? Files.list(RUN_ROOT) : Stream.empty()) {
            List<Path> withSocket = dirs.filter(d -> Files.exists(d.resolve(NodeStatusServer.SOCKET_NAME))).toList();
            if (withSocket.size() == 1) return withSocket.getFirst();
            if (withSocket.size() > 1) {
                throw new OcelotCtl.CommandFailure("several nodes have run directories under " + RUN_ROOT + ": choose one with --name");
            }
        } catch (IOException e) {
            throw new OcelotCtl.CommandFailure("cannot read " + RUN_ROOT + ": " + e.getMessage());
        }
        return RUN_ROOT.resolve(defaultName(root));
    }
}
