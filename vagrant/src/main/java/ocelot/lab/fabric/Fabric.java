package ocelot.lab.fabric;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import ocelot.lab.topology.Cidr;
import ocelot.lab.topology.Topology;
import ocelot.lab.topology.Topology.Host;
import ocelot.lab.topology.Topology.Link;
import ocelot.lab.topology.Topology.Role;
import ocelot.lab.topology.Topology.Segment;

/**
 * Builds a topology's network from namespaces: a namespace per segment holding a bridge
 * ({@code br0}), a namespace per host, and per link a veth pair created directly inside the two
 * namespaces (host side {@code ethN}, bridge side {@code HOST-N}), so nothing is ever created in
 * the machine's own namespace and nothing is routed out of the lab. Routers and BIRD hosts
 * forward in their kernels; BIRD starts with its generated config.
 *
 * <p>A node's uplink is left without an address when {@code nodesOwnUplinks}: the node process
 * takes the interface for DPDK and carries the address on its exception-path TAP. With the
 * management segment (etcd), a namespace {@code mgmt} holds etcd on {@link #MGMT_ADDRESS} and
 * each node gets {@code mgmt0} on it, kept by the kernel.
 */
public final class Fabric implements AutoCloseable {
    public static final String MGMT = "mgmt";
    public static final Cidr MGMT_NETWORK = Cidr.parse("10.99.254.0/24");
    public static final String MGMT_ADDRESS = "10.99.254.1";

    private final Topology topology;
    private final Shell shell;
    private final boolean nodesOwnUplinks;
    private final boolean management;
    private final Map<String, Daemon> birds = new LinkedHashMap<>();

    public Fabric(Topology topology, Shell shell, boolean nodesOwnUplinks, boolean management) {
        this.topology = topology;
        this.shell = shell;
        this.nodesOwnUplinks = nodesOwnUplinks;
        this.management = management;
        if (management) {
            for (Segment s : topology.segments()) {
                if (s.cidr().contains(MGMT_NETWORK.bits()) || MGMT_NETWORK.contains(s.cidr().bits())) {
                    throw new LabException(topology.name() + ": segment " + s.name() + " overlaps the lab's management network " + MGMT_NETWORK);
                }
            }
        }
    }

    public RunId run() {
        return shell.run();
    }

    public Topology topology() {
        return topology;
    }

    /** The namespace of a host or workload. */
    public String namespace(String name) {
        return shell.run().namespace(name);
    }

