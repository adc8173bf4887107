package ocelot.bench.control;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import ocelot.control.datastore.Datastore;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.EtcdConfig;
import ocelot.control.datastore.EtcdDatastore;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.ipam.BlockAffinityIpam;
import ocelot.control.resource.ResourceCodec;

/**
 * Embedded datastore vs a real etcd (Debian's etcd-server, started here on 127.0.0.1 with its
 * data on the same disk), same process, same run: durable single-key commits per second and
 * IPAM assignments per second, alternating rounds so machine noise hits both. Prints each
 * round and the embedded/etcd ratio. Usage: java -cp benchmarks.jar
 * ocelot.bench.control.DatastoreCommitBench [commitsPerRound] [assignsPerRound] [rounds]
 */
public final class DatastoreCommitBench {
    public static void main(String[] args) throws Exception {
        int commits = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int assigns = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "ocelot-bench-ds-");
        Process etcd = null;
        try {
            int client = freePort();
            int peer = freePort();
            String url = "http://127.0.0.1:" + client;
            etcd = new ProcessBuilder("/usr/bin/etcd", "--name", "bench", "--data-dir", work.resolve("etcd").toString(),
                    "--listen-client-urls", url, "--advertise-client-urls", url,
                    "--listen-peer-urls", "http://127.0.0.1:" + peer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                    "--initial-cluster", "bench=http://127.0.0.1:" + peer)
                    .redirectErrorStream(true).redirectOutput(work.resolve("etcd.log").toFile()).start();
            try (Datastore embedded = EmbeddedDatastore.open(work.resolve("embedded"));
                 Datastore remote = EtcdDatastore.connect(EtcdConfig.plain(URI.create(url)))) {
                waitFor(remote);
                for (Datastore d : List.of(embedded, remote)) {
                    new ResourceStore(d).create(ResourceCodec.parse(
                            "apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 10.0.0.0/8}\n", "bench"), false);
                    commitRate(d, "warmup", 200);
                }
                double[] sum = new double[4];
                for (int r = 0; r < rounds; r++) {
                    double ce = commitRate(embedded, "r" + r, commits);
                    double cr = commitRate(remote, "r" + r, commits);
                    double ae = assignRate(embedded, "r" + r, assigns);
                    double ar = assignRate(remote, "r" + r, assigns);
                    System.out.printf("round %d: commits/s embedded %.0f etcd %.0f | IPAM assigns/s embedded %.0f etcd %.0f%n",
                            r, ce, cr, ae, ar);
                    sum[0] += ce;
                    sum[1] += cr;
                    sum[2] += ae;
                    sum[3] += ar;
                }
                System.out.printf("RATIO embedded/etcd: durable commits %.2fx, IPAM assignments %.2fx (%d rounds)%n",
                        sum[0] / sum[1], sum[2] / sum[3], rounds);
            }
        } finally {
            if (etcd != null) {
                etcd.destroyForcibly();
                etcd.waitFor();
            }
            try (Stream<Path> walk = Files.walk(work)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static double commitRate(Datastore d, String tag, int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) d.create("/bench/" + tag + "/" + i, "{\"value\":" + i + "}");
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    static double assignRate(Datastore d, String tag, int n) {
        BlockAffinityIpam ipam = new BlockAffinityIpam(d);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ipam.assign(new BlockAffinityIpam.AssignRequest("node-" + tag, tag + "-" + i, 4, Map.of()));
        }
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    static void waitFor(Datastore etcd) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try {
                etcd.get("/bench/ready");
                return;
            } catch (RuntimeException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("etcd did not start");
    }

    /**
     * A port below the kernel's ephemeral range (32768-60999 here): a port bind(0) handed out and
     * released can be taken by any outgoing connection before etcd binds it.
     */
    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000, 32_768);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (java.net.BindException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 10000-32767 on 127.0.0.1");
    }
}
