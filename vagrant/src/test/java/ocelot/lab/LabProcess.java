package ocelot.lab;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code LabMain} run as a user runs {@code bin/ocelot}: a child JVM with this test's class
 * path, its output collected line by line (so a test can act on a progress line).
 */
final class LabProcess implements AutoCloseable {
    static final Path HOME = Path.of(System.getProperty("ocelot.home", "..")).toAbsolutePath().normalize();

    final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private LabProcess(Process process) {
        this.process = process;
        this.reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process was killed
            }
        });
    }

    static LabProcess start(String... args) throws java.io.IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Docelot.home=" + HOME, "-cp", System.getProperty("java.class.path"), LabMain.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        return new LabProcess(p);
    }

    /** Waits for a line containing {@code text}; false on timeout or when the process ended first. */
    boolean awaitLine(String text, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        synchronized (lines) {
            while (lines.stream().noneMatch(l -> l.contains(text))) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) return false;
                lines.wait(Math.min(left, 200));
            }
            return true;
        }
    }

    String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    int await(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        reader.join(5000);
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
