package ocelot.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ocelot.lab.fabric.Daemon;
import ocelot.lab.fabric.Fabric;
import ocelot.lab.fabric.LabException;
import ocelot.lab.fabric.RunId;
import ocelot.lab.topology.Topology.Host;

/**
 * One Ocelot node process, {@code ocelotctl node run} inside the host's namespace, as
 * calico/node runs on a host: its name, address and AS from the topology, its run directory
 * (status socket, logs) under the run's temp dir.
 */
final class LabNode {
    /** The node's uplink in the lab: its first (only) link, {@code eth0} ({@link ocelot.lab.fabric.Fabric}). */
    static final String UPLINK = "eth0";
    static final int METRICS_PORT = 9091;
    private final Host host;
    private final String namespace;
    private final Path runDir;
    private final Path ocelotctl;
    private final Map<String, String> env;
    private final RunId run;
    private Daemon process;
    private int starts;

    LabNode(RunId run, Host host, Path ocelotctl, Map<String, String> datastoreEnv) {
        this.run = run;
        this.host = host;
        this.namespace = run.namespace(host.name());
        this.runDir = run.tempDir().resolve("node-" + host.name());
        this.ocelotctl = ocelotctl;
        this.env = new HashMap<>(datastoreEnv);
    }

    Host host() {
        return host;
    }

    String name() {
        return host.name();
    }

    String namespace() {
        return namespace;
    }

    Path runDir() {
        return runDir;
    }

    List<String> command() {
        return command(ocelotctl, host, runDir, UPLINK);
    }

    /** {@code ocelotctl node run} for a topology host, in the lab and on a VM alike. */
    static List<String> command(Path ocelotctl, Host host, Path runDir, String uplink) {
        // The uplink is named, not found by its address: after a SIGKILL the address went with
        // the host TAP, and the restarted node must still find its uplink. Workers back off when
        // idle: four or more nodes share two cores.
        List<String> cmd = new ArrayList<>(List.of(ocelotctl.toString(), "node", "run", "--name", host.name(),
                "--ip", host.links().getFirst().address().toString(), "--uplink", uplink, "--idle", "backoff",
                "--metrics-address", "127.0.0.1:" + METRICS_PORT, "--run-dir", runDir.toString()));
        host.as().ifPresent(as -> cmd.addAll(List.of("--as", Long.toString(as))));
        return cmd;
    }

    void start() {
        try {
            Files.createDirectories(runDir);
        } catch (java.io.IOException e) {
            throw new LabException("cannot create " + runDir + ": " + e.getMessage());
        }
        starts++;
        process = Daemon.start(run, "node " + host.name(), namespace, command(), env, runDir.resolve("node-" + starts + ".log"));
    }

    /** Waits until the node answers on its status socket ("Ocelot node started successfully"). */
    void awaitStarted(long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!log().contains("Ocelot node started successfully")) {
            if (!process.alive()) throw new LabException("node " + host.name() + " exited: " + process.logTail(15));
            if (System.currentTimeMillis() > deadline) throw new LabException("node " + host.name() + " not started after "
                    + timeoutMs / 1000 + " s: " + process.logTail(15));
            Fabric.sleep(200);
        }
    }

    String log() {
        try {
            return Files.readString(process.log());
        } catch (java.io.IOException e) {
            return "";
        }
    }

    String logTail(int lines) {
        return process.logTail(lines);
    }

    boolean alive() {
        return process != null && process.alive();
    }

    /** SIGKILL: the node crashes, no NOTIFICATION, no saved state. */
    void kill() {
        process.kill();
    }

    void stop() {
        if (process != null) process.stop(10);
    }
}
