package ocelot.bgp.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real BIRD process run in the foreground with its own config, control socket and pid file
 * under a temp directory; {@link #close()} kills it and deletes the directory, even after failures.
 */
public final class BirdDaemon extends DaemonProcess {
    private final Path binary;
    private final Path birdc;
    private final Path config;
    private final Path socket;

    private BirdDaemon(Path binary, Path birdc, Path dir) {
        super(dir, "bird.log");
        this.binary = binary;
        this.birdc = birdc;
        this.config = dir.resolve("bird.conf");
        this.socket = dir.resolve("bird.ctl");
    }

    public static BirdDaemon bird2(String configText) throws IOException {
        return started(new BirdDaemon(Path.of("/usr/sbin/bird"), Path.of("/usr/sbin/birdc"), Files.createTempDirectory("ocelot-bird2-")), b -> b.start(configText));
    }

    /** BIRD 1.6 unpacked by bgp/src/test/resources/fetch-bird16.sh (Debian's `bird` conflicts with bird2). */
    public static BirdDaemon bird16(String configText) throws IOException {
        Path root = Bird16.ensure();
        return started(new BirdDaemon(root.resolve("usr/sbin/bird"), root.resolve("usr/sbin/birdc"), Files.createTempDirectory("ocelot-bird16-")), b -> b.start(configText));
    }

    private void start(String configText) throws IOException {
        Files.writeString(config, configText);
        launch(List.of(binary.toString(), "-c", config.toString(), "-s", socket.toString(),
                "-P", dir.resolve("bird.pid").toString(), "-f"));
        awaitReady("BIRD", "create its control socket", () -> Files.exists(socket));
    }

    /** Runs a birdc command and returns its output. */
    public String birdc(String... command) {
        List<String> cmd = new ArrayList<>(List.of(birdc.toString(), "-s", socket.toString()));
        cmd.addAll(List.of(command));
        return runClient(cmd).text();
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
}
