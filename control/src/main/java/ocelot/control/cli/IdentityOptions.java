package ocelot.control.cli;

import ocelot.control.resource.BgpPeer;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.HostEndpoint;
import ocelot.control.resource.IpAddress;
import ocelot.control.resource.IpPool;
import ocelot.control.resource.Kind;
import ocelot.control.resource.NodeResource;
import ocelot.control.resource.Policy;
import ocelot.control.resource.Profile;
import ocelot.control.resource.Resource;
import ocelot.control.resource.WorkloadEndpoint;
import picocli.CommandLine.Option;

/** calicoctl's identity flags for {@code get}/{@code delete KIND NAME}: each narrows the match. */
final class IdentityOptions {
    @Option(names = "--scope", paramLabel = "SCOPE", description = "bgpPeer scope: global or node.")
    String scope;

    @Option(names = {"-n", "--node"}, paramLabel = "NODE", description = "Node of a bgpPeer, hostEndpoint or workloadEndpoint.")
    String node;

    @Option(names = "--orchestrator", paramLabel = "ORCH", description = "Orchestrator of a workloadEndpoint.")
    String orchestrator;

    @Option(names = "--workload", paramLabel = "WORKLOAD", description = "Workload of a workloadEndpoint.")
    String workload;

    boolean matches(Resource r, String name) {
        return switch (r) {
            case NodeResource n -> eq(name, n.name());
            case BgpPeer b -> (b.dynamic() == null ? ipEq(name, b.peerIp()) : name == null || cidrEq(name, Cidr.parse(b.peerIpText()))) && eq(scope, b.scope().yaml()) && eq(node, b.node());
            case HostEndpoint h -> eq(name, h.name()) && eq(node, h.node());
            case WorkloadEndpoint w -> eq(name, w.name()) && eq(node, w.node()) && eq(orchestrator, w.orchestrator())
                    && eq(workload, w.workload());
            case IpPool p -> name == null || cidrEq(name, p.cidr());
            case Policy p -> eq(name, p.name());
            case Profile p -> eq(name, p.name());
        };
    }

    private static boolean eq(String wanted, String actual) {
        return wanted == null || wanted.equals(actual);
    }

    private static boolean ipEq(String wanted, IpAddress actual) {
        if (wanted == null) return true;
        try {
            return IpAddress.parse(wanted).equals(actual);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bgpPeer NAME must be the peer IP: " + e.getMessage());
        }
    }

    private static boolean cidrEq(String wanted, Cidr actual) {
        try {
            return Cidr.parse(wanted).equals(actual);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ipPool NAME must be its CIDR: " + e.getMessage());
        }
    }

    String describe(Kind kind, String name) {
        StringBuilder b = new StringBuilder(kind.displayName()).append("(");
        b.append(switch (kind) {
            case IP_POOL -> "cidr=";
            case BGP_PEER -> "peerIP=";
            default -> "name=";
        }).append(name);
        if (scope != null) b.append(", scope=").append(scope);
        if (node != null) b.append(", node=").append(node);
        if (orchestrator != null) b.append(", orchestrator=").append(orchestrator);
        if (workload != null) b.append(", workload=").append(workload);
        return b.append(")").toString();
    }
}
