package ocelot.control.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import ocelot.control.node.NodeQueryClient;

/**
 * {@code node routes}: the node's FIB of BGP-learned routes as {@code birdc show route} prints
 * it: prefix, next hop, the peer it came from, and how long ago it was installed.
 */
@Command(name = "routes", description = "Print the running node's FIB (routes learned over BGP), like 'birdc show route'.")
final class NodeRoutesCommand implements Callable<Integer> {
    @ParentCommand
    NodeCommand node;

    @Option(names = "--name", paramLabel = "NAME", description = "The node to ask (default: the one running here).")
    String name;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "The node's run directory (default /var/run/ocelot/NAME).")
    Path runDir;

    @Override
    public Integer call() {
        Path dir = NodeCommand.runDirectory(node.root, name, runDir);
        String answer = NodeQueryClient.ask(dir, "routes").orElse(null);
        if (answer == null) {
            node.root.out.println("Ocelot process is not running.");
            return 1;
        }
        node.root.out.print(format(answer, Instant.now()));
        return 0;
    }

    /** The query socket's route lines as a table: birdc's "PREFIX via NEXTHOP [PEER AGE]". */
    static String format(String lines, Instant now) {
        StringBuilder b = new StringBuilder(String.format("%-20s %-16s %-16s %s%n", "PREFIX", "NEXT HOP", "VIA PEER", "AGE"));
        int n = 0;
        for (String line : lines.split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t", -1);
            if (f.length != 4) throw new OcelotCtl.CommandFailure("node answered an unreadable route line: " + line);
            String age = f[3].equals("-") ? "restored" : age(Duration.between(Instant.ofEpochMilli(Long.parseLong(f[3])), now));
            b.append(String.format("%-20s %-16s %-16s %s%n", f[0], f[1], f[2], age));
            n++;
        }
        if (n == 0) return "No routes learned over BGP.\n";
        return b.toString();
    }

    static String age(Duration d) {
        long s = Math.max(0, d.getSeconds());
        return s < 86400 ? String.format("%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : (s / 86400) + "d" + (s % 86400 / 3600) + "h";
    }
}
