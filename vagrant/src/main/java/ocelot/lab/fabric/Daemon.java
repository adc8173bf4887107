package ocelot.lab.fabric;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A long-running process (a node, BIRD, etcd) started inside a namespace in a process group of
 * its own: {@code setsid} execs {@code ip netns exec}, which execs the program, so the pid Java
 * sees is the group leader. Stopping signals the whole group (a shell script's children too),
 * waits, then SIGKILLs it: a process left inside a namespace would keep that namespace alive.
 */
public final class Daemon implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private Daemon(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static Daemon start(RunId run, String name, String namespace, List<String> command, Map<String, String> env, Path log) {
        List<String> cmd = new ArrayList<>(List.of("setsid", "ip", "netns", "exec", namespace));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put(RunId.ENV, run.prefix());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            return new Daemon(name, p, log);
        } catch (IOException e) {
            throw new LabException("cannot start " + name + " (" + String.join(" ", command) + "): " + e.getMessage());
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** The log's last lines, for an error message. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGKILL to the group, no chance to say goodbye: a crash. */
    public void kill() {
        signalGroup(process.pid(), "KILL");
        awaitExit(5);
    }

    /** SIGTERM to the group, up to {@code graceSeconds} to exit, then SIGKILL. */
    public void stop(int graceSeconds) {
        if (process.isAlive()) {
            signalGroup(process.pid(), "TERM");
            if (awaitExit(graceSeconds)) return;
        }
        kill();
    }

    @Override
    public void close() {
        stop(5);
    }

    private boolean awaitExit(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** kill(1) on a process group; a group already gone is fine. */
    static void signalGroup(long pgid, String signal) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, "--", "-" + pgid).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new LabException("kill -" + signal + " -" + pgid + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
