package ocelot.control.ports;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import ocelot.control.node.WorkloadAttachProtocol.Attach;
import ocelot.control.node.WorkloadAttachProtocol.Detach;
import ocelot.control.node.WorkloadAttachServer;
import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.Mempool;
import ocelot.fastpath.port.DpdkEthPort;
import ocelot.fastpath.port.Port;
import ocelot.fastpath.port.PortRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workload ports of the node (Calico-VPP's cni/ server): attach creates the interface of
 * the configured {@link WorkloadInterfaceKind}, adds it to the running fastpath, moves it into
 * the workload's namespace; detach takes it out of the fastpath and closes it (the kernel side
 * disappears). Any failure undoes the steps done, so no half-made interface stays. The set of
 * present ports is what the dataplane driver publishes endpoints against: it hears of a new
 * port once the port forwards, and of a leaving one before the port leaves the fastpath (the
 * fastpath refuses to remove a port its published state still uses).
 */
public final class WorkloadPorts implements WorkloadAttachServer.Handler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadPorts.class);

    /** Where ports go once created: the running fastpath's port set. */
    public interface Sink {
        void add(Port port);

        void remove(String name);
    }

    private final WorkloadInterfaceKind kind;
    private final Mempool pool;
    private final DpdkPort.Config config;
    private final Sink fastpath;
    private final Map<String, DpdkEthPort> ports = new LinkedHashMap<>();
    private volatile Consumer<Set<String>> presence = present -> { };
    /** Where attached ports are recorded for the next start; null keeps no record. */
    private final WorkloadRecords records;

    public WorkloadPorts(WorkloadInterfaceKind kind, Mempool pool, DpdkPort.Config config, Sink fastpath) {
        this(kind, pool, config, fastpath, null);
    }

    /** As above, recording each attached port in {@code records} (see {@link #restore}). */
    public WorkloadPorts(WorkloadInterfaceKind kind, Mempool pool, DpdkPort.Config config, Sink fastpath, WorkloadRecords records) {
        this.kind = kind;
        this.pool = pool;
        this.config = config;
        this.fastpath = fastpath;
        this.records = records;
    }

    /**
     * Gives back the interfaces the previous run of this node had attached (its records), after a
     * crash or a stop: each workload whose namespace still exists, whose interface is not there
     * (it died with the previous process) and whose endpoint {@code endpointExists} confirms (by
     * interface name: the datastore still has it) is attached again with the same name, addresses
     * and MAC, so the endpoint as stored describes it again. Records of workloads that are gone
     * are removed; one that fails to attach is logged and kept for the next start. Returns the
     * number re-attached.
     */
    public int restore(java.util.function.Predicate<String> endpointExists) {
        if (records == null) return 0;
        int restored = 0;
        for (WorkloadRecords.Entry e : records.list(problem -> LOG.error("workload record not restored: {}", problem))) {
            Attach a = e.attach();
            String gone = null;
            if (!java.nio.file.Files.exists(java.nio.file.Path.of(a.netns()))) gone = "its netns " + a.netns() + " no longer exists";
            else if (!endpointExists.test(a.hostIfName())) gone = "no workloadEndpoint of this node has interfaceName " + a.hostIfName();
            if (gone != null) {
                LOG.info("workload port {} (container {}) not restored: {}; record removed", a.hostIfName(), a.containerId(), gone);
                records.remove(a.hostIfName());
                continue;
            }
            try {
                attach(a, e.mac());
                restored++;
                LOG.info("workload port {} restored into {} as {} with {} and MAC {}", a.hostIfName(), a.netns(), a.ifName(),
                        a.addresses(), e.mac());
            } catch (RuntimeException ex) {
                LOG.error("workload port {} (container {}) not restored: {}", a.hostIfName(), a.containerId(), ex.getMessage());
            }
        }
        return restored;
    }

    /**
     * Told the set of present ports after an attach and before a detach's removal from the
     * fastpath; must return once the published state reflects it (the driver's portsChanged + sync).
     */
    public void onPresenceChange(Consumer<Set<String>> listener) { presence = listener; }

    /** Names (hostIfName) of the workload ports now in the fastpath. */
    public synchronized Set<String> present() { return Set.copyOf(ports.keySet()); }

    public synchronized int size() { return ports.size(); }

    @Override
    public String attach(Attach a) {
        return attach(a, null);
    }

    /** Attaches as the protocol's attach does; {@code wantedMac} (or null: the TAP's own) is the interface's MAC. */
    private String attach(Attach a, String wantedMac) {
        String mac;
        synchronized (this) {
            if (ports.containsKey(a.hostIfName())) throw new IllegalStateException("workload port " + a.hostIfName() + " already attached");
            if (KernelLink.exists(a.hostIfName())) throw new IllegalStateException("an interface named " + a.hostIfName() + " already exists on the node");
            try (WorkloadNamespace ns = WorkloadNamespace.open(a.netns())) {
                if (ns.exists(a.ifName())) throw new IllegalStateException("interface " + a.ifName() + " already exists in netns " + a.netns());
                DpdkPort device = kind.create(a.hostIfName(), pool, config);
                DpdkEthPort port = new DpdkEthPort(a.hostIfName(), device, PortRole.WORKLOAD);
                try {
                    fastpath.add(port);
                } catch (RuntimeException e) {
                    device.close();
                    throw new IllegalStateException("adding port " + a.hostIfName() + " to the fastpath: " + e.getMessage(), e);
                }
                try {
                    mac = ns.plumb(a.hostIfName(), a.ifName(), a.addresses(), wantedMac);
                    if (records != null) records.save(a, mac);
                } catch (RuntimeException e) {
                    fastpath.remove(a.hostIfName());
                    device.close(); // the TAP disappears wherever it got to
                    throw e;
                }
                ports.put(a.hostIfName(), port);
            }
            presence.accept(Set.copyOf(ports.keySet()));
        }
        return mac;
    }

    @Override
    public synchronized void detach(Detach d) {
        if (records != null) records.remove(d.hostIfName()); // also one a crashed run left: its workload is being deleted
        DpdkEthPort port = ports.remove(d.hostIfName());
        if (port == null) return; // already gone: CNI DEL is idempotent
        presence.accept(Set.copyOf(ports.keySet()));
        fastpath.remove(d.hostIfName());
        port.close();
    }

    /**
     * Closes every workload port's device (node stop, after the fastpath's workers stopped, so
     * no removal from the fastpath is needed): their interfaces disappear from the workloads'
     * namespaces.
     */
    @Override
    public synchronized void close() {
        for (var e : ports.entrySet()) {
            try {
                e.getValue().close();
            } catch (RuntimeException ex) {
                LOG.warn("workload port {}: {}", e.getKey(), ex.getMessage());
            }
        }
        ports.clear();
    }
}
