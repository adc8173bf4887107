package ocelot.bgp.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import ocelot.testkit.GroupedProcess;

/** Locates BIRD 1.6 (Calico's BIRD), unpacking Debian's `bird` package with the setup script if needed. */
final class Bird16 {
    private Bird16() {
    }

    static synchronized Path ensure() throws IOException {
        Path root = Path.of(System.getProperty("ocelot.bird16.dir", System.getProperty("user.home") + "/.cache/ocelot/bird16"));
        if (Files.isExecutable(root.resolve("usr/sbin/bird"))) return root;
        Path script = Path.of(System.getProperty("ocelot.bgp.dir", "."), "src/test/resources/fetch-bird16.sh");
        GroupedProcess.Result r = GroupedProcess.run(Duration.ofSeconds(300), null, List.of("bash", script.toString(), root.toString()));
        if (!r.ok()) throw new IllegalStateException("fetch-bird16.sh failed (-1: timed out):\n" + r.output());
        return root;
    }
}
