package ocelot.control.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import ocelot.control.ports.HostTap;
import ocelot.control.ports.KernelLink;
import ocelot.control.ports.WorkloadPorts;
import ocelot.control.resource.Cidr;
import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Eal;
import ocelot.dpdk.Mempool;
import ocelot.fastpath.port.DpdkEthPort;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.worker.Fastpath;
import ocelot.fastpath.worker.FastpathConfig;
import ocelot.fastpath.worker.IdleMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's dataplane as one owned unit, started in calico/node's order: DPDK's EAL, the
 * uplink, the host TAP (the exception path takes the uplink's address), the fastpath with
 * those two ports and its workers, and the workload ports that attach later. Closing undoes it
 * in reverse: workers stopped, workload TAPs removed, the host TAP removed and the uplink given back
 * its address, ARP and iptables state, the uplink released, the DPDK runtime folder deleted.
 */
public final class NodeDataplane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeDataplane.class);
    /** mbufs for every port's rx ring plus what is in flight; --no-huge puts each on its own 4 KiB page (~64 MiB). */
    static final int MBUFS = 16383;
    /** Workload ports get small rings: many of them share the one pool. */
    private static final int WORKLOAD_DESCRIPTORS = 256;
    /** Ports one node can hold: uplink, host TAP and the workloads (each port's rx ring holds mbufs of the pool). */
    static final int MAX_PORTS = 48;

    private final String nodeName;
    private final String uplinkName;
    private final String nodeCidr;
    private final Mempool pool;
    private final DpdkPort uplink;
    private final HostTap hostTap;
    private final Fastpath fastpath;
    private final WorkloadPorts workloads;
    /** Router mode: the rack-facing ports (kernel name -> device), in the order given. */
    private final java.util.Map<String, DpdkPort> routerPorts;
    private boolean closed;

    private NodeDataplane(String nodeName, String uplinkName, String nodeCidr, Mempool pool, DpdkPort uplink, HostTap hostTap, Fastpath fastpath,
                          WorkloadPorts workloads, java.util.Map<String, DpdkPort> routerPorts) {
        this.nodeName = nodeName;
        this.routerPorts = routerPorts;
        this.uplinkName = uplinkName;
        this.nodeCidr = nodeCidr;
        this.pool = pool;
        this.uplink = uplink;
        this.hostTap = hostTap;
        this.fastpath = fastpath;
        this.workloads = workloads;
    }

    /**
     * Starts the dataplane of node {@code nodeName}, whose address (ADDR/LEN of its subnet) is
     * {@code nodeAddress}; logs each step. What the host TAP takes from the uplink is recorded in
     * {@code runDir} until it is given back ({@code UplinkRecord.recover} after a crash).
     */
    public static NodeDataplane start(String nodeName, Cidr nodeAddress, DataplaneOptions options, Path runDir,
                                      java.util.function.Consumer<String> log) {
        List<String> eal = options.ealArguments(nodeName);
        log.accept("Initialising DPDK EAL: " + String.join(" ", eal));
        Eal.init(eal.toArray(String[]::new));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRuntimeDir(nodeName), "dpdk-runtime-cleanup"));
        Mempool pool = Mempool.create("ocelot_" + Math.abs(nodeName.hashCode()), MBUFS, 256, Mempool.DEFAULT_DATA_ROOM);
        DpdkPort.Config config = new DpdkPort.Config(options.workers(), options.workers(), 1024, 1024, true);
        String uplinkName = options.uplink().kernelInterface() != null ? options.uplink().kernelInterface() : "uplink";
        DpdkPort uplink = null;
        HostTap tap = null;
        Fastpath fastpath = null;
        java.util.Map<String, DpdkPort> routerPorts = new java.util.LinkedHashMap<>();
        try {
            uplink = options.uplink().open(pool, config);
            log.accept("Opened uplink " + uplinkName + " (" + options.uplink().kind() + ", MAC " + uplink.macString() + ")");
            for (String p : options.routerPorts()) {
                DpdkPort port = new ocelot.control.ports.AfPacketUplink(p).open(pool, config);
                routerPorts.put(p, port);
                log.accept("Opened router port " + p + " (af_packet, MAC " + port.macString() + ")");
            }
            String cidr = nodeAddress.address() + "/" + nodeAddress.prefixLength();
            tap = HostTap.create(options.hostTap(), options.uplink().kernelInterface(), options.routerPorts(), cidr, uplink.macString(), pool,
                    config, runDir);
            log.accept("Created host TAP " + tap.name() + " (exception path) with " + cidr
                    + (routerPorts.isEmpty() ? "" : " and the router ports' " + tap.routerPortAddresses().values()) + " and MAC " + tap.kernelMac()
                    + (options.uplink().kernelInterface() == null ? "" : "; " + (routerPorts.isEmpty() ? "uplink " + uplinkName
                    : "uplink " + uplinkName + " and router ports " + String.join(", ", routerPorts.keySet())) + " set arp off, raw PREROUTING DROP"));
            FastpathConfig fpConfig = FastpathConfig.defaults().withWorkers(options.workers()).withMaxPorts(MAX_PORTS)
                    .withIdle(IdleMode.of(options.idle()));
            List<ocelot.fastpath.port.Port> ports = new java.util.ArrayList<>();
            ports.add(new DpdkEthPort(uplinkName, uplink, PortRole.FABRIC));
            ports.add(new DpdkEthPort(tap.name(), tap.port(), PortRole.EXCEPTION));
            routerPorts.forEach((name, port) -> ports.add(new DpdkEthPort(name, port, PortRole.RACK)));
            fastpath = new Fastpath(ports, fpConfig, System::nanoTime);
            fastpath.start();
            log.accept("Started fastpath: " + options.workers() + " worker(s), idle " + options.idle());
            Fastpath running = fastpath;
            DpdkPort.Config workloadPort = new DpdkPort.Config(options.workers(), options.workers(), WORKLOAD_DESCRIPTORS, WORKLOAD_DESCRIPTORS, true);
            WorkloadPorts workloads = new WorkloadPorts(options.workloadInterface(), pool, workloadPort, new WorkloadPorts.Sink() {
                @Override public void add(ocelot.fastpath.port.Port port) { running.control().addPort(port); }

                @Override public void remove(String name) { running.control().removePort(name); }
            }, new ocelot.control.ports.WorkloadRecords(runDir));
            return new NodeDataplane(nodeName, uplinkName, nodeAddress.address() + "/" + nodeAddress.prefixLength(), pool, uplink, tap, fastpath,
                    workloads, java.util.Collections.unmodifiableMap(routerPorts));
        } catch (RuntimeException e) {
            if (fastpath != null) fastpath.close();
            if (tap != null) tap.close();
            for (DpdkPort p : routerPorts.values()) p.close();
            if (uplink != null) uplink.close();
            pool.close();
            throw e;
        }
    }

    public Fastpath fastpath() { return fastpath; }

    public WorkloadPorts workloads() { return workloads; }

    public HostTap hostTap() { return hostTap; }

    public String uplinkName() { return uplinkName; }

    /** The node's address with its subnet length ("10.0.0.1/24"), as the host TAP carries it. */
    public String nodeCidr() { return nodeCidr; }

    public DpdkPort uplink() { return uplink; }

    /** Router mode: the rack-facing ports' kernel names (also their fastpath port names), in order; empty for a node. */
    public java.util.Set<String> routerPorts() { return routerPorts.keySet(); }

    /** Whether this dataplane is a router's (rack-facing ports beside the uplink). */
    public boolean router() { return !routerPorts.isEmpty(); }

    /** The MAC of the host TAP's kernel side, where punted frames go. */
    public long hostMac() { return KernelLink.macValue(hostTap.kernelMac()); }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        step("fastpath workers", fastpath::close);
        step("workload ports", workloads::close);
        step("host TAP (uplink restored)", hostTap::close);
        for (DpdkPort p : routerPorts.values()) step("router port", p::close);
        step("uplink", uplink::close);
        step("mempool", pool::close);
        deleteRuntimeDir(nodeName);
    }

    private void step(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("node {}: closing {}: {}", nodeName, what, e.getMessage());
        }
    }

    private static void deleteRuntimeDir(String nodeName) {
        Path dir = Path.of("/var/run/dpdk", DataplaneOptions.filePrefix(nodeName));
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // an empty runtime folder left behind is harmless
        }
    }
}
