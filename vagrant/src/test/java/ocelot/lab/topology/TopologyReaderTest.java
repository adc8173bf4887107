package ocelot.lab.topology;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import ocelot.lab.topology.Topology.Role;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologyReaderTest {
    static final Path HOME = Path.of(System.getProperty("ocelot.home", "..")).toAbsolutePath().normalize();
    static final List<String> PROFILES = List.of("mesh", "reflector", "reflector-ocelot", "as-per-rack", "cross-subnet");

    @Test
    void everyShippedProfileReads() throws Exception {
        for (String profile : PROFILES) {
            Topology t = TopologyReader.read(TopologyReader.profileFile(HOME, profile));
            assertEquals(profile, t.name());
            assertTrue(t.hosts(Role.NODE).size() >= 3, profile + ": at least three nodes");
        }
        Topology rack = TopologyReader.read(TopologyReader.profileFile(HOME, "as-per-rack"));
        assertEquals(65001L, rack.host("tor1").as().orElseThrow());
        assertEquals("10.99.1.1", rack.host("node1").gateway().orElseThrow());
        assertEquals(false, rack.nodeToNodeMesh());
        Topology cross = TopologyReader.read(TopologyReader.profileFile(HOME, "cross-subnet"));
        assertEquals("cross-subnet", cross.pools().getFirst().ipip());
        assertEquals("off", TopologyReader.read(TopologyReader.profileFile(HOME, "mesh")).pools().getFirst().ipip());
        assertEquals("node2", cross.nodeOf("w2").name());
        Topology ocelotRr = TopologyReader.read(TopologyReader.profileFile(HOME, "reflector-ocelot"));
        assertEquals(Role.NODE, ocelotRr.host("rr1").role());
        assertEquals("244.0.0.1", ocelotRr.host("rr1").routeReflectorClusterId().orElseThrow());
        assertEquals(Topology.LAB_HOLD_SECONDS, ocelotRr.bgpHoldTime());
    }

    static final String GOOD = """
            name: t
            segments: [{name: fab, cidr: 10.99.1.0/24}]
            pools: [{cidr: 10.65.0.0/16}]
            hosts:
              - {name: n1, role: node, links: [{segment: fab, address: 10.99.1.11/24}], workloads: [w1]}
              - {name: r1, role: bird, as: 64512, links: [{segment: fab, address: 10.99.1.2/24}], peers: [{address: 10.99.1.11, as: 64512}]}
            """;

    @Test
    void aMinimalTopologyReads() {
        Topology t = TopologyReader.parse("t.yaml", GOOD);
        assertEquals(64512L, t.asNumber());
        assertTrue(t.nodeToNodeMesh());
        assertEquals(List.of("w1"), t.workloads());
    }

    /** Each bad input is GOOD with one replacement; the error names the file and the field. */
    static Stream<Arguments> badInputs() {
        String[][] cases = {
                {"10.99.1.11/24}]", "10.99.2.11/24}]", "t.yaml: hosts[0].links[0].address: 10.99.2.11/24 is not inside segment fab (10.99.1.0/24)"},
                {"role: node", "role: switch", "t.yaml: hosts[0].role: must be node, bird, router or outside, got 'switch'"},
                {"segment: fab, address: 10.99.1.11", "segment: fabric, address: 10.99.1.11", "t.yaml: hosts[0].links[0].segment: no segment named fabric"},
                {"address: 10.99.1.11, as", "address: 10.99.1.99, as", "t.yaml: hosts[1].peers[0].address: 10.99.1.99 is no host's address in this topology"},
                {"name: n1", "name: Node_1", "t.yaml: hosts[0].name: 'Node_1' must match [a-z][a-z0-9]{0,9} (it becomes part of interface names)"},
                {"workloads: [w1]", "workloads: [n1]", "t.yaml: hosts[0].workloads[0]: name n1 used twice"},
                {"as: 64512, links", "links", "t.yaml: hosts[1].as: a BIRD host needs its AS number"},
                {"10.65.0.0/16", "10.99.0.0/16", "t.yaml: pools[0].cidr: 10.99.0.0/16 overlaps segment fab (10.99.1.0/24)"},
                {"pools: [{cidr: 10.65.0.0/16}]", "pools: [{cidr: 10.65.0.0/16, ipip: sometimes}]", "t.yaml: pools[0].ipip: must be off, always or cross-subnet, got 'sometimes'"},
                {"10.99.1.0/24}]", "10.99.1.5/24}]", "t.yaml: segments[0].cidr: 10.99.1.5/24 is not a network address (10.99.1.0/24)"},
                {"name: t", "name: t\nasNumbr: 1", "t.yaml: asNumbr: unknown field (known: name, asNumber, nodeToNodeMesh, bgpHoldTime, segments, pools, globalPeers, hosts)"},
                {"address: 10.99.1.2/24", "address: 10.99.1.11/24", "t.yaml: hosts[1].links[0].address: 10.99.1.11 is already n1's"},
                {"10.99.1.11/24}]", "10.99.1.11/24, gateway: 10.99.1.3}]", "t.yaml: hosts[0].links[0].gateway: 10.99.1.3 is no other host's address"},
                {"hosts:", "hosts: [\n", "t.yaml: line 6, column 3: expected the node content, but found '-'"},
                {"name: t", "name: t\nbgpHoldTime: 2", "t.yaml: bgpHoldTime: must be 3-65535 seconds, got 2"},
                {"workloads: [w1]}", "workloads: [w1], peers: [{address: 10.99.1.2, as: 64512, rrClient: true}]}",
                        "t.yaml: hosts[0].peers[0].rrClient: is for BIRD hosts: a node with routeReflectorClusterID makes its same-AS peers outside its cluster its clients itself"},
        };
        return Stream.of(cases).map(c -> Arguments.of((Object[]) c));
    }

    @ParameterizedTest
    @MethodSource("badInputs")
    void badInputIsNamed(String from, String to, String expected) {
        String text = GOOD.replace(from, to);
        assertTrue(!text.equals(GOOD), "the replacement applies: " + from);
        TopologyException e = assertThrows(TopologyException.class, () -> TopologyReader.parse("t.yaml", text));
        assertEquals(expected, e.getMessage());
    }
}
