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
    /** A fastpath endpoint built last time with the classifier versions it was built from. */
    private record Built(Endpoint endpoint, Object ingressVersion, Object egressVersion, LocalEndpoints.Admitted from) {}

    /** Fastpath endpoints built last time, reused while nothing of theirs changed. */
    private Map<String, Built> built = new HashMap<>();
    private Set<String> ports = Set.of();
    private boolean endpointsDirty = true, stagesDirty = true, routesDirty = true, poolsDirty = true;
    private List<LocalEndpoints.Admitted> present = List.of();
    private List<Endpoint> endpointList;
    private Map<String, List<Ip6>> v6Addresses = Map.of();
    private List<ocelot.fastpath.state.Route> v4Routes;
    private List<ocelot.fastpath.state.Route6> v6Routes = List.of();
    /** Endpoints the fastpath refused (by datastore key), out until they or the ports change. */
    private final Set<String> quarantined = new java.util.HashSet<>();
    /** The IP set view of the state last lowered. */
    private ocelot.acl.IpSetTable.View lowered;
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
            routesDirty = true;
            return;
        }
        var resource = ResourceCodec.fromStored(key, value);
        switch (resource) {
            case WorkloadEndpoint w -> {
                if (local.isLocal(w)) {
                    quarantined.remove(key);
                    local.put(key, w);
                    localResources.put(key, w);
                } else {
                    policy.putEndpoint(key, ResourceTranslation.endpoint(w));
                }
            }
            case HostEndpoint h -> {
                hosts.remove(key);
                if (hosts.onPort(h)) {
                    policy.putEndpoint(key, hosts.model(h));
                    hosts.put(key, h);
                } else {
                    policy.putEndpoint(key, ResourceTranslation.endpoint(h));
                    if (hosts.isLocal(h)) {
                        problems.report(key, "interface " + h.interfaceName() + " is not the uplink (" + config.uplinkInterface()
                                + (config.router() ? ") nor a router port (" + String.join(", ", config.routerPorts().stream()
                                        .map(DriverConfig.RouterPort::name).toList()) : "")
                                + "): no port to police here; its labels still count for selectors");
                    }
                }
            }
            case Policy p -> policy.putPolicy(key, ResourceTranslation.policy(p));
            case Profile p -> policy.putProfile(key, ResourceTranslation.profile(p));
            case IpPool p -> {
                pools.put(key, p);
                poolsDirty = true;
            }
            default -> { } // nodes, peers: the BGP agent's
        }
    }

    private void remove(String key) {
        problems.clear(key);
        if (key.startsWith(WORKLOADS)) {
            quarantined.remove(key);
        if (localResources.remove(key) != null) {
                local.remove(key);
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
            poolsDirty = true;
        } else {
            routes.removeBlock(key);
            routesDirty = true;
        }
    }

    void learned(Prefix prefix, java.util.List<java.net.InetAddress> nextHops) {
        routes.learned(prefix, nextHops);
        routesDirty = true;
    }

    /** The workload ports that exist in the fastpath now; endpoints on other ports wait. */
    void ports(Set<String> present) {
        if (present == ports || present.equals(ports)) return;
        quarantined.forEach(problems::clear);
        quarantined.clear();
        ports = present;
        endpointsDirty = true;
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
                endpointsDirty = true;
                return true;
            }
        }
        return false;
    }

    /** Admission and the calculation graph: what changed since the last call, brought up to date. */
    void calculate() {
        for (String key : local.admit(problems)) {
            endpointsDirty = true;
            if (!local.admitted().containsKey(key)) {
                if (fedLocal.remove(key) != null) policy.removeEndpoint(key);
                continue;
            }
            WorkloadEndpoint w = localResources.get(key);
            if (fedLocal.get(key) != w) {
                fedLocal.put(key, w);
                policy.putEndpoint(key, ResourceTranslation.endpoint(w));
            }
        }
        if (poolsDirty) {
            pools.lower(problems);
            poolsDirty = false;
            routesDirty = true;
        }
        // any graph output may change some endpoint's stages: their lists are compared in lower()
        if (policy.flush(problems) > 0) stagesDirty = true;
    }

    /**
     * The whole desired state, lowered. Only what changed is rebuilt: the endpoint list when
     * admission, ports or classifier stages changed (an endpoint whose stages and fields are the
     * same keeps its object), the routes when endpoints, blocks, pools or learned routes did;
     * otherwise the last state is returned as it was.
     */
    DataplaneState lower() {
        boolean endpointsChanged = false;
        if (!endpointsDirty && stagesDirty && endpointList != null) {
            // only classifier stages may have changed (a policy or profile edit): the same
            // endpoints, each checked by the identity of its classifiers, no maps rebuilt
            List<Endpoint> list = null;
            for (int i = 0; i < present.size(); i++) {
                LocalEndpoints.Admitted a = present.get(i);
                Built was = built.get(a.key());
                Object inVersion = policy.version(a.policyKey(), Direction.INGRESS);
                Object outVersion = policy.version(a.policyKey(), Direction.EGRESS);
                if (was.ingressVersion() == inVersion && was.egressVersion() == outVersion) continue;
                List<Classifier> in = policy.stages(a.policyKey(), Direction.INGRESS);
                List<Classifier> out = policy.stages(a.policyKey(), Direction.EGRESS);
                Endpoint e = was.endpoint().ingress().equals(in) && was.endpoint().egress().equals(out) ? was.endpoint()
                        : new Endpoint(a.name(), a.port(), a.mac(), a.v4(), in, out);
                built.put(a.key(), new Built(e, inVersion, outVersion, a));
                if (e != was.endpoint()) {
                    if (list == null) list = new ArrayList<>(endpointList);
                    list.set(i, e);
                }
            }
            if (list != null) endpointList = List.copyOf(list);
            stagesDirty = false;
        }
        if (endpointsDirty || stagesDirty) {
            List<LocalEndpoints.Admitted> nowPresent = new ArrayList<>();
            Map<String, Built> next = new HashMap<>();
            List<Endpoint> list = new ArrayList<>();
            Map<String, List<Ip6>> v6 = new HashMap<>();
            for (LocalEndpoints.Admitted a : local.admitted().values()) {
                if (quarantined.contains(a.key())) continue;
                if (!ports.contains(a.port())) {
                    LOG.debug("node {}: endpoint {} waits for its port {}", config.nodeName(), a.key(), a.port());
                    continue;
                }
                Object inVersion = policy.version(a.policyKey(), Direction.INGRESS);
                Object outVersion = policy.version(a.policyKey(), Direction.EGRESS);
                Built was = built.get(a.key());
                Endpoint old = was == null ? null : was.endpoint();
                Endpoint e;
                if (was != null && was.from() == a && was.ingressVersion() == inVersion && was.egressVersion() == outVersion) {
                    e = old; // nothing of it changed (the common case: 10k endpoints, one policy edited)
                } else {
                    List<Classifier> in = policy.stages(a.policyKey(), Direction.INGRESS);
                    List<Classifier> out = policy.stages(a.policyKey(), Direction.EGRESS);
                    e = old != null && old.port().equals(a.port()) && old.mac() == a.mac() && old.addresses().equals(a.v4())
                            && old.ingress().equals(in) && old.egress().equals(out) ? old
                            : new Endpoint(a.name(), a.port(), a.mac(), a.v4(), in, out);
                }
                endpointsChanged |= e != old;
                next.put(a.key(), new Built(e, inVersion, outVersion, a));
                list.add(e);
                nowPresent.add(a);
                if (!a.v6().isEmpty()) v6.put(a.name(), a.v6());
            }
            endpointsChanged |= next.size() != built.size();
            built = next;
            if (endpointsChanged || endpointList == null) {
                endpointList = List.copyOf(list);
                v6Addresses = v6;
                if (!nowPresent.equals(present)) routesDirty = true;
                present = nowPresent;
            }
            endpointsDirty = false;
            stagesDirty = false;
        }
        if (routesDirty || v4Routes == null) {
            v4Routes = List.copyOf(routes.v4(present, pools.v4()));
            v6Routes = config.nodeIpv6() == null ? List.of() : List.copyOf(routes.v6(present));
            routesDirty = false;
        }
        // a router's port addresses are the node's too: answered to ARP, punted to the host (BGP to the rack)
        List<Integer> portAddresses = config.routerPorts().stream().map(p -> p.address().address()).toList();
        DataplaneState state = new DataplaneState(config.node(), portAddresses, endpointList, v4Routes, pools.v4(), List.of(), config.hostMac());
        // sealed last, after every classifier change of this batch: the view is the state's own
        lowered = policy.sealIpSets();
        state = state.withIpSets(lowered);
        if (config.nodeIpv6() != null) {
            state = state.withIpv6(new Ipv6Plane(config.nodeIpv6(), v6Addresses, v6Routes, List.of(), pools.v6()));
        }
        state = state.withHostEndpoints(hosts.lower(policy, problems));
        routesPublished = v4Routes.size() + v6Routes.size();
        endpointsPublished = endpointList.size();
        problems.publish();
        return state;
    }

    /**
     * The lowered state is in force (published, or equal to the one published, and no worker on
     * an older snapshot): IP sets removed before it can go, and the membership only older
     * states' views read can be reused.
     */
    void stateInForce() {
        policy.retireRemovedSets();
        lowered.table().release(lowered.generation());
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

    java.util.Map<Integer, ocelot.control.calc.RuleSlots.Label> ruleLabels() {
        return policy.ruleLabels();
    }

    int learnedRoutes() {
        return routes.learnedCount();
    }
}
