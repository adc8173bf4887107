package ocelot.control.cni;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.ipam.BlockAffinityIpam;
import ocelot.control.ipam.IpamHandle;
import ocelot.control.node.WorkloadAttachClient;
import ocelot.control.node.WorkloadAttachException;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.IpAddress;
import ocelot.control.resource.Kind;
import ocelot.control.resource.ResourceCodec;
import ocelot.control.resource.ResourceKey;
import ocelot.control.resource.WorkloadEndpoint;

/**
 * What a CNI ADD/DEL does, shared by {@code ocelot-cni} and {@code ocelotctl endpoint add|remove}:
 * assign an address (IPAM handle = the caller's), ask the node to attach the interface, write the
 * workloadEndpoint; remove in reverse (endpoint, interface, address). Each step that fails undoes
 * the ones before it, so a failed ADD leaves no address, interface or endpoint behind.
 */
public final class WorkloadWiring {
    private final ResourceStore resources;
    private final BlockAffinityIpam ipam;
    private final WorkloadAttachClient node;

    public WorkloadWiring(ResourceStore resources, WorkloadAttachClient node) {
        this.resources = resources;
        this.ipam = new BlockAffinityIpam(resources.datastore());
        this.node = node;
    }

    /** Identity of a workloadEndpoint: its datastore key's four parts. */
    public record EndpointId(String node, String orchestrator, String workload, String name) {
        public ResourceKey key() {
            return new ResourceKey(Kind.WORKLOAD_ENDPOINT, List.of("node", "orchestrator", "workload", "name"),
                    List.of(node, orchestrator, workload, name));
        }

        /** Calico's host-side interface name: "cali" + 11 hex digits of a hash of the identity (15 chars, IFNAMSIZ-1). */
        public String hostIfName() {
            try {
                byte[] sha = MessageDigest.getInstance("SHA-1")
                        .digest((orchestrator + "/" + workload + "/" + name).getBytes(StandardCharsets.UTF_8));
                return "cali" + HexFormat.of().formatHex(sha).substring(0, 11);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return node + "/" + orchestrator + "/" + workload + "/" + name;
        }
    }

    /**
     * One ADD. {@code fixedIp} null = assign from {@code pools} (all enabled pools when empty).
     *
     * @param containerId the runtime's container id, passed to the node for its logs
     */
    public record AddRequest(EndpointId id, String handleId, String containerId, String netns, String ifName,
                             IpAddress fixedIp, List<Cidr> pools, Map<String, String> labels, List<String> profiles) {
        public AddRequest {
            pools = List.copyOf(pools);
            labels = Map.copyOf(labels);
            profiles = List.copyOf(profiles);
        }
    }

    /** What ADD made: the endpoint as written (address, host interface, MAC inside the namespace). */
    public record Added(WorkloadEndpoint endpoint, IpAddress address) {}

    public Added add(AddRequest req) {
        Optional<?> existing = resources.get(req.id().key());
        if (existing.isPresent()) {
            throw new CniError(CniError.INVALID_NETWORK_CONFIG, "workloadEndpoint " + req.id() + " already exists",
                    "remove it first (CNI DEL / ocelotctl endpoint remove)");
        }
        String hostIf = req.id().hostIfName();
        // Validate names, labels and profiles the way the datastore reader will, before anything is assigned.
        WorkloadEndpoint draft = endpoint(req, hostIf, null, null);
        ResourceCodec.fromStored(draft.key().datastoreKey(), ResourceCodec.toStored(draft));
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("node", req.id().node());
        attributes.put(IpamHandle.WORKLOAD_ENDPOINT, req.id().toString());
        var assign = new BlockAffinityIpam.AssignRequest(req.id().node(), req.handleId(), 4, attributes);
        IpAddress ip = req.fixedIp() != null ? ipam.assign(req.fixedIp(), assign).address()
                : ipam.assign(assign, req.pools()).address();
        Cidr net = new Cidr(ip, ip.bits());
        String mac;
        try {
            mac = node.attach(req.containerId(), req.netns(), req.ifName(), hostIf, List.of(net.toString()));
        } catch (WorkloadAttachException e) {
            ipam.release(ip);
            throw nodeFailure(e);
        } catch (RuntimeException e) {
            ipam.release(ip);
            throw e;
        }
        WorkloadEndpoint wep = endpoint(req, hostIf, mac, net);
        try {
            resources.create(List.of(wep), false);
        } catch (RuntimeException e) {
            detachQuietly(hostIf);
            ipam.release(ip);
            throw e;
        }
        return new Added(wep, ip);
    }

    private static WorkloadEndpoint endpoint(AddRequest req, String hostIf, String mac, Cidr net) {
        return new WorkloadEndpoint(req.id().name(), req.id().workload(), req.id().orchestrator(), req.id().node(),
                req.labels().isEmpty() ? null : new java.util.TreeMap<>(req.labels()), hostIf, mac,
                net == null ? null : List.of(net), null, req.profiles().isEmpty() ? null : req.profiles());
    }

    /** What DEL found and undid (all false: nothing was there, which is fine). */
    public record Removed(boolean endpoint, boolean interfaceDetached, int addressesReleased) {}

    /**
     * One DEL: the endpoint, then the interface, then the handle's addresses. Idempotent: a second
     * call finds nothing and succeeds. A node that is not running has no interface to remove (its
     * TAPs die with it), so an unreachable node is not an error here.
     */
    public Removed remove(EndpointId id, String handleId) {
        Optional<WorkloadEndpoint> wep = resources.get(id.key()).map(WorkloadEndpoint.class::cast);
        String hostIf = wep.map(WorkloadEndpoint::interfaceName).orElse(id.hostIfName());
        wep.ifPresent(w -> resources.delete(List.of(w), true));
        boolean detached = detachQuietly(hostIf);
        int released = ipam.releaseByHandle(handleId);
        return new Removed(wep.isPresent(), detached, released);
    }

    private boolean detachQuietly(String hostIf) {
        if (!nodeAnswers()) return false;
        try {
            node.detach(hostIf);
            return true;
        } catch (WorkloadAttachException e) {
            throw nodeFailure(e);
        }
    }

    /** Whether anything listens on the node's socket (a stale file from a dead node does not). */
    boolean nodeAnswers() {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(node.socket()))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A node that is not running is worth retrying later (CNI code 11); a refusal is the plugin's failure. */
    private CniError nodeFailure(WorkloadAttachException e) {
        if (!nodeAnswers()) {
            return new CniError(CniError.TRY_AGAIN_LATER, "no Ocelot node is running: nobody answers on " + node.socket(),
                    "start it with 'ocelotctl node run' (" + e.getMessage() + ")");
        }
        return new CniError(CniError.PLUGIN_FAILURE, "the node refused: " + e.getMessage(), null);
    }

    public Optional<WorkloadEndpoint> endpoint(EndpointId id) {
        return resources.get(id.key()).map(WorkloadEndpoint.class::cast);
    }

    public BlockAffinityIpam ipam() {
        return ipam;
    }
}
