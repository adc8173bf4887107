package ocelot.control.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real BIRD 2 ({@code /usr/sbin/bird}, Debian bird2) in the foreground with its config, control
 * socket and log in a temp directory; {@link #close()} kills it and deletes the directory, also
 * after a failure. The minimal part of bgp/'s test BirdDaemon, which other modules cannot reach.
 */
final class BirdProcess implements AutoCloseable {
    private final Path dir;
    private final Path socket;
    private final Process process;

    private BirdProcess(Path dir, Process process) {
        this.dir = dir;
        this.socket = dir.resolve("bird.ctl");
        this.process = process;
    }

    static BirdProcess start(String config) throws IOException {
        Path dir = Files.createTempDirectory("ocelot-node-bird2-");
        Files.writeString(dir.resolve("bird.conf"), config);
        Process p = new ProcessBuilder("/usr/sbin/bird", "-c", dir.resolve("bird.conf").toString(), "-s", dir.resolve("bird.ctl").toString(),
                "-P", dir.resolve("bird.pid").toString(), "-f").redirectErrorStream(true).redirectOutput(dir.resolve("bird.log").toFile()).start();
        BirdProcess b = new BirdProcess(dir, p);
        try {
            NodeTesting.await("BIRD creates its control socket (or exits)", () -> Files.exists(b.socket) || !p.isAlive());
            if (!p.isAlive()) throw new IllegalStateException("BIRD exited with " + p.exitValue() + "; log:\n" + b.log());
            return b;
        } catch (RuntimeException | Error e) {
            b.close();
            throw e;
        }
    }

    String log() {
        try {
            return Files.readString(dir.resolve("bird.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    String birdc(String... command) {
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/sbin/birdc", "-s", socket.toString()));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(20, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("birdc " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir cleanup is best effort
        }
    }
}
