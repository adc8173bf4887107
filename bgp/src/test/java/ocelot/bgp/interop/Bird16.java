package ocelot.bgp.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Locates BIRD 1.6 (Calico's BIRD), unpacking Debian's `bird` package with the setup script if needed. */
final class Bird16 {
    private Bird16() {
    }

    static synchronized Path ensure() throws IOException {
        Path root = Path.of(System.getProperty("ocelot.bird16.dir", System.getProperty("user.home") + "/.cache/ocelot/bird16"));
        if (Files.isExecutable(root.resolve("usr/sbin/bird"))) return root;
        Path script = Path.of(System.getProperty("ocelot.bgp.dir", "."), "src/test/resources/fetch-bird16.sh");
        Process p = new ProcessBuilder("bash", script.toString(), root.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("fetch-bird16.sh failed:\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return root;
    }
}
