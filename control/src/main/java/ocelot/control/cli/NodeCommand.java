package ocelot.control.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import ocelot.bgp.peering.NodeStatusTable;
import ocelot.bgp.speaker.PeerStatus;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.node.NodeProcess;
import ocelot.control.node.NodeStartup;
import ocelot.control.node.NodeStatusClient;
import ocelot.control.node.NodeStatusServer;
import ocelot.control.resource.AsNumber;
import ocelot.control.resource.Cidr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code node run}: calicoctl's node startup, then the node's BGP agent in the foreground until
 * SIGTERM/SIGINT. {@code node status}: the running node's peer table, as calicoctl prints BIRD's.
 */
@Command(name = "node", description = "Run this machine's Ocelot node, or show its BGP status.",
        subcommands = {NodeCommand.Run.class, NodeCommand.Status.class})
final class NodeCommand implements Runnable {
    static final Path RUN_ROOT = Path.of("/var/run/ocelot");

    @ParentCommand
    OcelotCtl root;

    @Override
    public void run() {
        throw new OcelotCtl.CommandFailure("node needs a subcommand: run or status");
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

    @Command(name = "run", description = "Start the node: register it, create default pools, run BGP until SIGTERM/SIGINT.")
    static final class Run implements Callable<Integer> {
        @ParentCommand
        NodeCommand node;

        @Option(names = "--name", paramLabel = "NAME", description = "Node name (default: $NODENAME, else the host name).")
        String name;

        @Option(names = "--ip", paramLabel = "ADDR", description = "IPv4 address[/len] for BGP (default: autodetect first-found).")
        String ip;

        @Option(names = "--as", paramLabel = "AS", description = "This node's AS number (default: its own, else the global one).")
        String as;

        @Option(names = "--bgp-port", paramLabel = "PORT", defaultValue = "179", description = "BGP port of every node (default 179).")
        int bgpPort;

        @Option(names = "--run-dir", paramLabel = "DIR", description = "Where the status socket goes (default /var/run/ocelot/NAME).")
        Path runDir;

        @Option(names = "--graceful-restart", description = "On SIGTERM/SIGINT stop for a graceful restart (RFC 4724): no NOTIFICATION, "
                + "so peers keep this node's routes for 120 s, and the learned routes saved to RUNDIR/forwarding-state, which the next "
                + "'node run' restores before BGP starts.")
        boolean gracefulRestart;

        @Override
        public Integer call() throws Exception {
            String nodeName = name != null ? name : defaultName(node.root);
            Cidr address = null;
            if (ip != null) {
                try {
                    address = Cidr.parseInterface(ip.contains("/") ? ip : ip + "/32");
                } catch (IllegalArgumentException e) {
                    throw new OcelotCtl.CommandFailure("--ip: " + e.getMessage());
                }
            }
            AsNumber asNumber = null;
            if (as != null) {
                try {
                    asNumber = AsNumber.parse(as);
                } catch (IllegalArgumentException e) {
                    throw new OcelotCtl.CommandFailure("--as: " + e.getMessage());
                }
            }
            if (bgpPort < 1 || bgpPort > 65535) throw new OcelotCtl.CommandFailure("--bgp-port: " + bgpPort + " not in 1..65535");
            Path dir = runDir != null ? runDir : RUN_ROOT.resolve(nodeName);
            var out = node.root.out;
            new NodeStartup(new ResourceStore(node.root.store()), line -> {
                out.println(line);
                out.flush();
            }).prepare(nodeName, address, asNumber);

            CountDownLatch stopped = new CountDownLatch(1);
            NodeProcess process;
            try {
                process = NodeProcess.start(node.root.store(), nodeName, bgpPort, dir, Clock.systemUTC());
            } catch (IOException | IllegalStateException e) {
                throw new OcelotCtl.CommandFailure("node " + nodeName + " not started: " + e.getMessage());
            }
            if (process.restoredRoutes() >= 0) {
                out.println("Graceful restart: " + process.restoredRoutes() + " learned routes restored from the previous run");
            }
            Thread hook = new Thread(() -> {
                if (gracefulRestart) {
                    out.println("Stopping Ocelot node " + nodeName + " for a graceful restart");
                    out.flush();
                    try {
                        out.println("Forwarding state saved to " + process.closeForRestart());
                    } catch (IOException | RuntimeException e) {
                        out.println("Forwarding state not saved: " + e.getMessage());
                    }
                } else {
                    out.println("Stopping Ocelot node " + nodeName);
                    out.flush();
                    process.close();
                }
                out.flush();
                stopped.countDown();
            }, "ocelot-node-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("Ocelot node started successfully");
            out.flush();
            stopped.await();
            return 0;
        }
    }

    @Command(name = "status", description = "Print the running node's BGP peer table (calicoctl node status).")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        NodeCommand node;

        @Option(names = "--name", paramLabel = "NAME", description = "The node to ask (default: the one running here).")
        String name;

        @Option(names = "--run-dir", paramLabel = "DIR", description = "The node's run directory (default /var/run/ocelot/NAME).")
        Path runDir;

        @Override
        public Integer call() {
            Optional<List<PeerStatus>> peers = NodeStatusClient.query(runDirectory());
            node.root.out.print(NodeStatusTable.format(peers.isPresent(), peers.orElse(List.of()), Instant.now(), ZoneId.systemDefault()));
            return peers.isPresent() ? 0 : 1;
        }

        private Path runDirectory() {
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
            return RUN_ROOT.resolve(defaultName(node.root));
        }
    }
}