    /** Segments, hosts, links, addresses, routes and forwarding; returns a one-line summary. */
    public String build() {
        RunId run = shell.run();
        try {
            Files.createDirectories(run.tempDir());
        } catch (java.io.IOException e) {
            throw new LabException("cannot create " + run.tempDir() + ": " + e.getMessage());
        }
        int links = 0;
        for (Segment s : topology.segments()) {
            String ns = run.segmentNamespace(s.name());
            newNamespace(ns);
            shell.in(ns, "ip", "link", "add", "br0", "type", "bridge");
            shell.in(ns, "ip", "link", "set", "br0", "up");
        }
        if (management) {
            String ns = run.namespace(MGMT);
            newNamespace(ns);
            shell.in(ns, "ip", "link", "add", "br0", "type", "bridge");
            shell.in(ns, "ip", "addr", "add", MGMT_ADDRESS + "/" + MGMT_NETWORK.length(), "dev", "br0");
            shell.in(ns, "ip", "link", "set", "br0", "up");
        }
        int nodeIndex = 0;
        for (Host h : topology.hosts()) {
            String ns = run.namespace(h.name());
            newNamespace(ns);
            for (int i = 0; i < h.links().size(); i++) {
                Link l = h.links().get(i);
                String port = h.name() + "-" + i;
                veth("eth" + i, ns, port, run.segmentNamespace(l.segment()));
                boolean addressed = !(h.role() == Role.NODE && nodesOwnUplinks);
                if (addressed) shell.in(ns, "ip", "addr", "add", l.address().toString(), "dev", "eth" + i);
                shell.in(ns, "ip", "link", "set", "eth" + i, "up");
                // veth leaves TCP checksums to be finished by the receiver's kernel; a userspace
                // forwarder sees them unfinished (DESIGN.md field notes): finish them at the sender.
                shell.in(ns, "ethtool", "-K", "eth" + i, "tx", "off");
                if (addressed) l.gateway().ifPresent(gw -> shell.in(ns, "ip", "route", "add", "default", "via", gw));
                links++;
            }
            if (h.role() == Role.ROUTER || h.role() == Role.BIRD) shell.in(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            if (management && h.role() == Role.NODE) {
                veth("mgmt0", ns, h.name() + "-m", run.namespace(MGMT));
                String address = Cidr.format(MGMT_NETWORK.bits() + 10 + nodeIndex) + "/" + MGMT_NETWORK.length();
                shell.in(ns, "ip", "addr", "add", address, "dev", "mgmt0");
                shell.in(ns, "ip", "link", "set", "mgmt0", "up");
                links++;
            }
            if (h.role() == Role.NODE) nodeIndex++;
        }
        return topology.segments().size() + " segments, " + topology.hosts().size() + " hosts, " + links + " links"
                + (management ? ", management segment " + MGMT_NETWORK : "");
    }

    /** Starts BIRD on every {@code bird} host; returns their names. */
    public List<String> startBirds() {
        RunId run = shell.run();
        List<String> started = new ArrayList<>();
        for (Host h : topology.hosts(Role.BIRD)) {
            Path dir = run.tempDir().resolve("bird-" + h.name());
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("bird.conf"), BirdConfig.render(topology, h));
            } catch (java.io.IOException e) {
                throw new LabException("cannot write " + dir + "/bird.conf: " + e.getMessage());
            }
            Daemon bird = Daemon.start(run, "bird " + h.name(), run.namespace(h.name()),
                    List.of("bird", "-f", "-c", dir.resolve("bird.conf").toString(), "-s", birdSocket(h).toString(),
                            "-P", dir.resolve("bird.pid").toString()), Map.of(), dir.resolve("bird.log"));
            birds.put(h.name(), bird);
            long deadline = System.currentTimeMillis() + 10_000;
            while (!Files.exists(birdSocket(h))) {
                if (!bird.alive() || System.currentTimeMillis() > deadline) {
                    throw new LabException("BIRD on " + h.name() + " did not start: " + bird.logTail(10));
                }
                sleep(50);
            }
            started.add(h.name());
        }
        return started;
    }

    public Path birdSocket(Host h) {
        return shell.run().tempDir().resolve("bird-" + h.name()).resolve("bird.ctl");
    }

    /** {@code birdc show protocols} of a BIRD host. */
    public String birdc(String hostName, String... command) {
        List<String> cmd = new ArrayList<>(List.of("birdc", "-s", birdSocket(topology.host(hostName)).toString()));
        cmd.addAll(List.of(command));
        return shell.exec(cmd, 10);
    }

    /** Whether a BIRD host's session with the peer at {@code address} is Established. */
    public boolean birdEstablished(String hostName, String peerAddress) {
        String name = "peer_" + peerAddress.replace('.', '_');
        return birdc(hostName, "show", "protocols", name).lines().anyMatch(l -> l.startsWith(name) && l.contains("Established"));
    }

    /** Pings from one namespace to an address; true if any of {@code count} replies came back. */
    public boolean ping(String fromNamespace, String address, int count) {
        return shell.tryExec(List.of("ip", "netns", "exec", fromNamespace, "ping", "-c", Integer.toString(count), "-i", "0.2",
                "-W", "1", "-q", address), 10 + count).ok();
    }

    public Shell shell() {
        return shell;
    }

    /** Stops BIRD (its group, with a timeout) before the namespaces go: see {@link Daemon}. */
    public void stopBirds() {
        birds.values().forEach(b -> b.stop(3));
        birds.clear();
    }

    /** Stops what this fabric started and removes every namespace, link and file of the run. */
    @Override
    public void close() {
        stopBirds();
        Sweep.remove(shell.run());
    }

    private void newNamespace(String ns) {
        shell.exec("ip", "netns", "add", ns);
        shell.in(ns, "ip", "link", "set", "lo", "up");
        // The lab is IPv4: no router advertisements or DAD noise on the segments.
        shell.in(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        shell.in(ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
    }

    /** A veth pair created inside its two namespaces at once (never in the host's). */
    private void veth(String name, String namespace, String peerName, String peerNamespace) {
        shell.exec("ip", "link", "add", name, "netns", namespace, "type", "veth", "peer", "name", peerName, "netns", peerNamespace);
        shell.in(peerNamespace, "ip", "link", "set", peerName, "master", "br0");
        shell.in(peerNamespace, "ip", "link", "set", peerName, "up");
    }

    /** Sleeps; an interrupt (Ctrl-C's teardown) ends the step. */
    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
    }
}
