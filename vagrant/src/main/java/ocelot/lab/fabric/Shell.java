package ocelot.lab.fabric;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs short commands (ip, sysctl, ethtool, birdc, ocelotctl) with a timeout; a failure throws
 * with the command and its output. Every process carries the run's {@link RunId#ENV}, so a sweep
 * after a crash finds even a command that was running when the lab died.
 */
public final class Shell {
    private final RunId run;
    private final Map<String, String> extraEnv;

    public Shell(RunId run, Map<String, String> extraEnv) {
        this.run = run;
        this.extraEnv = Map.copyOf(extraEnv);
    }

    public Shell(RunId run) {
        this(run, Map.of());
    }

    public RunId run() {
        return run;
    }

    public Shell withEnv(Map<String, String> env) {
        java.util.HashMap<String, String> all = new java.util.HashMap<>(extraEnv);
        all.putAll(env);
        return new Shell(run, all);
    }

    /** Runs the command in the host's namespace; returns stdout+stderr; throws on exit != 0. */
    public String exec(String... command) {
        return exec(List.of(command), 30);
    }

    /** Runs the command inside a namespace. */
    public String in(String namespace, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        cmd.addAll(List.of(command));
        return exec(cmd, 30);
    }

    public String exec(List<String> command, int timeoutSeconds) {
        Result r = tryExec(command, timeoutSeconds);
        if (r.exitCode != 0) {
            throw new LabException(String.join(" ", command) + " failed (exit " + r.exitCode + "): " + r.output.strip());
        }
        return r.output;
    }

    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs and returns exit code and output, whatever the exit code; a timeout kills it (exit -1). */
    public Result tryExec(List<String> command, int timeoutSeconds) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put(RunId.ENV, run.prefix());
        pb.environment().putAll(extraEnv);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            // Output is read on a virtual thread, so a chatty command cannot block on a full pipe.
            StringBuilder out = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the process was killed
                }
            });
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
                reader.join(1000);
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + out);
            }
            reader.join();
            return new Result(p.exitValue(), out.toString());
        } catch (IOException e) {
            throw new LabException(String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException(String.join(" ", command) + ": interrupted");
        }
    }
}
