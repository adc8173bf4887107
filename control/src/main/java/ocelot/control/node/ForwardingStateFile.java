package ocelot.control.node;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import ocelot.bgp.wire.IpAddresses;
import ocelot.bgp.wire.Prefix;

/**
 * The learned routes a node saves when it stops for a graceful restart and loads when it starts
 * again ({@code RUNDIR/forwarding-state}): the dataplane lives in the node process, so this file
 * is how its FIB survives the process. One route a line, {@code PREFIX via NEXTHOP}, after a
 * {@code #} header. Written to a temporary file and renamed, so a crash mid-write leaves no half
 * file; loading consumes (deletes) it, so a later crash cannot resurrect stale routes.
 */
final class ForwardingStateFile {
    static final String NAME = "forwarding-state";
    private static final String HEADER = "# ocelot forwarding state v1";

    private ForwardingStateFile() {
    }

    static void write(Path runDir, String node, Map<Prefix, InetAddress> routes) throws IOException {
        Files.createDirectories(runDir);
        Path tmp = runDir.resolve(NAME + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
            w.write(HEADER + ", node " + node + ", " + routes.size() + " routes\n");
            for (Map.Entry<Prefix, InetAddress> e : routes.entrySet()) {
                w.write(e.getKey() + " via " + e.getValue().getHostAddress() + "\n");
            }
        }
        Files.move(tmp, runDir.resolve(NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The saved routes, or null when there is no file; a damaged file is an error naming file and line. */
    static SortedMap<Prefix, InetAddress> take(Path runDir) throws IOException {
        Path file = runDir.resolve(NAME);
        if (!Files.exists(file)) return null;
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        Files.delete(file);
        if (lines.isEmpty() || !lines.getFirst().startsWith(HEADER)) {
            throw new IllegalArgumentException(file + ": line 1: not an Ocelot forwarding state file (expected '" + HEADER + "')");
        }
        SortedMap<Prefix, InetAddress> routes = new TreeMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).strip().split(" ");
            try {
                if (f.length != 3 || !f[1].equals("via")) throw new IllegalArgumentException("expected 'PREFIX via NEXTHOP', got '" + lines.get(i) + "'");
                Prefix p = Prefix.parse(f[0]);
                InetAddress nh = IpAddresses.inet(f[2]);
                if (routes.put(p, nh) != null) throw new IllegalArgumentException(p + " listed twice");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return routes;
    }
}
