package ocelot.control.ports;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts a workload interface into its network namespace with Calico's addressing: renamed to
 * ifName, up, each address as a /32 (/128), a link route to 169.254.1.1 and the default route
 * via it (IPv6: via fe80::ecee:eeff:feee:eeee), both answered by the node's proxy ARP / ND.
 *
 * <p>A namespace is named to iproute2 by a file under /var/run/netns. Any other path (a
 * container's {@code /proc/PID/ns/net}, podman's {@code /run/netns/cni-...}) is bind-mounted
 * there under a temporary name for the duration, which needs no pid and works for every path
 * that names a namespace.
 */
public final class WorkloadNamespace implements AutoCloseable {
    static final Path NETNS_DIR = Path.of("/var/run/netns");
    private static final AtomicLong TEMP_NAMES = new AtomicLong();

    private final String name;
    private final Path temporary;

    private WorkloadNamespace(String name, Path temporary) {
        this.name = name;
        this.temporary = temporary;
    }

    /** Names the namespace at {@code netns} for iproute2; close releases a temporary name. */
    public static WorkloadNamespace open(String netns) {
        Path path = Path.of(netns);
        if (!Files.exists(path)) throw new IllegalArgumentException("netns " + netns + " does not exist");
        if (path.getParent() != null && (path.getParent().equals(NETNS_DIR) || path.getParent().equals(Path.of("/run/netns")))) {
            return new WorkloadNamespace(path.getFileName().toString(), null);
        }
        String tempName = "ocelot-" + ProcessHandle.current().pid() + "-" + TEMP_NAMES.incrementAndGet();
        Path temp = NETNS_DIR.resolve(tempName);
        try {
            Files.createDirectories(NETNS_DIR);
            Files.createFile(temp);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + temp + " to name netns " + netns + ": " + e.getMessage());
        }
        try {
            KernelCommand.run("mount", "--bind", netns, temp.toString());
        } catch (RuntimeException e) {
            deleteQuietly(temp);
            throw new IllegalArgumentException("netns " + netns + " is not a network namespace file: " + e.getMessage());
        }
        return new WorkloadNamespace(tempName, temp);
    }

    public String name() { return name; }

    /**
     * Moves {@code hostIfName} from the node's namespace into this one as {@code ifName}, with
     * the addresses and Calico's routes; returns the interface's MAC there.
     */
    public String plumb(String hostIfName, String ifName, List<String> addresses) {
        return plumb(hostIfName, ifName, addresses, null);
    }

    /**
     * As {@link #plumb(String, String, List)}, giving the interface {@code mac} unless null: a
     * workload re-attached after a node restart keeps the MAC its workloadEndpoint names.
     */
    public String plumb(String hostIfName, String ifName, List<String> addresses, String mac) {
        if (exists(ifName)) throw new IllegalStateException("interface " + ifName + " already exists in netns " + name);
        KernelCommand.run("ip", "link", "set", "dev", hostIfName, "netns", name);
        if (!hostIfName.equals(ifName)) ip("link", "set", "dev", hostIfName, "name", ifName);
        if (mac != null) ip("link", "set", "dev", ifName, "address", mac);
        boolean v6 = false;
        for (String a : addresses) {
            v6 |= a.contains(":");
            ip("addr", "add", a, "dev", ifName);
        }
        ip("link", "set", "dev", ifName, "up");
        if (addresses.stream().anyMatch(a -> !a.contains(":"))) {
            ip("-4", "route", "replace", "169.254.1.1", "dev", ifName, "scope", "link");
            ip("-4", "route", "replace", "default", "via", "169.254.1.1", "dev", ifName);
        }
        if (v6) ip("-6", "route", "replace", "default", "via", "fe80::ecee:eeff:feee:eeee", "dev", ifName);
        for (JsonNode link : KernelLink.json(ip("-j", "link", "show", "dev", ifName))) return link.path("address").asText();
        throw new IllegalStateException("interface " + ifName + " not found in netns " + name + " after moving it there");
    }

    /** True when {@code ifName} exists in this namespace. */
    public boolean exists(String ifName) {
        return KernelCommand.tryRun("ip", "-n", name, "link", "show", "dev", ifName).ok();
    }

    private String ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        return KernelCommand.run(cmd);
    }

    @Override
    public void close() {
        if (temporary == null) return;
        KernelCommand.tryRun("umount", temporary.toString());
        deleteQuietly(temporary);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover empty file in /var/run/netns names nothing and harms nothing
        }
    }
}
