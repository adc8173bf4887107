package ocelot.control.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ocelot.control.cni.WorkloadWiring;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.node.WorkloadAttachClient;
import ocelot.control.resource.IpAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code endpoint add|remove}: a CNI ADD/DEL by hand. add assigns an address, asks the running
 * node to attach an interface into the namespace and writes the workloadEndpoint
 * (orchestrator {@code ocelotctl}, workload NAME, endpoint name = the interface name); remove
 * undoes it in reverse and is idempotent.
 */
@Command(name = "endpoint", description = "Attach a workload namespace to the node by hand (what a CNI ADD/DEL does).",
        subcommands = {EndpointCommand.Add.class, EndpointCommand.Remove.class})
final class EndpointCommand implements Runnable {
    static final String ORCHESTRATOR = "ocelotctl";

    @ParentCommand
    OcelotCtl root;

    @Override
    public void run() {
        throw new OcelotCtl.CommandFailure("endpoint needs a subcommand: add or remove");
    }

    /** K=V items of a comma-separated option, in order; a malformed one names the option. */
    static Map<String, String> keyValues(String option, List<String> items) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) throw new OcelotCtl.CommandFailure(option + ": '" + item + "' is not KEY=VALUE");
            out.put(item.substring(0, eq), item.substring(eq + 1));
        }
        return out;
    }

    /** Options both verbs share: which node, where its socket is, which endpoint. */
    static final class Target {
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The workload's name.")
        String name;

        @Option(names = "--node", paramLabel = "NODE", description = "The node (default: $NODENAME, else the host name).")
        String node;

        @Option(names = "--if-name", paramLabel = "IFNAME", defaultValue = "eth0", description = "Interface name in the namespace (default eth0).")
        String ifName;

        @Option(names = "--run-dir", paramLabel = "DIR", description = "The node's run directory (default /var/run/ocelot/NODE).")
        Path runDir;

        WorkloadWiring.EndpointId id(OcelotCtl root) {
            return new WorkloadWiring.EndpointId(nodeName(root), ORCHESTRATOR, name, ifName);
        }

        String nodeName(OcelotCtl root) {
            return node != null ? node : NodeCommand.defaultName(root);
        }

        WorkloadWiring wiring(OcelotCtl root) {
            Path dir = runDir != null ? runDir : NodeCommand.RUN_ROOT.resolve(nodeName(root));
            return new WorkloadWiring(new ResourceStore(root.store()), WorkloadAttachClient.forRunDir(dir));
        }

        String handle() {
            return ORCHESTRATOR + "." + name + "." + ifName;
        }
    }

    @Command(name = "add", description = "Assign an address, attach an interface into --netns, write the workloadEndpoint.")
    static final class Add implements Runnable {
        @ParentCommand
        EndpointCommand endpoint;

        @picocli.CommandLine.Mixin
        Target target;

        @Option(names = "--netns", required = true, paramLabel = "PATH", description = "The workload's network namespace (e.g. /var/run/netns/NAME).")
        Path netns;

        @Option(names = "--labels", paramLabel = "K=V[,K=V...]", split = ",", description = "The endpoint's labels.")
        List<String> labels = List.of();

        @Option(names = "--profiles", paramLabel = "NAME[,NAME...]", split = ",", description = "The endpoint's profiles, in order.")
        List<String> profiles = List.of();

        @Option(names = "--ip", paramLabel = "ADDR", description = "The address (default: the next free one in the node's blocks).")
        String ip;

        @Override
        public void run() {
            if (!Files.exists(netns)) throw new OcelotCtl.CommandFailure("--netns: " + netns + " does not exist");
            IpAddress fixed = ip == null ? null : IpamCommand.ip(ip);
            var id = target.id(endpoint.root);
            var added = target.wiring(endpoint.root).add(new WorkloadWiring.AddRequest(id, target.handle(), target.name,
                    netns.toString(), target.ifName, fixed, List.of(), keyValues("--labels", labels), profiles));
            var out = endpoint.root.out;
            out.println("Added workloadEndpoint " + id + ": " + added.address() + " on " + target.ifName + " (mac "
                    + added.endpoint().mac() + ", host interface " + added.endpoint().interfaceName() + ")");
        }
    }

    @Command(name = "remove", description = "Delete the workloadEndpoint, detach its interface, release its address (idempotent).")
    static final class Remove implements Runnable {
        @ParentCommand
        EndpointCommand endpoint;

        @picocli.CommandLine.Mixin
        Target target;

        @Override
        public void run() {
            var id = target.id(endpoint.root);
            var removed = target.wiring(endpoint.root).remove(id, target.handle());
            endpoint.root.out.println(removed.endpoint() || removed.addressesReleased() > 0
                    ? "Removed workloadEndpoint " + id + " (" + removed.addressesReleased() + " address(es) released)"
                    : "Nothing to remove for workloadEndpoint " + id);
        }
    }
}
