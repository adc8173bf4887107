package ocelot.bgp.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;

import ocelot.testkit.GroupedProcess;

/**
 * What the interop tests' BIRD, FRR and GoBGP processes share: a temp directory of their own with
 * the daemon's log in it, a command-line client, SIGKILL as the way to play a crash (no
 * NOTIFICATION), and {@link #close()} killing the daemon and deleting the directory, even after
 * a failed start or test. The daemon and its clients run in process groups of their own with a
 * lifetime (testkit's GroupedProcess): killed with everything they forked, and gone by the end of
 * the lifetime even if the test JVM is SIGKILLed.
 */
public abstract class DaemonProcess implements AutoCloseable {
    protected final Path dir;
    private final Path logFile;
    /** A daemon outlives no test class: the bound holds even when nothing else kills it. */
    static final Duration LIFETIME = Duration.ofMinutes(30);
    protected GroupedProcess process;

    protected DaemonProcess(Path dir, String logName) {
        this.dir = dir;
        this.logFile = dir.resolve(logName);
    }

    /** A start step that may fail with an I/O error. */
    protected interface StartStep<D> {
        void run(D daemon) throws IOException;
    }

    /** Runs {@code start} on a new daemon: one that fails to start is still killed and its directory deleted. */
    protected static <D extends DaemonProcess> D started(D daemon, StartStep<D> start) throws IOException {
        try {
            start.run(daemon);
            return daemon;
        } catch (IOException | RuntimeException e) {
            daemon.close();
            throw e;
        }
    }

    /** Starts the daemon with its output appended to the log (a restart keeps the earlier lines). */
    protected final void launch(List<String> command) throws IOException {
        process = GroupedProcess.start(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())), LIFETIME);
    }

    /** Fails naming the daemon and quoting its log when it did not come up, or exited while coming up. */
    protected final void awaitReady(String daemon, String readyMeans, BooleanSupplier ready) {
        if (!waitFor(Duration.ofSeconds(20), () -> !process.isAlive() || ready.getAsBoolean())) {
            throw new IllegalStateException(daemon + " did not " + readyMeans + "; log:\n" + log());
        }
        if (!process.isAlive()) throw new IllegalStateException(daemon + " exited with " + process.process().exitValue() + "; log:\n" + log());
    }

    public String log() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** A client command's output and exit status (-1: killed after 20 s). */
    protected record ClientOutput(int exit, String text) {
        boolean ok() {
            return exit == 0;
        }
    }

    protected static ClientOutput runClient(List<String> command) {
        GroupedProcess.Result r = GroupedProcess.run(Duration.ofSeconds(20), null, command);
        return new ClientOutput(r.exit(), r.output());
    }

    public static boolean waitFor(Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }

    /** SIGKILL, as a crash: the peer sees its TCP connection close without a NOTIFICATION. */
    protected void stop() {
        if (process != null) process.close();
    }

    @Override
    public void close() {
        stop();
        deleteTree(dir);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (var s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp files: best effort
        }
    }
}
