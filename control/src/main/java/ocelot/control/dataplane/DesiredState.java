package ocelot.control.dataplane;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.acl.Classifier;
import ocelot.bgp.wire.Prefix;
import ocelot.control.calc.ResourceTranslation;
import ocelot.control.ipam.AllocationBlock;
import ocelot.control.policy.Direction;
import ocelot.control.resource.HostEndpoint;
import ocelot.control.resource.IpPool;
import ocelot.control.resource.Kind;
import ocelot.control.resource.Policy;
import ocelot.control.resource.Profile;
import ocelot.control.resource.ResourceCodec;
import ocelot.control.resource.ResourceKey;
import ocelot.control.resource.WorkloadEndpoint;
import ocelot.fastpath.state.DataplaneState;
import ocelot.fastpath.state.Endpoint;
import ocelot.fastpath.state.Ip6;
import ocelot.fastpath.state.Ipv6Plane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's desired dataplane, kept up to date from datastore changes and learned routes and
 * lowered into one {@link DataplaneState}: decoding (a damaged record keeps its last good
 * version, or stays out, named), then the appliers, each owning one concern: {@link LocalEndpoints}
 * (which endpoints get in), {@link PolicyFeed} (their classifiers), {@link Pools}, {@link Routes}.
 * Driver thread only.
 */
final class DesiredState {
    private static final Logger LOG = LoggerFactory.getLogger(DesiredState.class);
    private static final String WORKLOADS = ResourceKey.folder(Kind.WORKLOAD_ENDPOINT);
    private static final String HOSTS = ResourceKey.folder(Kind.HOST_ENDPOINT);
    private static final String POLICIES = ResourceKey.folder(Kind.POLICY);
    private static final String PROFILES = ResourceKey.folder(Kind.PROFILE);
    private static final String POOLS = ResourceKey.folder(Kind.IP_POOL);

    private final DriverConfig config;
    final ResourceProblems problems;
    private final LocalEndpoints local;
    private final PolicyFeed policy;
    private final Pools pools = new Pools();
    private final Routes routes;
    private final HostEndpoints hosts;
    /** Local workload endpoints by key as the policy feed has them (admitted ones only). */
    private final Map<String, WorkloadEndpoint> fedLocal = new HashMap<>();
    private final Map<String, WorkloadEndpoint> localResources = new HashMap<>();
    /** Fastpath endpoints built last time, reused while nothing of theirs changed. */
    private Map<String, Endpoint> built = new HashMap<>();
    private Set<String> ports = Set.of();
    /** Endpoints the fastpath refused (by datastore key), out until they or the ports change. */
    private final Set<String> quarantined = new java.util.HashSet<>();
    private boolean localDirty;
    private int endpointsPublished;
    private int routesPublished;

    DesiredState(DriverConfig config) {
        this.config = config;
        this.problems = new ResourceProblems(config.nodeName());
        this.local = new LocalEndpoints(config.nodeName(), Set.of(config.uplinkPort(), config.exceptionPort()));
        this.policy = new PolicyFeed(config.nodeName());
        this.routes = new Routes(config);
        this.hosts = new HostEndpoints(config);
    }

    /** Applies one drained batch of datastore changes (key -> value, null = deleted). */
    void apply(Map<String, String> changes) {
        for (Map.Entry<String, String> c : changes.entrySet()) {
            String key = c.getKey();
            try {
                problems.clear(key);
                if (c.getValue() == null) remove(key);
                else put(key, c.getValue());
            } catch (RuntimeException e) {
                problems.report(key, e.getMessage() + (c.getValue() == null ? "" : "; the last good version, if any, stays in force"));
            }
        }
    }

    private void put(String key, String value) {
        if (key.startsWith(DatastoreMirror.PREFIXES[5])) {
            routes.putBlock(key, AllocationBlock.fromStored(key, value));
            return;
        }
        var resource = ResourceCodec.fromStored(key, value);
        switch (resource) {
            case WorkloadEndpoint w -> {
                if (local.isLocal(w)) {
                    quarantined.remove(key);
                    local.put(key, w);
                    localResources.put(key, w);
                    localDirty = true;
                } else {
                    policy.putEndpoint(key, ResourceTranslation.endpoint(w));
                }
            }
            case HostEndpoint h -> {
                hosts.remove(key);
                if (hosts.onUplink(h)) {
                    policy.putEndpoint(key, hosts.model(h));
                    hosts.put(key, h);
                } else {
                    policy.putEndpoint(key, ResourceTranslation.endpoint(h));
                    if (hosts.isLocal(h)) {
                        problems.report(key, "interface " + h.interfaceName() + " is not the uplink (" + config.uplinkInterface()
                                + "): no port to police here; its labels still count for selectors");
                    }
                }
            }
            case Policy p -> policy.putPolicy(key, ResourceTranslation.policy(p));
            case Profile p -> policy.putProfile(key, ResourceTranslation.profile(p));
            case IpPool p -> pools.put(key, p);
            default -> { } // nodes, peers: the BGP agent's
        }
    }

