package ocelot.control.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces and the processes a test starts in them, all removed by {@link #close()}
 * even after a failure: processes first (each in its own process group, TERM then KILL), then
 * anything else still inside a namespace ({@code ip netns pids}: a process started there keeps
 * it alive after {@code ip netns del}), then the namespaces. Names carry this JVM's pid so
 * parallel runs never share one.
 */
final class Namespaces implements AutoCloseable {
    private final String suffix = Long.toString(ProcessHandle.current().pid());
    private final List<String> created = new ArrayList<>();
    private final List<GroupProcess> processes = new ArrayList<>();

    /** Output of a finished command. */
    record Result(int exit, String out) {}

    /** Creates namespace {@code base-PID} with its loopback up; returns the name. */
    String add(String base) {
        String name = base + "-" + suffix;
        run(30, "ip", "netns", "add", name);
        created.add(name);
        run(30, "ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    /** A name made unique for this run (interfaces: keep base ≤ 8 characters so the result fits IFNAMSIZ). */
    String unique(String base) {
        return base + suffix;
    }

    /** Runs a shell script inside {@code ns} (host namespace when null); fails unless it exits 0. */
    String sh(String ns, String script) {
        Result r = tryRun(60, ns, "sh", "-c", script);
        if (r.exit() != 0) throw new IllegalStateException((ns == null ? "" : "[" + ns + "] ") + script + " exited " + r.exit() + ": " + r.out());
        return r.out();
    }

    /** Runs a command in the host namespace; fails unless it exits 0. */
    String run(int timeoutSeconds, String... cmd) {
        Result r = tryRun(timeoutSeconds, null, cmd);
        if (r.exit() != 0) throw new IllegalStateException(String.join(" ", cmd) + " exited " + r.exit() + ": " + r.out());
        return r.out();
    }

    /** Runs a command (inside {@code ns} when not null) in its own process group, killed at the timeout; stdout and stderr together. */
    Result tryRun(int timeoutSeconds, String ns, String... cmd) {
        return tryRun(timeoutSeconds, ns, null, cmd);
    }

    /** As {@link #tryRun(int, String, String...)}, with stderr to {@code stderr} when not null (stdout alone is the result). */
    Result tryRun(int timeoutSeconds, String ns, Path stderr, String... cmd) {
        List<String> full = command(ns, List.of(cmd));
        try {
            Path out = Files.createTempFile("ocelot-e2e-", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(full).redirectOutput(out.toFile());
                if (stderr == null) pb.redirectErrorStream(true);
                else pb.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
                Process p = pb.start();
                GroupProcess g = new GroupProcess(p, String.join(" ", cmd));
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    g.stop();
                    return new Result(-1, "timed out after " + timeoutSeconds + " s: " + Files.readString(out));
                }
                g.stop(); // children it left behind in its group
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + full + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + full);
        }
    }

    /** Starts a long-running command (inside {@code ns} when not null), output appended to {@code log}. */
    GroupProcess start(String ns, Path log, List<String> cmd) {
        try {
            Process p = new ProcessBuilder(command(ns, cmd)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            GroupProcess g = new GroupProcess(p, String.join(" ", cmd));
            processes.add(g);
            return g;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cmd + ": " + e.getMessage(), e);
        }
    }

    /** setsid makes the command its own process group leader (pgid = pid), so the whole group can be killed. */
    private static List<String> command(String ns, List<String> cmd) {
        List<String> full = new ArrayList<>(List.of("setsid"));
        if (ns != null) full.addAll(List.of("ip", "netns", "exec", ns));
        full.addAll(cmd);
        return full;
    }

    @Override
    public void close() {
        for (GroupProcess p : processes.reversed()) p.stop();
        processes.clear();
        for (String ns : created.reversed()) {
            Result pids = tryRun(10, null, "ip", "netns", "pids", ns);
            for (String pid : pids.out().split("\\s+")) {
                if (pid.matches("\\d+")) tryRun(10, null, "kill", "-KILL", pid);
            }
            tryRun(30, null, "ip", "netns", "del", ns);
        }
        created.clear();
    }

    /** A process group started with setsid: stopped with TERM, then KILL after 10 s. */
    static final class GroupProcess {
        private final Process process;
        private final String what;

        GroupProcess(Process process, String what) {
            this.process = process;
            this.what = what;
        }

        boolean alive() {
            return process.isAlive();
        }

        String what() {
            return what;
        }

        void stop() {
            signal("TERM");
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) signal("KILL");
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            signal("KILL"); // what the leader left in its group
        }

        /** SIGKILL to the whole group, as a crash would end it; waits until the leader is gone. */
        void kill() {
            signal("KILL");
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) throw new IllegalStateException(what + " survived SIGKILL for 20 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void signal(String sig) {
            try {
                new ProcessBuilder("kill", "-" + sig, "--", "-" + process.pid()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
            } catch (IOException e) {
                // kill(1) missing or the group gone: nothing left to stop
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
