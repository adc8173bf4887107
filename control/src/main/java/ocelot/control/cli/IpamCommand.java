package ocelot.control.cli;

import java.util.concurrent.Callable;
import ocelot.control.ipam.BlockAffinityIpam;
import ocelot.control.ipam.IpamCheck;
import ocelot.control.resource.IpAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ipam assign}, {@code ipam show --ip=IP}, {@code ipam release --ip=IP}, {@code ipam check}. */
@Command(name = "ipam", description = "IP address management: assign, show, release, check.",
        subcommands = {IpamCommand.Assign.class, IpamCommand.Show.class, IpamCommand.Release.class, IpamCommand.Check.class})
final class IpamCommand implements Runnable {
    @ParentCommand
    OcelotCtl root;

    @Override
    public void run() {
        throw new OcelotCtl.CommandFailure("ipam needs a subcommand: assign, show --ip=IP, release --ip=IP or check");
    }

    static IpAddress ip(String text) {
        try {
            return IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new OcelotCtl.CommandFailure("--ip: " + e.getMessage());
        }
    }

    @Command(name = "assign", description = "Assign an address (--ip for a given one, else from the node's blocks) and print it.")
    static final class Assign implements Runnable {
        @ParentCommand
        IpamCommand ipam;

        @Option(names = "--ip", paramLabel = "IP", description = "The address to assign (default: the next free one in the node's blocks).")
        String ip;

        @Option(names = "--node", paramLabel = "NAME", description = "The node assigning (default: $NODENAME, else the host name).")
        String node;

        @Option(names = "--handle", paramLabel = "HANDLE", description = "Who holds the address (default: ocelotctl.<random>); release all with the handle.")
        String handle;

        @Option(names = "--attributes", paramLabel = "K=V[,K=V...]", split = ",", description = "Attributes stored with the handle.")
        java.util.List<String> attributes = java.util.List.of();

        @Option(names = "--pool", paramLabel = "CIDR", split = ",", description = "Assign only from these pools (default: every enabled pool).")
        java.util.List<String> pools = java.util.List.of();

        @Option(names = "--ipv6", description = "Assign an IPv6 address (default IPv4).")
        boolean ipv6;

        @Override
        public void run() {
            String nodeName = node != null ? node : NodeCommand.defaultName(ipam.root);
            String handleId = handle != null ? handle : "ocelotctl." + java.util.UUID.randomUUID().toString().substring(0, 8);
            var attrs = new java.util.LinkedHashMap<String, String>();
            attrs.put("node", nodeName);
            attrs.putAll(EndpointCommand.keyValues("--attributes", attributes));
            java.util.List<ocelot.control.resource.Cidr> from = new java.util.ArrayList<>();
            for (String p : pools) {
                try {
                    from.add(ocelot.control.resource.Cidr.parse(p));
                } catch (IllegalArgumentException e) {
                    throw new OcelotCtl.CommandFailure("--pool: " + e.getMessage());
                }
            }
            IpAddress wanted = ip == null ? null : ip(ip);
            int version = wanted != null ? wanted.version() : ipv6 ? 6 : 4;
            var req = new BlockAffinityIpam.AssignRequest(nodeName, handleId, version, attrs);
            var ipamApi = new BlockAffinityIpam(ipam.root.store());
            var assigned = wanted != null ? ipamApi.assign(wanted, req) : ipamApi.assign(req, from);
            ipam.root.out.println(assigned.address());
        }
    }

    @Command(name = "show", description = "Show whether an address is assigned, and to what.")
    static final class Show implements Runnable {
        @ParentCommand
        IpamCommand ipam;

        @Option(names = "--ip", required = true, paramLabel = "IP")
        String ip;

        @Override
        public void run() {
            var info = new BlockAffinityIpam(ipam.root.store()).show(ip(ip));
            var out = ipam.root.out;
            if (!info.assigned()) {
                out.println("IP " + info.ip() + " is not currently assigned");
                return;
            }
            out.println("IP " + info.ip() + " is in use");
            out.println("Block: " + info.block() + (info.affinity() == null ? "" : " (affine to host " + info.affinity() + ")"));
            out.println("Handle: " + info.handleId());
            if (!info.attributes().isEmpty()) {
                out.println("Attributes:");
                info.attributes().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                        .forEach(e -> out.println("  " + e.getKey() + ": " + e.getValue()));
            }
        }
    }

    @Command(name = "release", description = "Release an assigned address.")
    static final class Release implements Runnable {
        @ParentCommand
        IpamCommand ipam;

        @Option(names = "--ip", required = true, paramLabel = "IP")
        String ip;

        @Override
        public void run() {
            IpAddress address = ip(ip);
            new BlockAffinityIpam(ipam.root.store()).release(address);
            ipam.root.out.println("Successfully released IP address " + address);
        }
    }

    @Command(name = "check", description = "Report leaked addresses and inconsistent IPAM records; exit 1 when any is found.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        IpamCommand ipam;

        @Override
        public Integer call() {
            IpamCheck c = new BlockAffinityIpam(ipam.root.store()).check();
            var out = ipam.root.out;
            out.println("Checked " + c.blocks() + " block(s), " + c.allocated() + " allocated address(es), "
                    + c.handles() + " handle(s)");
            out.println("Found " + c.leaks().size() + " leaked address(es)");
            c.leaks().forEach(l -> out.println("  " + l));
            out.println("Found " + c.inconsistencies().size() + " inconsistenc" + (c.inconsistencies().size() == 1 ? "y" : "ies"));
            c.inconsistencies().forEach(l -> out.println("  " + l));
            return c.clean() ? 0 : 1;
        }
    }
}
