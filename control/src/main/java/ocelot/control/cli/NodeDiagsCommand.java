package ocelot.control.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.node.NodeQueryClient;
import ocelot.control.ports.KernelCommand;
import ocelot.control.resource.ClusterSetting;
import ocelot.control.resource.Kind;
import ocelot.control.resource.Resource;
import ocelot.control.resource.ResourceCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code node diags}: a tar.gz of what support asks for, as calicoctl's diags: the running
 * node's status, dataplane summary, counters (Prometheus text), FIB, its run directory, the
 * datastore's configuration (settings, nodes, pools, peers), the host's links, addresses,
 * routes, namespaces and iptables raw table, and the node's log files if it writes any.
 */
@Command(name = "diags", description = "Collect diagnostics (status, counters, FIB, config, host network state, logs) into a tar.gz.")
final class NodeDiagsCommand implements Callable<Integer> {
    @ParentCommand
    NodeCommand node;

    @Option(names = "--name", paramLabel = "NAME", description = "The node to ask (default: the one running here).")
    String name;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "The node's run directory (default /var/run/ocelot/NAME).")
    Path runDir;

    @Option(names = "--log-dir", paramLabel = "DIR", defaultValue = "/var/log/ocelot", description = "Where the node's logs are (default /var/log/ocelot).")
    Path logDir;

    @Option(names = "--output-dir", paramLabel = "DIR", description = "Where the archive goes (default: the system temp folder).")
    Path outputDir;

    @Override
    public Integer call() throws IOException {
        Path dir = NodeCommand.runDirectory(node.root, name, runDir);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path work = Files.createTempDirectory("ocelot-diags-");
        Path root = work.resolve("diags-" + stamp);
        Files.createDirectories(root);
        try {
            node.root.out.println("Collecting diagnostics");
            boolean running = NodeQueryClient.ask(dir, "dataplane").isPresent();
            for (String q : List.of("dataplane", "routes", "metrics")) {
                Files.writeString(root.resolve("node-" + q + ".txt"), NodeQueryClient.ask(dir, q).orElse("Ocelot process is not running.\n"));
            }
            copyTree(dir, root.resolve("run-dir"));
            copyTree(logDir, root.resolve("logs"));
            Files.writeString(root.resolve("config.yaml"), configuration());
            Map<String, List<String>> host = Map.of(
                    "ip-link.txt", List.of("ip", "-d", "link", "show"),
                    "ip-addr.txt", List.of("ip", "addr", "show"),
                    "ip-route.txt", List.of("ip", "route", "show", "table", "all"),
                    "ip-netns.txt", List.of("ip", "netns", "list"),
                    "iptables-raw.txt", List.of("iptables-save", "-t", "raw", "-c"),
                    "uname.txt", List.of("uname", "-a"));
            for (var e : host.entrySet()) {
                KernelCommand.Result r = KernelCommand.tryRun(e.getValue());
                Files.writeString(root.resolve(e.getKey()), "$ " + String.join(" ", e.getValue()) + "\n" + r.output() + r.error());
            }
            Path archive = (outputDir != null ? outputDir : Path.of(System.getProperty("java.io.tmpdir"))).resolve("ocelot-diags-" + stamp + ".tar.gz");
            KernelCommand.run("tar", "-czf", archive.toString(), "-C", work.toString(), root.getFileName().toString());
            if (!running) node.root.out.println("Ocelot process is not running: the archive holds the configuration and host state only");
            node.root.out.println("Diags saved to " + archive);
            return 0;
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private String configuration() {
        StringBuilder b = new StringBuilder();
        try {
            ResourceStore resources = new ResourceStore(node.root.store());
            for (ClusterSetting s : ClusterSetting.values()) b.append("# ").append(s.settingName()).append(": ").append(resources.setting(s)).append('\n');
            for (Kind k : List.of(Kind.NODE, Kind.IP_POOL, Kind.BGP_PEER)) {
                List<Resource> list = resources.list(k, r -> true).stream()
                        .map(r -> r instanceof ocelot.control.resource.BgpPeer p ? (Resource) p.redacted() : r).toList();
                if (!list.isEmpty()) b.append(ResourceCodec.toYaml(list));
            }
        } catch (RuntimeException e) {
            b.append("# datastore not readable: ").append(e.getMessage()).append('\n');
        }
        return b.toString();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) return;
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else if (Files.isRegularFile(p)) Files.copy(p, target); // sockets are skipped
            }
        }
    }
}
