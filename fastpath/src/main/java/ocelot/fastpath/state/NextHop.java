package ocelot.fastpath.state;

import java.util.List;

/**
 * Where a route sends packets. The control plane names endpoints and ports; the snapshot
 * compiler turns them into indices.
 */
public sealed interface NextHop {
    /** A local workload endpoint: out of its port with its MAC. Its ingress policy applies. */
    record ToEndpoint(String endpoint) implements NextHop {
        public ToEndpoint {
            if (endpoint == null || endpoint.isBlank()) throw new IllegalArgumentException("ToEndpoint: endpoint name missing");
        }
    }

    /**
     * A gateway on {@code port}: a remote node, a fabric router. {@code address} 0 means the
     * destination is on-link (its own address is the neighbour to resolve). For destinations in
     * an IP pool with IPIP, the gateway is the remote node and the packet is tunnelled to it.
     */
    record Via(int address, String port) implements NextHop {
        public Via {
            if (port == null || port.isBlank()) throw new IllegalArgumentException("Via " + ocelot.fastpath.packet.Ipv4.format(address) + ": port missing");
        }
    }

    /** An IPv6 gateway on {@code port} (its address resolved by a static {@link Neighbour6}); {@code address} null means on-link. */
    record Via6(Ip6 address, String port) implements NextHop {
        public Via6 {
            if (port == null || port.isBlank()) throw new IllegalArgumentException("Via6 " + address + ": port missing");
        }
    }

    /** Equal-cost multipath: one member chosen per flow by a hash of the 5-tuple. */
    record Ecmp(List<Via> members) implements NextHop {
        public Ecmp {
            if (members == null || members.isEmpty()) throw new IllegalArgumentException("Ecmp: no members");
            if (members.size() > 64) throw new IllegalArgumentException("Ecmp: " + members.size() + " members, at most 64");
            members = List.copyOf(members);
        }
    }

    /** IPv6 equal-cost multipath: one member chosen per flow by a hash of the 5-tuple (full addresses). */
    record Ecmp6(List<Via6> members) implements NextHop {
        public Ecmp6 {
            if (members == null || members.isEmpty()) throw new IllegalArgumentException("Ecmp6: no members");
            if (members.size() > 64) throw new IllegalArgumentException("Ecmp6: " + members.size() + " members, at most 64");
            members = List.copyOf(members);
        }
    }

    /** Addressed to this node: handed to the kernel through the exception port. */
    record ToHost() implements NextHop {}

    /** Dropped (counted as drop_blackhole). */
    record Blackhole() implements NextHop {}
}
