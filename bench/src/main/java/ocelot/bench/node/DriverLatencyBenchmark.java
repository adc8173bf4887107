package ocelot.bench.node;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import ocelot.control.dataplane.DataplaneDriver;
import ocelot.control.dataplane.DriverConfig;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.Mutation;
import ocelot.control.resource.Resource;
import ocelot.control.resource.ResourceCodec;
import ocelot.dpdk.Eal;
import ocelot.dpdk.Mempool;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.port.SoftwarePort;
import ocelot.fastpath.worker.Fastpath;
import ocelot.fastpath.worker.FastpathConfig;

/**
 * Datastore change to enforcement, through the real pieces: an embedded datastore (durable
 * commits), the dataplane driver (calculation graph, classifiers, lowering, publish) and a
 * fastpath on software ports, one per workload endpoint, polled on this thread (invoker mode).
 * Per change: a deny policy created (first new flow denied), deleted (first new flow allowed
 * again), an endpoint added (first packet forwarded to it). Times from before the commit (so
 * including its fsync) to the publish, and to the first packet treated accordingly.
 *
 * <p>Usage: {@code DriverLatencyBenchmark ENDPOINTS POLICIES CHANGES}
 */
public final class DriverLatencyBenchmark {
    static final String NODE = "bench-node";
    static final int APPS = 100, ROLES = 10;

