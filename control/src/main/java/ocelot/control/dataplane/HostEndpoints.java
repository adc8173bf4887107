package ocelot.control.dataplane;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ocelot.acl.Classifier;
import ocelot.control.policy.Direction;
import ocelot.control.policy.Endpoint;
import ocelot.control.policy.EndpointKey;
import ocelot.control.policy.IpAddress;
import ocelot.control.resource.HostEndpoint;
import ocelot.fastpath.state.HostEndpointPolicy;

/**
 * This node's host endpoint on the uplink (a hostEndpoint whose {@code interfaceName} is the
 * uplink's kernel name) as the fastpath's {@link HostEndpointPolicy}: Calico's failsafe stage
 * first, then the endpoint's policies and profiles (no policy and no profile: deny all but the
 * failsafes, as Calico does once a host endpoint exists). Its addresses for policy are the
 * node's (the only addresses the host's traffic through the uplink has; {@code expectedIPs}
 * are for other nodes' selectors). Host endpoints naming another interface have no port here:
 * reported. Driver thread only.
 */
final class HostEndpoints {
    private final DriverConfig config;
    private final Map<String, HostEndpoint> uplink = new TreeMap<>();

    HostEndpoints(DriverConfig config) {
        this.config = config;
    }

    boolean isLocal(HostEndpoint h) {
        return config.nodeName().equals(h.node());
    }

    boolean onUplink(HostEndpoint h) {
        return isLocal(h) && config.uplinkInterface().equals(h.interfaceName());
    }

    /** The policy model endpoint of an uplink host endpoint: its labels and profiles, the node's addresses. */
    Endpoint model(HostEndpoint h) {
        List<IpAddress> addresses = new ArrayList<>();
        addresses.add(IpAddress.v4(config.node().address()));
        if (config.nodeIpv6() != null) addresses.add(new IpAddress(true, config.nodeIpv6().hi(), config.nodeIpv6().lo()));
        return new Endpoint(EndpointKey.host(h.node(), h.name()), h.labels() == null ? Map.of() : h.labels(), addresses, List.of(),
                h.profiles() == null ? List.of() : h.profiles());
    }

    void put(String key, HostEndpoint h) {
        uplink.put(key, h);
    }

    void remove(String key) {
        uplink.remove(key);
    }

    /** The uplink's host endpoint policy, or none; a second host endpoint on the uplink is reported. */
    List<HostEndpointPolicy> lower(PolicyFeed policy, ResourceProblems problems) {
        String first = null;
        for (String key : uplink.keySet()) {
            if (first == null) {
                first = key;
                problems.clear(key);
            } else {
                problems.report(key, "host endpoint on " + config.uplinkInterface() + " too: " + first + " already applies there");
            }
        }
        if (first == null) return List.of();
        EndpointKey key = EndpointKey.host(config.nodeName(), uplink.get(first).name());
        return List.of(new HostEndpointPolicy(config.uplinkPort(), stages(Failsafe.INBOUND, policy.stages(key, Direction.INGRESS)),
                stages(Failsafe.OUTBOUND, policy.stages(key, Direction.EGRESS))));
    }

    private static List<Classifier> stages(Classifier failsafe, List<Classifier> rest) {
        List<Classifier> out = new ArrayList<>(rest.size() + 1);
        out.add(failsafe);
        out.addAll(rest);
        return out;
    }
}
