package ocelot.control.dataplane;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.Mutation;
import ocelot.control.resource.Resource;
import ocelot.control.resource.ResourceCodec;
import ocelot.dpdk.Eal;
import ocelot.dpdk.Mempool;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.port.SoftwarePort;
import ocelot.fastpath.worker.Fastpath;
import ocelot.fastpath.worker.FastpathConfig;

/**
 * One node for the driver's tests: a real embedded datastore in a temp dir, a real fastpath in
 * invoker mode on software ports (uplink, host TAP, three workload ports cali1..3) and the
 * driver between them. Time is a counter the test advances. Node 10.0.0.1/24 on the uplink,
 * default gateway 10.0.0.254, IPv6 fd00:10::1/64.
 */
final class TestNode implements AutoCloseable {
    static final String NODE = "node1";
    static final long UPLINK_MAC = 0x0200_0000_0001L, TAP_MAC = 0x0200_0000_00FEL, HOST_MAC = 0x0200_0000_00FDL;
    static final long CALI1_MAC = 0xEEEE_EEEE_EE01L, CALI2_MAC = 0xEEEE_EEEE_EE02L, CALI3_MAC = 0xEEEE_EEEE_EE03L;
    static final long EP1_MAC = 0x0A58_0A41_0002L, EP2_MAC = 0x0A58_0A41_0003L, EP3_MAC = 0x0A58_0A41_0004L;
    static final long GW_MAC = 0x0200_0000_0254L, PEER_MAC = 0x0200_0000_0002L;
    private static Mempool pool;

    final EmbeddedDatastore store;
    final SoftwarePort uplink, tap, cali1, cali2, cali3;
    final Fastpath fastpath;
    final DataplaneDriver driver;
    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    /** Run on the driver's thread just before each publish (the state in force is still the previous one). */
    volatile Runnable beforePublish;
    final Set<String> workloadPorts = new HashSet<>(Set.of("cali1", "cali2", "cali3"));

    TestNode(Path dir, EmbeddedDatastore.Options options, String resourcesYaml, ocelot.control.node.LearnedRouteTable learned) {
        synchronized (TestNode.class) {
            if (pool == null) {
                Eal.initInMemory(512);
                pool = Mempool.create("control_driver_test_pool", 8191, 0, Mempool.DEFAULT_DATA_ROOM);
            }
        }
        store = EmbeddedDatastore.open(dir, options);
        if (resourcesYaml != null) commit(resourcesYaml);
        uplink = new SoftwarePort("uplink", PortRole.FABRIC, UPLINK_MAC, pool);
        tap = new SoftwarePort("tap", PortRole.EXCEPTION, TAP_MAC, pool);
        cali1 = new SoftwarePort("cali1", PortRole.WORKLOAD, CALI1_MAC, pool);
        cali2 = new SoftwarePort("cali2", PortRole.WORKLOAD, CALI2_MAC, pool);
        cali3 = new SoftwarePort("cali3", PortRole.WORKLOAD, CALI3_MAC, pool);
        fastpath = new Fastpath(List.of(uplink, tap, cali1, cali2, cali3), FastpathConfig.defaults(), nanos::get);
        driver = new DataplaneDriver(store, DriverConfig.of(NODE, "10.0.0.1/24", "uplink", "tap", HOST_MAC)
                .withDefaultGateway("10.0.0.254").withIpv6("fd00:10::1/64"), state -> {
                    Runnable before = beforePublish;
                    if (before != null) before.run();
                    fastpath.control().publish(state);
                    // as the node does: the driver reuses what only older snapshots read once this returns
                    fastpath.control().awaitCurrentSnapshotInUse();
                });
        if (learned != null) driver.followLearnedRoutes(learned);
        driver.start(Set.of("cali1", "cali2")); // cali3 is "created" later by tests that need it
    }

    TestNode(Path dir, String resourcesYaml) {
        this(dir, EmbeddedDatastore.Options.DEFAULTS, resourcesYaml, null);
    }

    /** Writes every resource of {@code yaml} in one commit and waits until the driver applied it. */
    long apply(String yaml) throws InterruptedException {
        long revision = commit(yaml);
        await(revision);
        return revision;
    }

    long commit(String yaml) {
        List<Mutation> puts = new ArrayList<>();
        for (Resource r : ResourceCodec.parse(yaml, "test")) puts.add(new Mutation.Put(r.key().datastoreKey(), ResourceCodec.toStored(r)));
        return store.commit(puts);
    }

    long delete(String yaml) throws InterruptedException {
        List<Mutation> deletes = new ArrayList<>();
        for (Resource r : ResourceCodec.parse(yaml, "test")) deletes.add(new Mutation.Delete(r.key().datastoreKey(), Mutation.ANY_REVISION));
        long revision = store.commit(deletes);
        await(revision);
        return revision;
    }

    void await(long revision) throws InterruptedException {
        if (!driver.awaitRevision(revision, Duration.ofSeconds(20))) {
            throw new AssertionError("driver did not apply revision " + revision + " (at " + driver.appliedRevision() + ")");
        }
    }

    /** The software port named {@code name} (uplink, tap, cali1..3). */
    SoftwarePort port(String name) {
        return switch (name) {
            case "uplink" -> uplink;
            case "tap" -> tap;
            case "cali1" -> cali1;
            case "cali2" -> cali2;
            case "cali3" -> cali3;
            default -> throw new IllegalArgumentException("no port " + name);
        };
    }

    /** The mbuf pool every test node's ports allocate from. */
    static Mempool pool() { return pool; }

    /** Injects {@code frame} on {@code port} and runs the fastpath until idle. */
    void send(SoftwarePort port, byte[] frame) {
        port.inject(frame);
        fastpath.pollUntilIdle(16);
    }

    @Override
    public void close() {
        driver.close();
        fastpath.close();
        store.close();
    }
}
