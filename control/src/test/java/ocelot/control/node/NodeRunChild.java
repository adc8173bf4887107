package ocelot.control.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import ocelot.control.cli.OcelotCtl;

/**
 * `ocelotctl node run` as a child JVM of the test classpath in namespace {@code ns} (its own
 * session, so {@link NamespaceLab} kills it as a group), read until "Ocelot node started
 * successfully"; stdout keeps being collected into {@link #log}, stderr goes to a file.
 */
record NodeRunChild(Process process, List<String> log, Path stderr) {
    static NodeRunChild start(NamespaceLab lab, String ns, Path stderr, String... nodeRunArgs) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--enable-native-access=ALL-UNNAMED", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Docelot.native.lib=" + System.getProperty("ocelot.native.lib", ""),
                "-cp", System.getProperty("java.class.path"), OcelotCtl.class.getName(), "node", "run"));
        cmd.addAll(List.of(nodeRunArgs));
        Process node = lab.start(ns, stderr, true, cmd.toArray(String[]::new));
        BufferedReader stdout = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        for (String line; (line = stdout.readLine()) != null; ) {
            log.add(line);
            if (line.equals("Ocelot node started successfully")) break;
        }
        assertEquals("Ocelot node started successfully", log.isEmpty() ? "" : log.getLast(),
                "node run did not start: " + log + "\n" + Files.readString(stderr));
        Thread.ofVirtual().start(() -> stdout.lines().forEach(log::add)); // keep the pipe drained
        return new NodeRunChild(node, log, stderr);
    }
}
