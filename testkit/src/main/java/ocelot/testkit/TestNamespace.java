package ocelot.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A network namespace a test creates and {@link #close() removes}, in the order that leaves
 * nothing: first every process started in it ({@link #start}, killed by process group), then any
 * other process still inside ({@code ip netns pids}: a process keeps a namespace alive after
 * {@code ip netns delete}), then the namespace, then the host ends of its veth pairs in case one
 * survived. Names go into the run's ledger (see {@link TestRun}) as they are created, so the
 * cleanliness check and the sweeper know them as this run's.
 */
public final class TestNamespace implements AutoCloseable {
    /** Commands in a namespace (ip, ethtool, ping, sysctl) are short: this bounds a stuck one. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final List<GroupedProcess> started = new ArrayList<>();
    private final List<String> hostLinks = new ArrayList<>();

    private TestNamespace(String name) {
        this.name = name;
    }

    /** {@code ip netns add name}; the name should carry the test JVM's pid so parallel runs differ. */
    public static TestNamespace create(String name) {
        TestRun.record("netns", name);
        HostCommand.check(null, "ip", "netns", "add", name);
        return new TestNamespace(name);
    }

    public String name() {
        return name;
    }

    /**
     * A veth pair: {@code inside} in this namespace (up, with lo up), {@code host} in the host
     * namespace (up, IPv6 off, no address). Returns {@code host}.
     */
    public String vethToHost(String host, String inside) {
        TestRun.record("link", host);
        hostLinks.add(host);
        HostCommand.check(null, "ip", "link", "add", host, "type", "veth", "peer", "name", inside, "netns", name);
        HostCommand.run(null, "sysctl", "-qw", "net.ipv6.conf." + host + ".disable_ipv6=1");
        HostCommand.check(null, "ip", "link", "set", host, "up");
        check("ip", "link", "set", "lo", "up");
        check("ip", "link", "set", inside, "up");
        return host;
    }

    /** Runs a short command in the namespace; fails naming it and quoting its output unless it exits 0. */
    public String check(String... command) {
        return HostCommand.check(name, command);
    }

    /** Runs a short command in the namespace: its exit status (-1: killed at its timeout). */
    public int exitOf(String... command) {
        return HostCommand.run(name, command).exit();
    }

    /** Starts a long-lived process in the namespace; it is killed with its group at {@link #close()} at the latest. */
    public GroupedProcess start(ProcessBuilder builder, Duration lifetime) throws IOException {
        GroupedProcess p = GroupedProcess.startIn(name, builder, lifetime);
        started.add(p);
        return p;
    }

    /** Pids of the processes in the namespace ({@code ip netns pids}). */
    public List<Long> pids() {
        return pids(name);
    }

    static List<Long> pids(String netns) {
        var r = GroupedProcess.run(COMMAND_TIMEOUT, null, List.of("ip", "netns", "pids", netns));
        if (!r.ok()) return List.of();
        return r.output().lines().map(String::trim).filter(l -> l.matches("\\d+")).map(Long::parseLong).toList();
    }

    @Override
    public void close() {
        for (GroupedProcess p : started) p.close();
        remove(name, hostLinks);
    }

    /**
     * Removes a namespace and host links whatever put them there (also the sweeper's way): kill
     * every process inside (by group, then by pid), delete the namespace, delete the links left.
     */
    static void remove(String netns, List<String> hostLinks) {
        for (int round = 0; round < 3; round++) {
            List<Long> inside = pids(netns);
            if (inside.isEmpty()) break;
            for (long pid : inside) {
                GroupedProcess.killGroup(pid);
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            for (long pid : inside) ProcessHandle.of(pid).ifPresent(h -> GroupedProcess.awaitExit(h, Duration.ofSeconds(5)));
        }
        HostCommand.run(null, "ip", "netns", "delete", netns);
        for (String link : hostLinks) {
            if (HostCommand.run(null, "ip", "link", "show", "dev", link).ok()) HostCommand.run(null, "ip", "link", "delete", link);
        }
    }
}
