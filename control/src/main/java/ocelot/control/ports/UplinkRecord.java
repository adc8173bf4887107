package ocelot.control.ports;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the host TAP takes from the uplink, written to {@code RUNDIR/uplink.json} before the
 * first change and removed after the last undo: a node killed with SIGKILL (or crashed) leaves
 * it, and the next start gives the uplink back first (Calico-VPP rescans after a restart;
 * without this the uplink would stay addressless, deaf to ARP and dropped by iptables).
 *
 * @param addresses the global addresses moved to the TAP
 * @param routes the static routes moved with them ({@code ip route add} arguments)
 * @param arpWasOn the uplink answered ARP before (it gets {@code arp off})
 * @param addedIptables / addedIp6tables the raw DROP rules this node added (a rule already there is left)
 * @param ipv6SysctlBefore disable_ipv6's value before (null: not changed, ip6tables was used)
 */
public record UplinkRecord(String uplink, List<String> addresses, List<List<String>> routes, boolean arpWasOn, boolean addedIptables,
                           boolean addedIp6tables, String ipv6SysctlBefore) {
    public static final String FILE = "uplink.json";
    private static final Logger LOG = LoggerFactory.getLogger(UplinkRecord.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The record of a router's further port {@code iface} (router mode): {@code RUNDIR/uplink-IFACE.json}. */
    static String portFile(String iface) {
        return "uplink-" + iface + ".json";
    }

    /** Written to {@code RUNDIR/FILE} ({@link #FILE}, or {@link #portFile}) then renamed, so a crash mid-write leaves the previous file or none. */
    void write(Path runDir, String fileName) {
        try {
            Files.createDirectories(runDir);
            Path tmp = runDir.resolve(fileName + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, runDir.resolve(fileName), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + runDir.resolve(fileName) + ": " + e.getMessage());
        }
    }

    static Optional<UplinkRecord> read(Path runDir, String fileName) {
        Path file = runDir.resolve(fileName);
        if (!Files.exists(file)) return Optional.empty();
        try {
            return Optional.of(JSON.readValue(file.toFile(), UplinkRecord.class));
        } catch (IOException e) {
            throw new IllegalStateException(file + " is damaged (" + e.getMessage() + "): restore the uplink by hand, then delete it");
        }
    }

    static void delete(Path runDir, String fileName) {
        try {
            Files.deleteIfExists(runDir.resolve(fileName));
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", runDir.resolve(fileName), e.getMessage());
        }
    }

    /** Gives the uplink back what the record says was taken; each step tolerates having been done already. */
    void restore() {
        for (String a : addresses) step(List.of("ip", "addr", "add", a, "dev", uplink));
        for (List<String> r : routes) {
            try {
                KernelLink.addRoute(uplink, r);
            } catch (RuntimeException e) {
                LOG.error("uplink {}: route {} not restored: {}", uplink, String.join(" ", r), e.getMessage());
            }
        }
        if (arpWasOn) step(List.of("ip", "link", "set", "dev", uplink, "arp", "on"));
        if (addedIptables) step(dropRule("iptables", "-D"));
        if (addedIp6tables) step(dropRule("ip6tables", "-D"));
        if (ipv6SysctlBefore != null) step(List.of("sysctl", "-qw", "net.ipv6.conf." + uplink + ".disable_ipv6=" + ipv6SysctlBefore));
    }

    List<String> dropRule(String tool, String op) {
        return List.of(tool, "-t", "raw", op, "PREROUTING", "-i", uplink, "-j", "DROP");
    }

    private static void step(List<String> command) {
        KernelCommand.Result r = KernelCommand.tryRun(command);
        // "File exists": the address is back already; "Bad rule": the rule is gone already
        if (!r.ok() && !r.error().contains("File exists") && !r.error().contains("Bad rule") && !r.error().contains("does a matching rule exist")) {
            LOG.error("restoring the uplink: '{}' failed: {}", String.join(" ", command), r.error().strip());
        }
    }

    /**
     * Restores and forgets the records a node that did not stop cleanly left in {@code runDir}
     * (its uplink's and, in router mode, each further port's); returns what it did, one line per interface.
     */
    public static Optional<String> recover(Path runDir) {
        List<String> files = new ArrayList<>();
        if (Files.exists(runDir.resolve(FILE))) files.add(FILE);
        if (Files.isDirectory(runDir)) {
            try (var s = Files.list(runDir)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("uplink-") && n.endsWith(".json")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new IllegalStateException("cannot list " + runDir + ": " + e.getMessage());
            }
        }
        List<String> done = new ArrayList<>();
        for (String f : files) {
            read(runDir, f).ifPresent(r -> {
                r.restore();
                delete(runDir, f);
                done.add("Restored uplink " + r.uplink() + " (addresses " + r.addresses() + ") left by a node that did not stop cleanly");
            });
        }
        return done.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", done));
    }

    static List<List<String>> copy(List<List<String>> routes) {
        List<List<String>> out = new ArrayList<>();
        for (List<String> r : routes) out.add(List.copyOf(r));
        return out;
    }
}
