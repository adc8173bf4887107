package ocelot.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import ocelot.lab.fabric.BirdConfig;
import ocelot.lab.fabric.Fabric;
import ocelot.lab.fabric.LabException;
import ocelot.lab.fabric.RunId;
import ocelot.lab.fabric.Shell;
import ocelot.lab.topology.Topology;
import ocelot.lab.topology.Topology.Host;
import ocelot.lab.topology.Topology.Link;
import ocelot.lab.topology.Topology.Role;
import ocelot.lab.topology.Topology.Segment;

/**
 * {@code bin/ocelot --host NAME}: makes this machine (a Vagrant VM) the topology's host NAME,
 * doing what the namespace lab does inside that host's namespace. Vagrant gives the link
 * addresses; this adds routes to the segments it is not on via its gateway (the VM keeps its
 * own default route, Vagrant's management network), forwarding on routers, BIRD's generated
 * config on BIRD hosts, and on nodes the cluster resources (apply: idempotent), the node process
 * as a systemd unit and its workloads through ocelot-cni.
 */
final class HostMode {
    private HostMode() {
    }

    static int run(Topology topology, Host host, Path home, String etcdEndpoints, Progress progress) {
        RunId run = RunId.random();
        Shell shell = new Shell(run, Ocelotctl.etcdEnv(etcdEndpoints));
        progress.say("ocelot: this machine becomes " + host.name() + " (" + host.role().name().toLowerCase(java.util.Locale.ROOT)
                + ") of " + topology.name() + ", etcd at " + etcdEndpoints);
        progress.step("routes", () -> routes(topology, host, shell));
        if (host.role() == Role.ROUTER || host.role() == Role.BIRD) {
            progress.step("forwarding", () -> shell.exec("sysctl", "-qw", "net.ipv4.ip_forward=1").strip() + "net.ipv4.ip_forward=1");
        }
        if (host.role() == Role.BIRD) {
            progress.step("BIRD", () -> {
                write(Path.of("/etc/bird/bird.conf"), BirdConfig.render(topology, host));
                shell.exec(List.of("systemctl", "restart", "bird"), 60);
                return "/etc/bird/bird.conf written, bird restarted";
            });
        }
        if (host.role() == Role.NODE) {
            Path scratch = Path.of("/var/lib/ocelot/lab");
            Path runDir = Path.of("/var/run/ocelot", host.name());
            Ocelotctl ctl = new Ocelotctl(shell, home, Optional.empty(), scratch);
            progress.step("cluster", () -> {
                mkdirs(scratch);
                return ClusterResources.apply(ctl, topology);
            });
            progress.step("node up", () -> {
                List<String> cmd = new ArrayList<>(List.of("systemd-run", "--unit=ocelot-node", "--collect",
                        "--setenv=DATASTORE_TYPE=etcdv3", "--setenv=ETCD_ENDPOINTS=" + etcdEndpoints,
                        "--property=StandardOutput=file:/var/log/ocelot-node.log", "--property=StandardError=file:/var/log/ocelot-node.log"));
                // Vagrant put the link's address on some ethN: that interface is the uplink.
                String uplink = shell.exec("ip", "-o", "addr", "show", "to", host.primaryAddress()).split("\\s+")[1];
                cmd.addAll(LabNode.command(ctl.binary(), host, runDir, uplink));
                shell.exec(cmd, 30);
                long deadline = System.currentTimeMillis() + Lab.NODE_START_MS;
                while (!log().contains("Ocelot node started successfully")) {
                    if (System.currentTimeMillis() > deadline) throw new LabException("node not started: see /var/log/ocelot-node.log");
                    Fabric.sleep(500);
                }
                return "systemd unit ocelot-node, log /var/log/ocelot-node.log";
            });
            progress.step("workloads", () -> new Workloads(topology, home, shell, Ocelotctl.etcdEnv(etcdEndpoints), new Workloads.Placement() {
                @Override
                public List<String> onNode(String node) {
                    return List.of();
                }

                @Override
                public Path nodeRunDir(String node) {
                    return runDir;
                }

                @Override
                public String workloadNamespace(String workload) {
                    return workload;
                }
            }, scratch).attach(host.workloads()));
        }
        return 0;
    }

    /** Routes to every segment this host is not on, via its gateway (hosts without one are on every segment they need). */
    static String routes(Topology topology, Host host, Shell shell) {
        Optional<String> gateway = host.gateway();
        if (gateway.isEmpty()) return "none needed";
        List<String> added = new ArrayList<>();
        for (Segment s : topology.segments()) {
            boolean attached = host.links().stream().map(Link::segment).anyMatch(s.name()::equals);
            if (attached) continue;
            shell.exec("ip", "route", "replace", s.cidr().toString(), "via", gateway.get());
            added.add(s.cidr() + " via " + gateway.get());
        }
        return added.isEmpty() ? "none needed" : String.join(", ", added);
    }

    private static String log() {
        try {
            return Files.readString(Path.of("/var/log/ocelot-node.log"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new LabException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new LabException("cannot create " + dir + ": " + e.getMessage());
        }
    }
}
