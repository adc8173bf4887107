package ocelot.control.ports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the host's network tools ({@code ip}, {@code iptables}, {@code nsenter}) and
 * returns its output; a failure throws naming the command and what it printed, so the error a
 * user sees says which step of setting up a port failed and why.
 */
public final class KernelCommand {
    private static final long TIMEOUT_SECONDS = 20;

    private KernelCommand() {}

    /** Runs {@code command}; returns stdout; throws IllegalStateException with the command and its stderr on failure. */
    public static String run(String... command) {
        return run(List.of(command));
    }

    public static String run(List<String> command) {
        Result r = tryRun(command);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' failed"
                    + (r.exitCode() < 0 ? " (timed out)" : " (exit " + r.exitCode() + ")") + (r.error().isBlank() ? "" : ": " + r.error().strip()));
        }
        return r.output();
    }

    /** Output, error text and exit code (-1 when it timed out or could not start). */
    public record Result(int exitCode, String output, String error) {
        public boolean ok() { return exitCode == 0; }
    }

    public static Result tryRun(String... command) {
        return tryRun(List.of(command));
    }

    public static Result tryRun(List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            return new Result(-1, "", "cannot start " + command.getFirst() + ": " + e.getMessage());
        }
        try {
            // read both streams off-thread: a chatty command must not block on a full pipe
            String[] errText = new String[1];
            Thread err = Thread.ofVirtual().start(() -> errText[0] = readAll(p.getErrorStream()));
            String out = readAll(p.getInputStream());
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out, "timed out after " + TIMEOUT_SECONDS + " s");
            }
            err.join();
            return new Result(p.exitValue(), out, errText[0] == null ? "" : errText[0]);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "", "interrupted");
        }
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
