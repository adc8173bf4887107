package ocelot.control.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.ipam.BlockAffinityIpam;
import ocelot.control.node.DataplaneOptions;
import ocelot.control.node.NodeDataplane;
import ocelot.control.node.NodeLogLevel;
import ocelot.control.node.NodeProcess;
import ocelot.control.node.NodeStartup;
import ocelot.control.node.NodeStatusClient;
import ocelot.control.ports.UplinkRecord;
import ocelot.control.ports.Uplink;
import ocelot.control.ports.WorkloadInterfaceKind;
import ocelot.control.resource.AsNumber;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.NodeResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code node run}: what calico/node does at start, in its order (node resource, address, AS,
 * default pools, an IPAM block claimed by affinity), then the dataplane (EAL, uplink, host TAP,
 * fastpath), the BGP speaker, the workload-attach and query sockets and the metrics endpoint;
 * runs until SIGTERM/SIGINT, then stops cleanly (or for a graceful restart).
 */
@Command(name = "run", description = "Start the node: register it, claim an IPAM block, start the dataplane and BGP; run until SIGTERM/SIGINT.")
final class NodeRunCommand implements Callable<Integer> {
    @ParentCommand
    NodeCommand node;

    @Option(names = "--name", paramLabel = "NAME", description = "Node name (default: $NODENAME, else the host name).")
    String name;

    @Option(names = "--ip", paramLabel = "ADDR", description = "IPv4 address[/len] of the node, or 'autodetect' (default: $IP, else autodetect).")
    String ip;

    @Option(names = "--ip-autodetection-method", paramLabel = "METHOD",
            description = "first-found | can-reach=DEST | interface=REGEX (default: $IP_AUTODETECTION_METHOD, else first-found).")
    String autodetectionMethod;

    @Option(names = "--as", paramLabel = "AS", description = "This node's AS number (default: $AS, else its own, else the global one).")
    String as;

    @Option(names = "--bgp-port", paramLabel = "PORT", defaultValue = "179", description = "BGP port of every node (default 179).")
    int bgpPort;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Where the node's sockets go (default /var/run/ocelot/NAME).")
    Path runDir;

