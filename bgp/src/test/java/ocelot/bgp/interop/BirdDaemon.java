package ocelot.bgp.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real BIRD process run in the foreground with its own config, control socket and pid file
 * under a temp directory; {@link #close()} kills it and deletes the directory, even after failures.
 */
public final class BirdDaemon implements AutoCloseable {
    private final Path binary;
    private final Path birdc;
    private final Path dir;
    private final Path config;
    private final Path socket;
    private Process process;

    private BirdDaemon(Path binary, Path birdc, Path dir) {
        this.binary = binary;
        this.birdc = birdc;
        this.dir = dir;
        this.config = dir.resolve("bird.conf");
        this.socket = dir.resolve("bird.ctl");
    }

    public static BirdDaemon bird2(String configText) throws IOException {
        return started(new BirdDaemon(Path.of("/usr/sbin/bird"), Path.of("/usr/sbin/birdc"), Files.createTempDirectory("ocelot-bird2-")), configText);
    }

    /** BIRD 1.6 unpacked by bgp/src/test/resources/fetch-bird16.sh (Debian's `bird` conflicts with bird2). */
    public static BirdDaemon bird16(String configText) throws IOException {
        Path root = Bird16.ensure();
        return started(new BirdDaemon(root.resolve("usr/sbin/bird"), root.resolve("usr/sbin/birdc"), Files.createTempDirectory("ocelot-bird16-")), configText);
    }

    /** A BIRD that fails to start is still killed and its directory deleted. */
    private static BirdDaemon started(BirdDaemon b, String configText) throws IOException {
        try {
            b.start(configText);
            return b;
        } catch (IOException | RuntimeException e) {
            b.close();
            throw e;
        }
    }

    private void start(String configText) throws IOException {
        Files.writeString(config, configText);
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-c", config.toString(), "-s", socket.toString(),
                "-P", dir.resolve("bird.pid").toString(), "-f");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("bird.log").toFile());
        process = pb.start();
        if (!waitFor(Duration.ofSeconds(20), () -> Files.exists(socket) || !process.isAlive())) {
            throw new IllegalStateException("BIRD did not create its control socket; log:\n" + log());
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("BIRD exited with " + process.exitValue() + "; log:\n" + log());
        }
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("bird.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Runs a birdc command and returns its output. */
    public String birdc(String... command) {
        List<String> cmd = new ArrayList<>(List.of(birdc.toString(), "-s", socket.toString()));
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

    /** Rewrites the config and asks BIRD to reload it. */
    public void reconfigure(String configText) throws IOException {
        Files.writeString(config, configText);
        String out = birdc("configure");
        if (!out.contains("Reconfigur")) throw new IllegalStateException("birdc configure: " + out);
    }

    /** Kills BIRD (SIGKILL: no NOTIFICATION, as a crash) and starts it again with the same config. */
    public void restart() throws IOException {
        stop();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // BIRD recreates it
        }
        start(Files.readString(config));
    }

    public boolean protocolEstablished(String name) {
        String out = birdc("show", "protocols", name);
        return out.contains("Established");
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

    private void stop() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir cleanup is best effort
        }
    }
}