    private void remove(String key) {
        problems.clear(key);
        if (key.startsWith(WORKLOADS)) {
            quarantined.remove(key);
        if (localResources.remove(key) != null) {
                local.remove(key);
                localDirty = true;
            } else {
                policy.removeEndpoint(key);
            }
        } else if (key.startsWith(HOSTS)) {
            policy.removeEndpoint(key);
            hosts.remove(key);
        } else if (key.startsWith(POLICIES)) {
            policy.removePolicy(key);
        } else if (key.startsWith(PROFILES)) {
            policy.removeProfile(key);
        } else if (key.startsWith(POOLS)) {
            pools.remove(key);
        } else {
            routes.removeBlock(key);
        }
    }

    void learned(Prefix prefix, java.net.InetAddress nextHop) {
        routes.learned(prefix, nextHop);
    }

    /** The workload ports that exist in the fastpath now; endpoints on other ports wait. */
    void ports(Set<String> present) {
        if (!present.equals(ports)) {
            quarantined.forEach(problems::clear);
            quarantined.clear();
        }
        ports = Set.copyOf(present);
    }

    /**
     * The fastpath refused a state with {@code message}: if it names one of our endpoints, that
     * endpoint is left out (reported) until it or the ports change, and true is returned (worth
     * lowering and publishing again without it).
     */
    boolean quarantine(String message) {
        if (message == null) return false;
        for (LocalEndpoints.Admitted a : local.admitted().values()) {
            if (!quarantined.contains(a.key()) && message.contains("endpoint " + a.name() + ":")) {
                quarantined.add(a.key());
                problems.report(a.key(), "the fastpath refused it: " + message);
                return true;
            }
        }
        return false;
    }

    /** Admission and the calculation graph: what changed since the last call, brought up to date. */
    void calculate() {
        if (localDirty) {
            local.admit(problems);
            localDirty = false;
            Map<String, LocalEndpoints.Admitted> admitted = local.admitted();
            for (String key : List.copyOf(fedLocal.keySet())) {
                if (!admitted.containsKey(key)) {
                    fedLocal.remove(key);
                    policy.removeEndpoint(key);
                }
            }
            for (String key : admitted.keySet()) {
                WorkloadEndpoint w = localResources.get(key);
                if (fedLocal.get(key) != w) {
                    fedLocal.put(key, w);
                    policy.putEndpoint(key, ResourceTranslation.endpoint(w));
                }
            }
        }
        pools.lower(problems);
        policy.flush(problems);
    }

    /** The whole desired state, lowered. */
    DataplaneState lower() {
        List<LocalEndpoints.Admitted> present = new ArrayList<>();
        Map<String, Endpoint> next = new HashMap<>();
        List<Endpoint> endpoints = new ArrayList<>();
        Map<String, List<Ip6>> v6 = new HashMap<>();
        for (LocalEndpoints.Admitted a : local.admitted().values()) {
            if (quarantined.contains(a.key())) continue;
            if (!ports.contains(a.port())) {
                LOG.debug("node {}: endpoint {} waits for its port {}", config.nodeName(), a.key(), a.port());
                continue;
            }
            List<Classifier> in = policy.stages(a.policyKey(), Direction.INGRESS);
            List<Classifier> out = policy.stages(a.policyKey(), Direction.EGRESS);
            Endpoint old = built.get(a.key());
            Endpoint e = old != null && old.port().equals(a.port()) && old.mac() == a.mac() && old.addresses().equals(a.v4())
                    && old.ingress().equals(in) && old.egress().equals(out) ? old
                    : new Endpoint(a.name(), a.port(), a.mac(), a.v4(), in, out);
            next.put(a.key(), e);
            endpoints.add(e);
            present.add(a);
            if (!a.v6().isEmpty()) v6.put(a.name(), a.v6());
        }
        built = next;
        var v4Routes = routes.v4(present, pools.v4());
        DataplaneState state = new DataplaneState(config.node(), List.of(), endpoints, v4Routes, pools.v4(), List.of(), config.hostMac());
        routesPublished = v4Routes.size();
        if (config.nodeIpv6() != null) {
            var v6Routes = routes.v6(present);
            routesPublished += v6Routes.size();
            state = state.withIpv6(new Ipv6Plane(config.nodeIpv6(), v6, v6Routes, List.of(), pools.v6()));
        }
        state = state.withHostEndpoints(hosts.lower(policy, problems));
        endpointsPublished = endpoints.size();
        problems.publish();
        return state;
    }

    int endpoints() {
        return endpointsPublished;
    }

    int routes() {
        return routesPublished;
    }

    int activePolicies() {
        return policy.activePolicies();
    }

    int learnedRoutes() {
        return routes.learnedCount();
    }
}