    @Option(names = "--graceful-restart", description = "On SIGTERM/SIGINT stop for a graceful restart (RFC 4724): no NOTIFICATION, "
            + "so peers keep this node's routes for 120 s, and the learned routes saved to RUNDIR/forwarding-state, which the next "
            + "'node run' restores before BGP starts.")
    boolean gracefulRestart;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "trace|debug|info|warn|error (default info; "
            + "'ocelotctl config set logLevel' changes it while the node runs).")
    String logLevel;

    @Option(names = "--dataplane", paramLabel = "KIND", defaultValue = "dpdk", description = "dpdk (default: the userspace fastpath) "
            + "or none (BGP only, no ports).")
    String dataplane;

    @Option(names = "--uplink", paramLabel = "IFACE", description = "The fabric interface DPDK takes over (default: the one carrying "
            + "the node address); a PCI address with --uplink-driver pci.")
    String uplink;

    @Option(names = "--uplink-driver", paramLabel = "KIND", defaultValue = "af_packet", description = "af_packet (default, any "
            + "interface), af_xdp (XDP-capable interface) or pci (a NIC bound to vfio-pci).")
    String uplinkDriver;

    @Option(names = "--host-tap", paramLabel = "NAME", defaultValue = "ocelot0", description = "The exception-path TAP carrying the node "
            + "address (default ocelot0).")
    String hostTap;

    @Option(names = "--workload-interface", paramLabel = "KIND", defaultValue = "tap", description = "Workload interface kind (tap).")
    String workloadInterface;

    @Option(names = "--idle", paramLabel = "MODE", defaultValue = "backoff", description = "Worker idle strategy: busy (a core per "
            + "worker, production) or backoff (sleeps when idle; default).")
    String idle;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1", description = "Fastpath worker threads (default 1).")
    int workers;

    @Option(names = "--dpdk-memory", paramLabel = "MB", defaultValue = "512", description = "DPDK memory in MB (default 512).")
    int memoryMb;

    @Option(names = "--hugepages", description = "Use hugepages (--in-memory) instead of --no-huge.")
    boolean hugepages;

    @Option(names = "--router", description = "Router mode (a top-of-rack router or gateway): the uplink (--uplink, carrying the node "
            + "address) is the border, each --router-port faces the rack; no workloads and no IPAM block; BGP listens on every port's "
            + "address (rack nodes come in through a bgpPeer listen range); learned routes leave through the port whose subnet holds "
            + "their next hop; hostEndpoints on a port police forwarded flows too; natOutgoing applies only at the border.")
    boolean router;

    @Option(names = "--router-port", paramLabel = "IFACE", description = "With --router: a rack-facing interface (repeat for each), "
            + "read by af_packet; it must carry its IPv4 address/prefix, which the node's TAP takes over.")
    java.util.List<String> routerPorts = new java.util.ArrayList<>();

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9091",
            description = "Where /metrics and /health listen (default 127.0.0.1:9091; 'none' for no endpoint).")
    String metricsAddress;

    @Override
    public Integer call() throws Exception {
        if (logLevel != null) NodeLogLevel.set(logLevel);
        String nodeName = name != null ? name : NodeCommand.defaultName(node.root);
        String ipSetting = ip != null ? ip : node.root.env.get("IP");
        Cidr address = null;
        if (ipSetting != null && !ipSetting.isBlank() && !ipSetting.equals("autodetect")) {
            try {
                address = Cidr.parseInterface(ipSetting.contains("/") ? ipSetting : ipSetting + "/32");
            } catch (IllegalArgumentException e) {
                throw new OcelotCtl.CommandFailure("--ip: " + e.getMessage());
            }
        }
        String method = autodetectionMethod != null ? autodetectionMethod : node.root.env.getOrDefault("IP_AUTODETECTION_METHOD", "first-found");
        String asSetting = as != null ? as : node.root.env.get("AS");
        AsNumber asNumber = null;
        if (asSetting != null && !asSetting.isBlank()) {
            try {
                asNumber = AsNumber.parse(asSetting);
            } catch (IllegalArgumentException e) {
                throw new OcelotCtl.CommandFailure("--as: " + e.getMessage());
            }
        }
        if (bgpPort < 1 || bgpPort > 65535) throw new OcelotCtl.CommandFailure("--bgp-port: " + bgpPort + " not in 1..65535");
        if (!dataplane.equals("dpdk") && !dataplane.equals("none")) throw new OcelotCtl.CommandFailure("--dataplane must be dpdk or none, got '" + dataplane + "'");
        if (!router && !routerPorts.isEmpty()) throw new OcelotCtl.CommandFailure("--router-port needs --router");
        if (router && !dataplane.equals("dpdk")) throw new OcelotCtl.CommandFailure("--router needs --dataplane dpdk (its ports are the fastpath's)");
        if (router && routerPorts.isEmpty()) throw new OcelotCtl.CommandFailure("--router needs at least one --router-port IFACE facing the rack");
        Path dir = runDir != null ? runDir : NodeCommand.RUN_ROOT.resolve(nodeName);
        PrintWriter out = node.root.out;
        if (NodeStatusClient.running(dir)) throw new OcelotCtl.CommandFailure("a node is already running on " + dir);
        try {
            // before autodetection: a crashed node's uplink has its address on no interface
            UplinkRecord.recover(dir).ifPresent(out::println);
        } catch (IllegalStateException e) {
            throw new OcelotCtl.CommandFailure(e.getMessage());
        }
        NodeStartup startup = new NodeStartup(new ResourceStore(node.root.store()), line -> {
            out.println(line);
            out.flush();
        });
        NodeResource resource = startup.prepare(nodeName, address, method, asNumber);
        if (router) out.println("Router mode: no IPAM block claimed (no workloads here)");
        else claimBlock(nodeName, out);

        NodeDataplane plane = null;
        if (dataplane.equals("dpdk")) plane = startDataplane(nodeName, resource, startup.addressInterface(), dir, out);
        NodeProcess process;
        try {
            process = NodeProcess.start(node.root.store(), nodeName, bgpPort, dir, Clock.systemUTC(), plane,
                    metricsAddress.equals("none") ? null : metricsAddress);
        } catch (IOException | RuntimeException e) {
            throw new OcelotCtl.CommandFailure("node " + nodeName + " not started: " + e.getMessage());
        }
        NodeLogLevel.follow(node.root.store(), nodeName, logLevel != null);
        if (process.restoredRoutes() >= 0) {
            out.println("Graceful restart: " + process.restoredRoutes() + " learned routes restored from the previous run");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process, nodeName, out, stopped), "ocelot-node-shutdown"));
        if (process.metrics() != null) {
            out.println("Metrics and health on http://" + process.metrics().address().getHostString() + ":" + process.metrics().address().getPort());
        }
        out.println("Ocelot node started successfully");
        out.flush();
        stopped.await();
        return 0;
    }

    private void claimBlock(String nodeName, PrintWriter out) {
        var block = new BlockAffinityIpam(node.root.store()).claimAffineBlock(nodeName, 4);
        out.println(block.map(b -> "Using IPAM block " + b + " (affinity host:" + nodeName + ")")
                .orElse("No IPv4 IPAM block free for this node: workloads will borrow addresses from other nodes' blocks"));
        out.flush();
    }

    private NodeDataplane startDataplane(String nodeName, NodeResource resource, String addressInterface, Path dir, PrintWriter out) {
        String device = uplink != null ? uplink : addressInterface;
        if (device == null) {
            throw new OcelotCtl.CommandFailure("no interface here carries the node address " + resource.bgp().ipv4Address()
                    + ": give the fabric interface with --uplink IFACE");
        }
        DataplaneOptions options;
        try {
            options = new DataplaneOptions(Uplink.of(uplinkDriver, device), hostTap, WorkloadInterfaceKind.of(workloadInterface), idle,
                    workers, memoryMb, hugepages, routerPorts);
        } catch (IllegalArgumentException e) {
            throw new OcelotCtl.CommandFailure(e.getMessage());
        }
        try {
            return NodeDataplane.start(nodeName, resource.bgp().ipv4Address(), options, dir, line -> {
                out.println(line);
                out.flush();
            });
        } catch (RuntimeException e) {
            throw new OcelotCtl.CommandFailure("node " + nodeName + ": dataplane not started: " + e.getMessage()
                    + " (see 'ocelotctl node checksystem')");
        }
    }

    private void stop(NodeProcess process, String nodeName, PrintWriter out, CountDownLatch stopped) {
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
            if (process.dataplane() != null) out.println("Dataplane stopped: workload ports and host TAP removed, uplink restored");
        }
        out.flush();
        stopped.countDown();
    }
}
