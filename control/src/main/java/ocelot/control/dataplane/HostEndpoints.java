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
 * This node's host endpoints on its ports (a hostEndpoint whose {@code interfaceName} is the
 * uplink's kernel name, or in router mode a router port's) as the fastpath's
 * {@link HostEndpointPolicy}: Calico's failsafe stage first, then the endpoint's policies and
 * profiles (no policy and no profile: deny all but the failsafes, as Calico does once a host
 * endpoint exists). Its addresses for policy are the node's (the only addresses the host's
 * traffic through the uplink has; {@code expectedIPs} are for other nodes' selectors). Host
 * endpoints naming another interface have no port here: reported.
 *
 * <p>On a router (the gateway case) the same policies and profiles, without the failsafes
 * (they are for the host's own access), also classify new flows forwarded in through the port
 * (ingress) and out through it (egress), as Calico v3's {@code applyOnForward}: a router's
 * traffic is forwarded traffic. Driver thread only.
 */
final class HostEndpoints {
    /** A stage that matches nothing: past it, the fastpath's default deny. */
    private static final Classifier NO_RULES = Classifier.compile(List.of());
    private final DriverConfig config;
    /** Datastore key -> host endpoint on one of this node's ports. */
    private final Map<String, HostEndpoint> onPorts = new TreeMap<>();

    HostEndpoints(DriverConfig config) {
        this.config = config;
    }

    boolean isLocal(HostEndpoint h) {
        return config.nodeName().equals(h.node());
    }

    /** Whether {@code h} names one of this node's ports: the uplink, or a router port. */
    boolean onPort(HostEndpoint h) {
        return isLocal(h) && portOf(h) != null;
    }

    /** The fastpath port {@code h}'s interface is, or null. */
    private String portOf(HostEndpoint h) {
        if (config.uplinkInterface().equals(h.interfaceName())) return config.uplinkPort();
        DriverConfig.RouterPort p = h.interfaceName() == null ? null : config.routerPort(h.interfaceName());
        return p == null ? null : p.name();
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
        onPorts.put(key, h);
    }

    void remove(String key) {
        onPorts.remove(key);
    }

    /** Each port's host endpoint policy (ports without one have none); a second host endpoint on a port is reported. */
    List<HostEndpointPolicy> lower(PolicyFeed policy, ResourceProblems problems) {
        Map<String, String> firstByPort = new TreeMap<>();
        for (Map.Entry<String, HostEndpoint> e : onPorts.entrySet()) {
            String port = portOf(e.getValue());
            String first = firstByPort.putIfAbsent(port, e.getKey());
            if (first == null) {
                problems.clear(e.getKey());
            } else {
                problems.report(e.getKey(), "host endpoint on " + e.getValue().interfaceName() + " too: " + first + " already applies there");
            }
        }
        List<HostEndpointPolicy> out = new ArrayList<>();
        for (Map.Entry<String, String> e : firstByPort.entrySet()) {
            EndpointKey key = EndpointKey.host(config.nodeName(), onPorts.get(e.getValue()).name());
            List<Classifier> in = policy.stages(key, Direction.INGRESS), eg = policy.stages(key, Direction.EGRESS);
            out.add(config.router()
                    ? new HostEndpointPolicy(e.getKey(), stages(Failsafe.INBOUND, in), stages(Failsafe.OUTBOUND, eg), denyPast(in), denyPast(eg))
                    : new HostEndpointPolicy(e.getKey(), stages(Failsafe.INBOUND, in), stages(Failsafe.OUTBOUND, eg)));
        }
        return out;
    }

    /** Forwarded flows meet the endpoint's stages alone; with none, the fastpath's default deny needs one empty stage. */
    private static List<Classifier> denyPast(List<Classifier> stages) {
        return stages.isEmpty() ? List.of(NO_RULES) : stages;
    }

    private static List<Classifier> stages(Classifier failsafe, List<Classifier> rest) {
        List<Classifier> out = new ArrayList<>(rest.size() + 1);
        out.add(failsafe);
        out.addAll(rest);
        return out;
    }
}
