package ocelot.testkit;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Cleanup after a run that could not clean up itself (its test JVM SIGKILLed, bin/test
 * interrupted, a test that leaked): at the start of the next run, every run directory
 * {@code /tmp/ocelot-test-<id>} whose owner is gone is swept: the processes carrying its tag are
 * SIGKILLed (by group, then by pid), the namespaces and host links in its ledger removed, its
 * {@code /dev/shm/ocelot-test-<id>-*} folders and the directory itself deleted. DPDK runtime
 * directories {@code /var/run/dpdk/ocelot<pid>} whose process is gone are deleted too (a dead
 * process's runtime directory serves nobody). Nothing untagged and unledgered is touched: on a
 * shared machine it may be another live run's.
 */
public final class Sweeper {
    private Sweeper() {
    }

    public static void sweepDeadRuns(PrintStream log) {
        for (String name : HostState.names(TestRun.RUNS_ROOT)) {
            if (!Leftovers.isRunDir(name)) continue;
            TestRun run = TestRun.of(name.substring(TestRun.DIR_PREFIX.length()));
            if (!run.ownerAlive()) sweep(run, log);
        }
        for (String d : HostState.names(HostState.DPDK_RUNTIME)) {
            if (d.matches("ocelot\\d+") && ProcessHandle.of(Long.parseLong(d.substring(6))).isEmpty()) {
                log.println("ocelot: swept DPDK runtime directory of dead process: " + HostState.DPDK_RUNTIME.resolve(d));
                deleteTree(HostState.DPDK_RUNTIME.resolve(d));
            }
        }
    }

    /** Removes everything {@code run} left; what it removed is printed. */
    public static List<String> sweep(TestRun run, PrintStream log) {
        List<String> swept = new ArrayList<>();
        List<HostState.ProcessInfo> tagged = HostState.readProcesses().values().stream()
                .filter(p -> run.id().equals(p.tag()) && p.pid() != ProcessHandle.current().pid()).toList();
        for (HostState.ProcessInfo p : tagged) {
            GroupedProcess.killGroup(p.pid());
            ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
            swept.add("process " + p);
        }
        for (HostState.ProcessInfo p : tagged) {
            ProcessHandle.of(p.pid()).ifPresent(h -> GroupedProcess.awaitExit(h, java.time.Duration.ofSeconds(5)));
        }
        List<String> links = run.entries().stream().filter(e -> e.kind().equals("link")).map(TestRun.Entry::name).toList();
        for (TestRun.Entry e : run.entries()) {
            if (e.kind().equals("netns") && Files.exists(HostState.NETNS_DIR.resolve(e.name()))) {
                TestNamespace.remove(e.name(), List.of());
                swept.add("network namespace " + e.name());
            }
        }
        for (String link : links) {
            if (Files.exists(Path.of("/sys/class/net", link))) {
                HostCommand.run(null, "ip", "link", "delete", link);
                swept.add("interface " + link);
            }
        }
        for (String n : HostState.names(Path.of("/dev/shm"))) {
            if (n.startsWith(TestRun.DIR_PREFIX + run.id() + "-")) {
                deleteTree(Path.of("/dev/shm", n));
                swept.add("temporary /dev/shm/" + n);
            }
        }
        deleteTree(run.dir());
        for (String s : swept) log.println("ocelot: swept (run " + run.id() + "): " + s);
        return swept;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // best effort: what stays is reported by the next check
        }
    }
}
