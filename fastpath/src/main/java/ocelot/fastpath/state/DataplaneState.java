package ocelot.fastpath.state;

import java.util.List;
import ocelot.acl.IpSetTable;

/**
 * Everything the control plane tells the fastpath, as one immutable value: the desired state.
 * {@link ocelot.fastpath.worker.FastpathControl#publish} validates and compiles it into a
 * {@link ForwardingSnapshot} and swaps it in; workers pick it up at their next burst.
 *
 * @param tunnelAddresses extra local addresses (Calico's tunl0 address) that count as the node
 * @param hostMac MAC of the node kernel's interface behind the exception port (a TAP): punted
 *                frames are re-addressed to it so the kernel accepts them; 0 leaves them as received
 * @param ipv6 IPv6 forwarding state; null: IPv6 is not forwarded, it goes to the kernel (punted)
 * @param hostEndpoints policy on the host's own traffic per non-workload port (at most one per port)
 * @param ipSets the IP set membership the endpoints' classifiers judge this state's packets by
 *               (sealed with it, so changes made for a later state are not seen); null: the newest
 */
public record DataplaneState(NodeAddress node, List<Integer> tunnelAddresses, List<Endpoint> endpoints,
                             List<Route> routes, List<IpPool> pools, List<Neighbour> neighbours, long hostMac, Ipv6Plane ipv6,
                             List<HostEndpointPolicy> hostEndpoints, IpSetTable.View ipSets) {
    public DataplaneState(NodeAddress node, List<Integer> tunnelAddresses, List<Endpoint> endpoints,
                          List<Route> routes, List<IpPool> pools, List<Neighbour> neighbours, long hostMac, Ipv6Plane ipv6,
                          List<HostEndpointPolicy> hostEndpoints) {
        this(node, tunnelAddresses, endpoints, routes, pools, neighbours, hostMac, ipv6, hostEndpoints, null);
    }

    public DataplaneState(NodeAddress node, List<Integer> tunnelAddresses, List<Endpoint> endpoints,
                          List<Route> routes, List<IpPool> pools, List<Neighbour> neighbours, long hostMac, Ipv6Plane ipv6) {
        this(node, tunnelAddresses, endpoints, routes, pools, neighbours, hostMac, ipv6, List.of());
    }

    public DataplaneState(NodeAddress node, List<Integer> tunnelAddresses, List<Endpoint> endpoints,
                          List<Route> routes, List<IpPool> pools, List<Neighbour> neighbours, long hostMac) {
        this(node, tunnelAddresses, endpoints, routes, pools, neighbours, hostMac, null);
    }

    public DataplaneState(NodeAddress node, List<Integer> tunnelAddresses, List<Endpoint> endpoints,
                          List<Route> routes, List<IpPool> pools, List<Neighbour> neighbours) {
        this(node, tunnelAddresses, endpoints, routes, pools, neighbours, 0, null);
    }

    public DataplaneState {
        if ((hostMac >>> 48) != 0) throw new IllegalArgumentException("dataplane state: hostMac must fit 48 bits");
        if (node == null) throw new IllegalArgumentException("dataplane state: node address missing");
        tunnelAddresses = tunnelAddresses == null ? List.of() : List.copyOf(tunnelAddresses);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        routes = routes == null ? List.of() : List.copyOf(routes);
        if (pools == null) pools = List.of();
        for (int a = 0; a < pools.size(); a++) if (pools.get(a) == null) throw new IllegalArgumentException("dataplane state: IP pool #" + a + " missing");
        pools = List.copyOf(pools);
        neighbours = neighbours == null ? List.of() : List.copyOf(neighbours);
        hostEndpoints = hostEndpoints == null ? List.of() : List.copyOf(hostEndpoints);
    }

    /** This state with IPv6 forwarding set to {@code plane} (null: IPv6 punted to the kernel). */
    public DataplaneState withIpv6(Ipv6Plane plane) {
        return new DataplaneState(node, tunnelAddresses, endpoints, routes, pools, neighbours, hostMac, plane, hostEndpoints, ipSets);
    }

    /** This state with the host endpoints' policy set to {@code list}. */
    public DataplaneState withHostEndpoints(List<HostEndpointPolicy> list) {
        return new DataplaneState(node, tunnelAddresses, endpoints, routes, pools, neighbours, hostMac, ipv6, list, ipSets);
    }

    /** This state judged by the IP set membership of {@code view} (null: the newest). */
    public DataplaneState withIpSets(IpSetTable.View view) {
        return new DataplaneState(node, tunnelAddresses, endpoints, routes, pools, neighbours, hostMac, ipv6, hostEndpoints, view);
    }
}
