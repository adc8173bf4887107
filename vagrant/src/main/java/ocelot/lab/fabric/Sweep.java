package ocelot.lab.fabric;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds and removes everything a lab run left: its processes (by the {@link RunId#ENV} in their
 * environment and by namespace membership), then its namespaces (only after the processes are
 * gone: a process inside keeps a namespace alive), interfaces, temp and DPDK runtime files.
 * Used on normal exit, on failure, from the shutdown hook (Ctrl-C), by {@code --down}, and by
 * each run's start for runs whose owner died (SIGKILL leaves no hook).
 */
public final class Sweep {
    private static final List<Path> FILE_ROOTS = List.of(Path.of("/tmp"), Path.of("/var/run/dpdk"), Path.of("/dev/hugepages"));

    private Sweep() {
    }

    /** Removes the run's processes, namespaces, interfaces and files; returns what it removed. */
    public static List<String> remove(RunId run) {
        List<String> removed = new ArrayList<>();
        Shell shell = new Shell(run);
        List<String> namespaces = namespaces().stream().filter(n -> n.startsWith(run.prefix() + "-")).toList();
        Set<Long> pids = new LinkedHashSet<>(processesOf(run));
        for (String ns : namespaces) {
            for (String line : shell.tryExec(List.of("ip", "netns", "pids", ns), 10).output().split("\\s+")) {
                if (line.matches("\\d+")) pids.add(Long.parseLong(line));
            }
        }
        pids.remove(ProcessHandle.current().pid());
        if (!pids.isEmpty()) {
            removed.add(pids.size() + " processes");
            signal(pids, "TERM");
            if (!awaitGone(pids, 5_000)) {
                signal(pids, "KILL");
                awaitGone(pids, 5_000);
            }
        }
        for (String ns : namespaces) {
            shell.tryExec(List.of("ip", "netns", "del", ns), 10);
            removed.add("netns " + ns);
        }
        for (String link : hostLinks(shell)) {
            if (link.startsWith(run.prefix())) {
                shell.tryExec(List.of("ip", "link", "del", link), 10);
                removed.add("link " + link);
            }
        }
        for (Path root : FILE_ROOTS) {
            for (Path p : list(root)) {
                if (p.getFileName().toString().startsWith(run.prefix() + "-")) {
                    deleteTree(p);
                    removed.add(p.toString());
                }
            }
        }
        return removed;
    }

    /** Every run that left something on this machine, whether its owner lives or not. */
    public static Set<RunId> runsPresent() {
        Set<RunId> runs = new LinkedHashSet<>();
        namespaces().forEach(n -> RunId.owning(n).ifPresent(runs::add));
        for (Path root : FILE_ROOTS) {
            for (Path p : list(root)) RunId.owning(p.getFileName().toString()).ifPresent(runs::add);
        }
        allProcesses().forEach(pid -> labRunOf(pid).ifPresent(runs::add));
        return runs;
    }

    /** Runs whose owning lab process is gone (killed, or a finished {@code --keep} run). */
    public static List<RunId> abandoned() {
        return runsPresent().stream().filter(r -> !Owner.alive(r)).toList();
    }

    public static List<String> namespaces() {
        try {
            Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            List<String> names = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) names.add(line.split("\\s+")[0]);
            }
            return names;
        } catch (IOException e) {
            throw new LabException("ip netns list: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** Interfaces in the host's own namespace (the lab makes none there; a crash might). */
    private static List<String> hostLinks(Shell shell) {
        List<String> names = new ArrayList<>();
        for (String line : shell.tryExec(List.of("ip", "-o", "link", "show"), 10).output().split("\n")) {
            String[] f = line.split(":\\s+");
            if (f.length > 1) names.add(f[1].split("@")[0]);
        }
        return names;
    }

    public static List<Long> processesOf(RunId run) {
        return allProcesses().filter(pid -> labRunOf(pid).filter(run::equals).isPresent()).toList();
    }

    private static Stream<Long> allProcesses() {
        return ProcessHandle.allProcesses().map(ProcessHandle::pid);
    }

    private static Optional<RunId> labRunOf(long pid) {
        try {
            byte[] env = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            for (String var : new String(env, StandardCharsets.UTF_8).split("\0")) {
                if (var.startsWith(RunId.ENV + "=")) {
                    String value = var.substring(RunId.ENV.length() + 1);
                    return value.matches("ocl[a-z0-9]{5}") ? Optional.of(new RunId(value)) : Optional.empty();
                }
            }
        } catch (IOException ignored) {
            // gone, or a kernel thread
        }
        return Optional.empty();
    }

    /**
     * Signals each process's group if it leads one of its own (daemons: setsid), else just the
     * process: a short command shares the lab JVM's group, which must not be signalled.
     */
    private static void signal(Set<Long> pids, String signal) {
        long ownGroup = processGroup(ProcessHandle.current().pid());
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal, "--"));
        for (long pid : pids) {
            long group = processGroup(pid);
            cmd.add(group > 0 && group != ownGroup ? "-" + group : Long.toString(pid));
        }
        try {
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            throw new LabException("kill: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static long processGroup(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[2]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static boolean awaitGone(Set<Long> pids, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (pids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))) return true;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new LabException("cannot remove " + root + ": " + e.getMessage());
        }
    }
}
