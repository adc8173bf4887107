package ocelot.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ocelot.lab.fabric.Daemon;
import ocelot.lab.fabric.Fabric;
import ocelot.lab.fabric.LabException;
import ocelot.lab.fabric.RunId;
import ocelot.lab.fabric.Shell;

/**
 * The lab's datastore. Embedded: one data directory that every node process and every
 * {@code ocelotctl} shares (the embedded store is multi-process safe, control/README.md).
 * etcd: the lab's "local etcd", Debian's etcd-server inside the management namespace on
 * {@link Fabric#MGMT_ADDRESS}: namespaced processes cannot reach the host's 127.0.0.1, so the
 * nodes reach it over the lab-only management segment and ocelotctl runs in that namespace.
 */
final class LabDatastore implements AutoCloseable {
    static final int ETCD_PORT = 2379;

    private final Map<String, String> env;
    private final Optional<String> ctlNamespace;
    private final Optional<Daemon> etcd;
    private final String description;

    private LabDatastore(Map<String, String> env, Optional<String> ctlNamespace, Optional<Daemon> etcd, String description) {
        this.env = env;
        this.ctlNamespace = ctlNamespace;
        this.etcd = etcd;
        this.description = description;
    }

    static LabDatastore embedded(RunId run) {
        Path dir = run.tempDir().resolve("data");
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new LabException("cannot create " + dir + ": " + e.getMessage());
        }
        return new LabDatastore(Ocelotctl.embeddedEnv(dir), Optional.empty(), Optional.empty(), "embedded, data in " + dir);
    }

    static LabDatastore etcd(Fabric fabric) {
        RunId run = fabric.run();
        String url = "http://" + Fabric.MGMT_ADDRESS + ":" + ETCD_PORT;
        Path dir = run.tempDir().resolve("etcd");
        String ns = run.namespace(Fabric.MGMT);
        // The peer port stays on the namespace's own loopback: a one-member cluster.
        Daemon etcd = Daemon.start(run, "etcd", ns, List.of("etcd", "--name", "lab", "--data-dir", dir.toString(),
                "--listen-client-urls", url, "--advertise-client-urls", url,
                "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
                "--initial-cluster", "lab=http://127.0.0.1:2380"), Map.of(), run.tempDir().resolve("etcd.log"));
        Shell shell = fabric.shell();
        long deadline = System.currentTimeMillis() + 20_000;
        while (!shell.tryExec(List.of("ip", "netns", "exec", ns, "etcdctl", "--endpoints", url, "--command-timeout=2s",
                "endpoint", "health"), 5).ok()) {
            if (!etcd.alive() || System.currentTimeMillis() > deadline) {
                etcd.stop(3);
                throw new LabException("etcd did not become healthy at " + url + ": " + etcd.logTail(5));
            }
            Fabric.sleep(200);
        }
        return new LabDatastore(Ocelotctl.etcdEnv(url), Optional.of(ns), Optional.of(etcd), "local etcd at " + url + " (namespace " + ns + ")");
    }

    Map<String, String> env() {
        return env;
    }

    /** Where ocelotctl must run to reach the datastore (empty: anywhere, the host's namespace). */
    Optional<String> ctlNamespace() {
        return ctlNamespace;
    }

    String description() {
        return description;
    }

    @Override
    public void close() {
        etcd.ifPresent(d -> d.stop(5));
    }
}
