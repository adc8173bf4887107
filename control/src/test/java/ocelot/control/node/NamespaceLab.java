package ocelot.control.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces and the processes a test starts in them, torn down in the safe order
 * whatever happened: every process was started in its own session (setsid, so its pid is its
 * process group), is sent SIGTERM, then SIGKILL after a timeout, as a group, and only then are
 * the namespaces deleted (a process left inside keeps its namespace and veth alive:
 * ../shared/DESIGN.md, the orphan trap).
 */
final class NamespaceLab implements AutoCloseable {
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    /** Creates namespace {@code name} with lo up. */
    String namespace(String name) throws IOException, InterruptedException {
        run("ip", "netns", "add", name);
        namespaces.add(name);
        in(name, "ip", "link", "set", "lo", "up");
        return name;
    }

    /** A veth pair between two namespaces, each end named {@code eth0}, up, tx checksum offload off (veth leaves them partial). */
    void link(String nsA, String nsB, String tag) throws IOException, InterruptedException {
        String a = "va" + tag, b = "vb" + tag;
        run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
        run("ip", "link", "set", a, "netns", nsA);
        run("ip", "link", "set", b, "netns", nsB);
        for (String[] end : new String[][] {{nsA, a}, {nsB, b}}) {
            in(end[0], "ip", "link", "set", end[1], "name", "eth0");
            in(end[0], "ip", "link", "set", "eth0", "up");
            in(end[0], "ethtool", "-K", "eth0", "tx", "off");
        }
    }

    /** Runs a command in {@code ns}; returns stdout; fails with its output when it fails. */
    String in(String ns, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    /** Exit code of a command in {@code ns} (output discarded), -1 on a 30 s timeout. */
    int status(String ns, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " timed out");
        }
        if (p.exitValue() != 0) throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        return out;
    }

    /** Starts a long-running command in {@code ns} in its own session, stderr (and stdout unless piped) to {@code log}. */
    Process start(String ns, Path log, boolean pipeStdout, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns, "setsid"));
        full.addAll(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (!pipeStdout) pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** SIGTERM to the process's group; true when it exited within {@code seconds}. */
    static boolean terminate(Process p, int seconds) throws InterruptedException {
        signal(p, "TERM");
        return p.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** SIGKILL to the process's group (a crash: nothing of the node's shutdown runs); waits for it. */
    static void kill(Process p) throws InterruptedException {
        signal(p, "KILL");
        p.waitFor(10, TimeUnit.SECONDS);
    }

    private static void signal(Process p, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + p.pid()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException ignored) {
            // the group is gone already
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive() && !terminate(p, 20)) {
                signal(p, "KILL");
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (String ns : namespaces) {
            try {
                run("ip", "netns", "delete", ns);
            } catch (IOException | IllegalStateException ignored) {
                // already gone
            }
        }
    }
}
