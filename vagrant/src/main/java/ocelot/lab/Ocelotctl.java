package ocelot.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ocelot.lab.fabric.LabException;
import ocelot.lab.fabric.Shell;

/**
 * {@code bin/ocelotctl} as a user runs it, pointed at the lab's datastore by the environment
 * ({@code DATASTORE_TYPE}, {@code OCELOT_DATA_DIR} or {@code ETCD_ENDPOINTS}); with etcd it runs
 * inside the management namespace, the only place etcd is reachable from.
 */
final class Ocelotctl {
    private final Shell shell;
    private final Path home;
    private final Optional<String> namespace;
    private final Path scratch;

    Ocelotctl(Shell shell, Path home, Optional<String> namespace, Path scratch) {
        this.shell = shell;
        this.home = home;
        this.namespace = namespace;
        this.scratch = scratch;
    }

    Path binary() {
        return home.resolve("bin/ocelotctl");
    }

    /** Runs {@code ocelotctl ARGS}; throws with its output when it fails. */
    String run(String... args) {
        return shell.exec(command(args), 120);
    }

    Shell.Result tryRun(String... args) {
        return shell.tryExec(command(args), 120);
    }

    /** {@code ocelotctl apply -f FILE} of a YAML text (written to the run's temp dir). */
    String apply(String name, String yaml) {
        Path file = scratch.resolve(name + ".yaml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new LabException("cannot write " + file + ": " + e.getMessage());
        }
        return run("apply", "-f", file.toString());
    }

    Shell shell() {
        return shell;
    }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        namespace.ifPresent(ns -> cmd.addAll(List.of("ip", "netns", "exec", ns)));
        cmd.add(binary().toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Map<String, String> embeddedEnv(Path dataDir) {
        return Map.of("DATASTORE_TYPE", "embedded", "OCELOT_DATA_DIR", dataDir.toString());
    }

    static Map<String, String> etcdEnv(String endpoints) {
        return Map.of("DATASTORE_TYPE", "etcdv3", "ETCD_ENDPOINTS", endpoints);
    }
}
