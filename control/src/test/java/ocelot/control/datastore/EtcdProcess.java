package ocelot.control.datastore;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import ocelot.testkit.GroupedProcess;
import ocelot.testkit.ListenPorts;
import ocelot.testkit.TestRun;

/**
 * A real etcd (Debian's etcd-server) on free 127.0.0.1 ports with a temporary data directory,
 * for tests. {@link #stop()} + {@link #start()} restart it on the same ports and data;
 * {@link #close()} kills it and deletes the directory.
 */
public final class EtcdProcess implements AutoCloseable {
    /** A test's etcd outlives no test class: the bound holds even when nothing else kills it. */
    static final Duration LIFETIME = Duration.ofMinutes(30);
    private final Path dir;
    // Re-chosen only when the first start finds a port taken; a restart keeps them.
    private int clientPort;
    private int peerPort;
    private int metricsPort;
    private boolean started;
    private final List<String> extraArgs;
    private final boolean tls;
    private GroupedProcess process;

    private EtcdProcess(List<String> extraArgs, boolean tls) throws IOException {
        // tmpfs when there is one: etcd fsyncs every commit, and tests measure no durability. Named for
        // the test run (testkit's TestRun), so the cleanliness check and the sweeper know it as the run's.
        Path shm = Path.of("/dev/shm");
        this.dir = Files.isDirectory(shm) && Files.isWritable(shm)
                ? Files.createTempDirectory(shm, TestRun.tempPrefix("etcd")) : Files.createTempDirectory("ocelot-etcd-");
        choosePorts();
        this.extraArgs = extraArgs;
        this.tls = tls;
    }

    private void choosePorts() throws IOException {
        this.clientPort = freePort();
        do {
            this.peerPort = freePort();
        } while (peerPort == clientPort);
        do {
            this.metricsPort = freePort();
        } while (metricsPort == clientPort || metricsPort == peerPort);
    }

    public static EtcdProcess launch(String... extraArgs) throws IOException {
        return launchWith(false, extraArgs);
    }

    /** With {@code tls}, the client URL is https and {@code extraArgs} must carry the cert flags. */
    public static EtcdProcess launchWith(boolean tls, String... extraArgs) throws IOException {
        EtcdProcess etcd = new EtcdProcess(List.of(extraArgs), tls);
        try {
            // Another process may bind a chosen port between the check and etcd's bind: new ports, again.
            for (int attempt = 1; ; attempt++) {
                try {
                    etcd.start();
                    return etcd;
                } catch (PortTakenException e) {
                    if (attempt == 5) throw e;
                    etcd.stop();
                    etcd.clearDirectory();
                    etcd.choosePorts();
                }
            }
        } catch (IOException | RuntimeException e) {
            etcd.close();
            throw e;
        }
    }

    public Path directory() {
        return dir;
    }

    public URI endpoint() {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + clientPort);
    }

    public void start() throws IOException {
        String client = endpoint().toString();
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/etcd", "--name", "ocelot-test",
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "ocelot-test=" + peer,
                "--listen-metrics-urls", "http://127.0.0.1:" + metricsPort,
                "--log-outputs", "stderr"));
        cmd.addAll(extraArgs);
        process = GroupedProcess.start(new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile())), LIFETIME);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/health"))
                .timeout(Duration.ofSeconds(1)).build();
        for (int attempt = 0; attempt < 300; attempt++) {
            if (!process.isAlive()) {
                String log = log();
                if (!started && log.contains("address already in use")) {
                    throw new PortTakenException("etcd could not bind its ports: " + log);
                }
                throw new IOException("etcd exited with " + process.process().exitValue() + ": " + log);
            }
            try {
                HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("true")) {
                    started = true;
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for etcd", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for etcd", e);
            }
        }
        throw new IOException("etcd did not become healthy: " + log());
    }

    /** SIGKILL, with everything etcd forked (its process group). */
    public void stop() {
        if (process != null) process.close();
    }

    public String log() {
        try {
            String s = Files.readString(dir.resolve("etcd.log"));
            return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** What a failed first start left (its log, a data directory made for the old ports). */
    private void clearDirectory() throws IOException {
        Files.deleteIfExists(dir.resolve("etcd.log"));
        Path data = dir.resolve("data");
        if (Files.exists(data)) {
            try (Stream<Path> walk = Files.walk(data)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }

    static int freePort() throws IOException {
        return ListenPorts.free(InetAddress.getLoopbackAddress());
    }

    private static final class PortTakenException extends IOException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
