package ocelot.lab.topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import ocelot.lab.topology.Topology.Host;
import ocelot.lab.topology.Topology.Link;
import ocelot.lab.topology.Topology.Peer;
import ocelot.lab.topology.Topology.Pool;
import ocelot.lab.topology.Topology.Role;
import ocelot.lab.topology.Topology.Segment;

/**
 * Reads and validates a topology file. Names become parts of namespace and interface names
 * (an interface name has at most 15 characters), so they are short lowercase words; every
 * address must sit in its segment, every peer and gateway must be some host's address.
 */
public final class TopologyReader {
    /** Host, segment and workload names: they end up in interface names (`node1-0`, 15 chars max). */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,9}");
    private static final Set<String> IPIP_MODES = Set.of("off", "always", "cross-subnet");

    private TopologyReader() {
    }

    /** The topology files shipped in {@code vagrant/topologies/}, by profile name. */
    public static Path profileFile(Path ocelotHome, String profile) {
        return ocelotHome.resolve("vagrant/topologies").resolve(profile + ".yaml");
    }

    public static Topology read(Path file) throws IOException {
        return parse(file.getFileName().toString(), Files.readString(file));
    }

    public static Topology parse(String file, String text) {
        Object document;
        try {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (MarkedYAMLException e) {
            throw new TopologyException(file + ": line " + (e.getProblemMark().getLine() + 1) + ", column "
                    + (e.getProblemMark().getColumn() + 1) + ": " + e.getProblem());
        }
        YamlFields root = YamlFields.root(file, document);
        root.allowOnly("name", "asNumber", "nodeToNodeMesh", "bgpHoldTime", "segments", "pools", "globalPeers", "hosts");
        String name = root.string("name");
        if (!name.matches("[a-z][a-z0-9-]*")) throw root.error("name", "must be lowercase letters, digits and '-', got '" + name + "'");
        long asNumber = asNumber(root, "asNumber", root.optionalNumber("asNumber").orElse(64512L));
        long holdTime = root.optionalNumber("bgpHoldTime").orElse((long) Topology.LAB_HOLD_SECONDS);
        if (holdTime < 3 || holdTime > 65535) throw root.error("bgpHoldTime", "must be 3-65535 seconds, got " + holdTime);

        List<Segment> segments = new ArrayList<>();
        for (YamlFields s : root.mappings("segments")) {
            s.allowOnly("name", "cidr");
            String segName = name(s, "name");
            Cidr cidr = cidr(s, "cidr");
            if (!cidr.equals(cidr.network())) throw s.error("cidr", cidr + " is not a network address (" + cidr.network() + ")");
            for (Segment other : segments) {
                if (other.name().equals(segName)) throw s.error("name", "segment " + segName + " defined twice");
                if (overlap(other.cidr(), cidr)) throw s.error("cidr", cidr + " overlaps segment " + other.name() + " (" + other.cidr() + ")");
            }
            segments.add(new Segment(segName, cidr));
        }
        if (segments.isEmpty()) throw root.error("segments", "at least one segment is required");

        List<Pool> pools = new ArrayList<>();
        for (YamlFields p : root.mappings("pools")) {
            p.allowOnly("cidr", "ipip", "natOutgoing");
            Cidr cidr = cidr(p, "cidr");
            String ipip = p.word("ipip", "off").toLowerCase(Locale.ROOT);
            if (!IPIP_MODES.contains(ipip)) throw p.error("ipip", "must be off, always or cross-subnet, got '" + ipip + "'");
            for (Segment s : segments) {
                if (overlap(s.cidr(), cidr)) throw p.error("cidr", cidr + " overlaps segment " + s.name() + " (" + s.cidr() + ")");
            }
            pools.add(new Pool(cidr, ipip, p.flag("natOutgoing", false)));
        }
        if (pools.isEmpty()) throw root.error("pools", "at least one pool is required (the lab's workloads take their addresses from it)");

        List<YamlFields> hostFields = root.mappings("hosts");
        List<Host> hosts = new ArrayList<>();
        Map<String, String> addressOwner = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (YamlFields h : hostFields) {
            h.allowOnly("name", "role", "as", "routeReflectorClusterID", "links", "peers", "workloads");
            String hostName = name(h, "name");
            if (!names.add(hostName)) throw h.error("name", "name " + hostName + " used twice");
            Role role = role(h);
            Optional<Long> as = h.optionalNumber("as").map(v -> asNumber(h, "as", v));
            Optional<String> clusterId = h.optionalString("routeReflectorClusterID").map(v -> address(h, "routeReflectorClusterID", v));
            List<Link> links = new ArrayList<>();
            for (YamlFields l : h.mappings("links")) {
                l.allowOnly("segment", "address", "gateway");
                String segName = l.string("segment");
                Segment segment = segments.stream().filter(s -> s.name().equals(segName)).findFirst()
                        .orElseThrow(() -> l.error("segment", "no segment named " + segName));
                Cidr address = cidr(l, "address");
                if (address.length() != segment.cidr().length() || !segment.cidr().contains(address.bits())) {
                    throw l.error("address", address + " is not inside segment " + segName + " (" + segment.cidr() + ")");
                }
                if (address.equals(address.network()) || (address.bits() | ~address.mask()) == address.bits()) {
                    throw l.error("address", address + " is the segment's network or broadcast address");
                }
                String previous = addressOwner.putIfAbsent(address.address(), hostName);
                if (previous != null) throw l.error("address", address.address() + " is already " + previous + "'s");
                Optional<String> gateway = l.optionalString("gateway").map(g -> address(l, "gateway", g));
                if (gateway.isPresent() && !segment.cidr().contains(gateway.get())) {
                    throw l.error("gateway", gateway.get() + " is not on segment " + segName + " (" + segment.cidr() + ")");
                }
                links.add(new Link(segName, address, gateway));
            }
            if (links.isEmpty()) throw h.error("links", "a host needs at least one link");
            if (role == Role.NODE && links.size() != 1) throw h.error("links", "a node has exactly one uplink (the port DPDK owns)");
            List<Peer> peers = new ArrayList<>();
            for (YamlFields p : h.mappings("peers")) {
                Peer peer = peer(p);
                if (role == Role.NODE && peer.rrClient()) {
                    throw p.error("rrClient", "is for BIRD hosts: a node with routeReflectorClusterID makes its same-AS peers outside its cluster its clients itself");
                }
                peers.add(peer);
            }
            List<String> workloads = h.strings("workloads");
            for (int i = 0; i < workloads.size(); i++) {
                String w = workloads.get(i);
                if (!NAME.matcher(w).matches()) throw h.error("workloads[" + i + "]", "'" + w + "' must match " + NAME.pattern());
                if (!names.add(w)) throw h.error("workloads[" + i + "]", "name " + w + " used twice");
            }
            switch (role) {
                case BIRD -> {
                    if (as.isEmpty()) throw h.error("as", "a BIRD host needs its AS number");
                    if (peers.isEmpty()) throw h.error("peers", "a BIRD host needs at least one peer");
                }
                case ROUTER, OUTSIDE -> {
                    if (as.isPresent() || !peers.isEmpty() || clusterId.isPresent()) {
                        throw h.error("role", "a " + role.name().toLowerCase(Locale.ROOT) + " speaks no BGP: no as, peers or routeReflectorClusterID");
                    }
                }
                case NODE -> { }
            }
            if (role != Role.NODE && !workloads.isEmpty()) throw h.error("workloads", "only nodes carry workloads");
            hosts.add(new Host(hostName, role, as, clusterId, List.copyOf(links), List.copyOf(peers), List.copyOf(workloads)));
        }
        if (hosts.stream().noneMatch(h -> h.role() == Role.NODE)) throw root.error("hosts", "at least one node is required");

        List<Peer> globalPeers = new ArrayList<>();
        for (YamlFields p : root.mappings("globalPeers")) globalPeers.add(peer(p));
        for (YamlFields p : root.mappings("globalPeers")) knownAddress(p, addressOwner);
        for (int i = 0; i < hosts.size(); i++) {
            Host host = hosts.get(i);
            for (YamlFields p : hostFields.get(i).mappings("peers")) knownAddress(p, addressOwner);
            for (YamlFields l : hostFields.get(i).mappings("links")) {
                l.optionalString("gateway").ifPresent(g -> {
                    String owner = addressOwner.get(g);
                    if (owner == null || owner.equals(host.name())) throw l.error("gateway", g + " is no other host's address");
                });
            }
        }
        return new Topology(name, asNumber, root.flag("nodeToNodeMesh", true), (int) holdTime, List.copyOf(segments), List.copyOf(pools),
                List.copyOf(globalPeers), List.copyOf(hosts));
    }

    private static Peer peer(YamlFields p) {
        p.allowOnly("address", "as", "rrClient");
        return new Peer(address(p, "address", p.string("address")), asNumber(p, "as", p.number("as")), p.flag("rrClient", false));
    }

    private static void knownAddress(YamlFields p, Map<String, String> addressOwner) {
        String address = p.string("address");
        if (!addressOwner.containsKey(address)) throw p.error("address", address + " is no host's address in this topology");
    }

    private static Role role(YamlFields h) {
        String role = h.string("role");
        try {
            return Role.valueOf(role.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw h.error("role", "must be node, bird, router or outside, got '" + role + "'");
        }
    }

    private static String name(YamlFields f, String field) {
        String value = f.string(field);
        if (!NAME.matcher(value).matches()) throw f.error(field, "'" + value + "' must match " + NAME.pattern() + " (it becomes part of interface names)");
        return value;
    }

    private static long asNumber(YamlFields f, String field, long value) {
        if (value < 1 || value > 4294967295L) throw f.error(field, "AS number must be 1-4294967295, got " + value);
        return value;
    }

    private static Cidr cidr(YamlFields f, String field) {
        try {
            return Cidr.parse(f.string(field));
        } catch (IllegalArgumentException e) {
            throw f.error(field, e.getMessage());
        }
    }

    private static String address(YamlFields f, String field, String value) {
        try {
            return Cidr.format(Cidr.parseAddress(value));
        } catch (IllegalArgumentException e) {
            throw f.error(field, e.getMessage());
        }
    }

    private static boolean overlap(Cidr a, Cidr b) {
        Cidr wider = a.length() <= b.length() ? a : b;
        Cidr narrower = wider == a ? b : a;
        return wider.contains(narrower.bits());
    }
}