    public static void main(String[] args) throws Exception {
        int endpoints = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int policies = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        int changes = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        Path dir = Files.createTempDirectory("ocelot-driver-bench");
        Eal.initInMemory(1024);
        Eal.registerThread();
        int spare = changes + 50;
        try (Mempool pool = Mempool.create("bench_driver_pool", 8191, 0, Mempool.DEFAULT_DATA_ROOM);
             EmbeddedDatastore store = EmbeddedDatastore.open(dir)) {
            System.out.printf("endpoints %d, policies %d, changes %d; load %s%n", endpoints, policies, changes, load());
            long t = System.nanoTime();
            populate(store, endpoints, policies);
            System.out.printf("datastore populated in %.1f s%n", (System.nanoTime() - t) / 1e9);

            List<SoftwarePort> ports = new ArrayList<>();
            SoftwarePort uplink = new SoftwarePort("uplink", PortRole.FABRIC, 0x0200_0000_0001L, pool);
            SoftwarePort tap = new SoftwarePort("tap", PortRole.EXCEPTION, 0x0200_0000_00FEL, pool);
            ports.add(uplink);
            ports.add(tap);
            Set<String> workloadPorts = new HashSet<>();
            for (int e = 0; e < endpoints + spare; e++) {
                ports.add(new SoftwarePort("w" + e, PortRole.WORKLOAD, portMac(e), pool));
                workloadPorts.add("w" + e);
            }
            try (Fastpath fastpath = new Fastpath(ports, FastpathConfig.defaults().withMaxPorts(ports.size() + 16), System::nanoTime)) {
                DataplaneDriver driver = new DataplaneDriver(store, DriverConfig.of(NODE, "10.0.0.1/16", "uplink", "tap", 0x0200_0000_00FDL),
                        fastpath.control()::publish);
                long cpu0 = cpuNanos();
                t = System.nanoTime();
                driver.start(workloadPorts);
                System.out.printf("cold start (list %d keys, graph, classifiers, first publish): %.0f ms wall, %.0f ms CPU; %d endpoints, %d routes, %d active policies%n",
                        endpoints + policies + 2, (System.nanoTime() - t) / 1e6, (cpuNanos() - cpu0) / 1e6,
                        driver.metrics().activeEndpoints(), driver.metrics().fibRoutes(), driver.metrics().activePolicies());
                long[] cpuAtStart = driver.metrics().cpuNanosByPhase();
                long publishesAtStart = driver.metrics().publishes();
                System.out.printf("cold start on the driver thread: CPU calc %.0f ms, lower %.0f ms, publish %.0f ms%n",
                        cpuAtStart[0] / 1e6, cpuAtStart[1] / 1e6, cpuAtStart[2] / 1e6);
                Probe probe = new Probe(fastpath, ports, endpoints);
                if (!probe.passes()) throw new IllegalStateException("the probe flow does not pass before any change");
                long[][] deny = new long[changes][], allow = new long[changes][], add = new long[changes][];
                int warmup = Math.max(5, changes / 5);
                for (int i = -warmup; i < changes; i++) {
                    long[] d = change(store, driver, probe, policyDeny(), false, false);
                    long[] a = change(store, driver, probe, policyDeny(), true, true);
                    long[] n = addEndpoint(store, driver, probe, endpoints + (i + warmup) % spare, i + warmup);
                    if (i >= 0) {
                        deny[i] = d;
                        allow[i] = a;
                        add[i] = n;
                    }
                }
                report("deny policy created -> first new flow denied", deny);
                report("deny policy deleted -> first new flow allowed", allow);
                report("endpoint added -> first packet forwarded to it", add);
                System.out.printf("driver: %d publishes, %d refused; load %s%n", driver.metrics().publishes(), driver.metrics().refusals(), load());
                long[] cpu = driver.metrics().cpuNanosByPhase();
                long n = driver.metrics().publishes() - publishesAtStart;
                System.out.printf("per publish after the cold start (%d): driver thread CPU calc %.2f ms, lower %.2f ms, fastpath publish %.2f ms%n", n,
                        (cpu[0] - cpuAtStart[0]) / 1e6 / n, (cpu[1] - cpuAtStart[1]) / 1e6 / n, (cpu[2] - cpuAtStart[2]) / 1e6 / n);
                for (String line : driver.metrics().render().split("\n")) {
                    if (line.matches("ocelot_((calc_graph_update_time|int_dataplane_apply_time)_seconds_(sum|count)|dataplane_driver_cpu_seconds_total).*")) System.out.println("  " + line);
                }
                driver.close();
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Commit time, change -> published, change -> first packet (ns), for one policy create or delete. */
    static long[] change(EmbeddedDatastore store, DataplaneDriver driver, Probe probe, Resource policy, boolean delete, boolean expectPass)
            throws InterruptedException {
        String key = policy.key().datastoreKey();
        long t0 = System.nanoTime();
        long revision = store.commit(List.of(delete ? new Mutation.Delete(key, Mutation.ANY_REVISION) : new Mutation.Put(key, ResourceCodec.toStored(policy))));
        long committed = System.nanoTime();
        return enforce(driver, revision, t0, committed, () -> probe.passes() == expectPass);
    }

    static long[] addEndpoint(EmbeddedDatastore store, DataplaneDriver driver, Probe probe, int e, int round) throws InterruptedException {
        // a spare port gets a new endpoint (a fresh address each round, so no stale neighbour or flow helps)
        String address = "10.2" + (round / 250 % 10) + "." + (round % 250) + "." + (e % 200 + 2);
        Resource r = endpoint(e, address, "app: fresh, role: r0");
        long t0 = System.nanoTime();
        long revision = store.commit(List.of(new Mutation.Put(r.key().datastoreKey(), ResourceCodec.toStored(r))));
        long committed = System.nanoTime();
        long[] out = enforce(driver, revision, t0, committed, () -> probe.reaches(e, address));
        store.commit(List.of(new Mutation.Delete(r.key().datastoreKey(), Mutation.ANY_REVISION))); // not timed
        return out;
    }

    /**
     * Waits (blocked, not spinning: the machine has two cores) until the driver reports the
     * revision applied, then sends probe flows until one is treated as wanted. A worker polling
     * on its own core picks the new snapshot up at its next burst; here the fastpath runs on
     * this thread, so "first packet" is the first probe after the publish.
     */
    static long[] enforce(DataplaneDriver driver, long revision, long t0, long committed, java.util.function.BooleanSupplier treated) throws InterruptedException {
        if (!driver.awaitRevision(revision, Duration.ofSeconds(30))) throw new IllegalStateException("revision " + revision + " not applied in 30 s");
        long published = System.nanoTime();
        for (int probes = 0; probes < 1000; probes++) {
            if (treated.getAsBoolean()) return new long[] {committed - t0, published - t0, System.nanoTime() - t0};
        }
        throw new IllegalStateException("revision " + revision + " applied but the probe is not treated accordingly");
    }

    static void report(String what, long[][] samples) {
        String[] names = {"commit (fsync)", "change -> published", "change -> first packet"};
        for (int k = 0; k < 3; k++) {
            long[] v = new long[samples.length];
            for (int i = 0; i < samples.length; i++) v[i] = samples[i][k];
            Arrays.sort(v);
            System.out.printf("%-48s %-24s p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms%n", what, names[k], v[v.length / 2] / 1e6,
                    v[Math.min(v.length - 1, (int) Math.ceil(v.length * 0.99) - 1)] / 1e6, v[v.length - 1] / 1e6);
        }
    }

    /** Probe flows between w0 (app probe-client) and w1 (app probe-server), and to added endpoints. */
    static final class Probe {
        final Fastpath fastpath;
        final List<SoftwarePort> ports;
        int sourcePort = 1024;

        Probe(Fastpath fastpath, List<SoftwarePort> ports, int endpoints) {
            this.fastpath = fastpath;
            this.ports = ports;
        }

        SoftwarePort port(int e) {
            return ports.get(e + 2);
        }

        boolean passes() {
            return send(0, address(1), 1);
        }

        boolean reaches(int e, String address) {
            return send(0, address, e);
        }

        boolean send(int from, String dst, int to) {
            sourcePort = sourcePort == 65535 ? 1024 : sourcePort + 1;
            port(from).inject(udp(portMac(from), endpointMac(from), address(from), dst, sourcePort, 7000));
            fastpath.pollOnce();
            boolean through = !port(to).drainTransmitted().isEmpty();
            for (SoftwarePort p : List.of(port(from), ports.get(0), ports.get(1))) p.drainTransmitted();
            return through;
        }
    }

    static String address(int e) {
        return "10.1." + (e / 250) + "." + (e % 250 + 2);
    }

    static long portMac(int e) {
        return 0xEE00_0000_0000L + e;
    }

    static long endpointMac(int e) {
        return 0x0A58_0000_0000L + e;
    }

    static String mac(long mac) {
        return String.format("%02x:%02x:%02x:%02x:%02x:%02x", mac >>> 40 & 0xFF, mac >>> 32 & 0xFF, mac >>> 24 & 0xFF, mac >>> 16 & 0xFF,
                mac >>> 8 & 0xFF, mac & 0xFF);
    }

    static Resource endpoint(int e, String address, String labels) {
        return ResourceCodec.parse("""
                apiVersion: v1
                kind: workloadEndpoint
                metadata: {name: eth0, workload: wl%d, orchestrator: bench, node: %s, labels: {%s}}
                spec: {interfaceName: w%d, mac: "%s", ipNetworks: [%s/32], profiles: [default]}
                """.formatted(e, NODE, labels, e, mac(endpointMac(e)), address), "bench").getFirst();
    }

    static Resource policyDeny() {
        return ResourceCodec.parse("""
                apiVersion: v1
                kind: policy
                metadata: {name: bench-deny}
                spec:
                  order: 0
                  selector: app == 'probe-server'
                  ingress: [{action: deny}]
                  egress: [{action: allow}]
                """, "bench").getFirst();
    }

    /** 1 pool, 1 profile, {@code policies} policies over app/role labels, {@code endpoints} endpoints, in commits of 500. */
    static void populate(EmbeddedDatastore store, int endpoints, int policies) {
        List<Resource> all = new ArrayList<>(ResourceCodec.parse("""
                - apiVersion: v1
                  kind: ipPool
                  metadata: {cidr: 10.0.0.0/8}
                - apiVersion: v1
                  kind: profile
                  metadata: {name: default}
                  spec:
                    ingress: [{action: allow}]
                    egress: [{action: allow}]
                """, "bench"));
        for (int p = 0; p < policies; p++) {
            all.add(ResourceCodec.parse("""
                    apiVersion: v1
                    kind: policy
                    metadata: {name: pol%d}
                    spec:
                      order: %d
                      selector: app == 'app%d'
                      ingress:
                      - {action: allow, protocol: tcp, source: {selector: role == 'r%d'}, destination: {ports: [%d]}}
                      - {action: deny, source: {net: 192.168.%d.0/24}}
                      egress: [{action: allow}]
                    """.formatted(p, 10 + p % 50, p % APPS, p % ROLES, 1000 + p, p % 250), "bench").getFirst());
        }
        for (int e = 0; e < endpoints; e++) {
            String labels = e == 0 ? "app: probe-client, role: r0" : e == 1 ? "app: probe-server, role: r1"
                    : "app: app" + (e % APPS) + ", role: r" + (e % ROLES);
            all.add(endpoint(e, address(e), labels));
        }
        for (int from = 0; from < all.size(); from += 500) {
            List<Mutation> batch = new ArrayList<>();
            for (Resource r : all.subList(from, Math.min(all.size(), from + 500))) {
                batch.add(new Mutation.Put(r.key().datastoreKey(), ResourceCodec.toStored(r)));
            }
            store.commit(batch);
        }
    }

    static byte[] udp(long dmac, long smac, String src, String dst, int sport, int dport) {
        byte[] f = new byte[14 + 20 + 8 + 8];
        ByteBuffer b = ByteBuffer.wrap(f);
        b.putShort((short) (dmac >>> 32)).putInt((int) dmac).putShort((short) (smac >>> 32)).putInt((int) smac).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 36).putShort((short) 1).putShort((short) 0x4000);
        b.put((byte) 64).put((byte) 17).putShort((short) 0).putInt(ip(src)).putInt(ip(dst));
        int sum = 0;
        for (int i = 14; i < 34; i += 2) sum += b.getShort(i) & 0xFFFF;
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        b.putShort(24, (short) ~sum);
        b.putShort(34, (short) sport).putShort(36, (short) dport).putShort(38, (short) 16).putShort(40, (short) 0);
        return f;
    }

    static int ip(String dotted) {
        String[] p = dotted.split("\\.");
        return Integer.parseInt(p[0]) << 24 | Integer.parseInt(p[1]) << 16 | Integer.parseInt(p[2]) << 8 | Integer.parseInt(p[3]);
    }

    static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
