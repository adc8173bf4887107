package ocelot.lab;

import java.util.ArrayList;
import java.util.List;

import ocelot.lab.topology.Topology;
import ocelot.lab.topology.Topology.Host;
import ocelot.lab.topology.Topology.Link;

/**
 * What {@code vagrant/Vagrantfile} must define for a topology, in the line format its test stub
 * prints: one VM per host (the host's namespace in the lab), one private network per segment
 * (the segment's bridge) with the link's address, the packages, etcd on the first VM, and the
 * host's own setup by {@code bin/ocelot --host}.
 */
public final class VagrantPlan {
    public static final String BOX = "debian/bookworm64";

    private VagrantPlan() {
    }

    /** etcd's URL on VMs: the first host's first fabric address. */
    public static String etcdUrl(Topology topology) {
        return "http://" + topology.hosts().getFirst().primaryAddress() + ":2379";
    }

    public static List<String> lines(Topology topology) {
        List<String> lines = new ArrayList<>(List.of("box * " + BOX, "synced * .. /ocelot",
                "provider libvirt memory=2048 cpus=2", "provider virtualbox memory=2048 cpus=2"));
        String etcd = etcdUrl(topology);
        boolean first = true;
        for (Host h : topology.hosts()) {
            lines.add("vm " + h.name());
            lines.add("hostname " + h.name() + " " + h.name());
            for (Link l : h.links()) {
                lines.add("net " + h.name() + " ocelot-" + l.segment() + " " + l.ip() + " " + l.address().netmask());
            }
            lines.add("provision " + h.name() + " packages provision/packages.sh");
            if (first) lines.add("provision " + h.name() + " etcd provision/etcd.sh " + etcd);
            lines.add("provision " + h.name() + " host provision/host.sh " + topology.name() + " " + h.name() + " " + etcd);
            first = false;
        }
        return lines;
    }
}
