package ocelot.control.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ResourceCodecTest {
    static List<String> seeds() {
        return SeedExamples.FILES;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void seedExamplePrintsBackByteForByte(String file) {
        String text = SeedExamples.read(file);
        List<Resource> parsed = ResourceCodec.parse(text, file);
        assertEquals(1, parsed.size());
        assertEquals(text.strip(), ResourceCodec.toYaml(parsed).strip());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void seedExampleRoundTripsThroughJsonAndTheDatastoreForm(String file) {
        Resource r = ResourceCodec.parse(SeedExamples.read(file), file).getFirst();
        assertEquals(r, ResourceCodec.parse(ResourceCodec.toJson(List.of(r)), "json").getFirst());
        assertEquals(r, ResourceCodec.fromStored(r.key().datastoreKey(), ResourceCodec.toStored(r)));
    }

    @Test
    void severalResourcesPrintAsASequenceThatParsesBack() {
        List<Resource> all = seeds().stream().map(f -> ResourceCodec.parse(SeedExamples.read(f), f).getFirst()).toList();
        String yaml = ResourceCodec.toYaml(all);
        assertTrue(yaml.startsWith("- apiVersion: v1"), yaml);
        assertEquals(all, ResourceCodec.parse(yaml, "out.yaml"));
        assertEquals(all, ResourceCodec.parse(ResourceCodec.toJson(all), "out.json"));
    }

    @Test
    void listKindAndDocumentStreamAreBothAccepted() {
        String list = """
                apiVersion: v1
                kind: ipPoolList
                items:
                - apiVersion: v1
                  kind: ipPool
                  metadata:
                    cidr: 10.2.0.0/16
                - metadata:
                    cidr: fd00:1::/64
                  spec:
                    nat-outgoing: true
                ---
                apiVersion: v1
                kind: node
                metadata:
                  name: n1
                """;
        List<Resource> r = ResourceCodec.parse(list, "f.yaml");
        assertEquals(3, r.size());
        assertEquals("IPPool(cidr=fd00:1::/64)", r.get(1).key().toString());
        assertEquals("/ocelot/v1/ippool/fd00:1::-64", r.get(1).key().datastoreKey());
        assertInstanceOf(NodeResource.class, r.get(2));
    }

    @Test
    void asNumbersAcceptTwoByteFourByteAndAsdot() {
        String doc = """
                apiVersion: v1
                kind: bgpPeer
                metadata: {scope: global, peerIP: "fd00::1"}
                spec: {asNumber: %s}
                """;
        assertEquals(64512, ((BgpPeer) ResourceCodec.parse(doc.formatted("64512"), "f").getFirst()).asNumber().value());
        assertEquals(4200000000L, ((BgpPeer) ResourceCodec.parse(doc.formatted("4200000000"), "f").getFirst()).asNumber().value());
        assertThrows(ResourceException.class, () -> ResourceCodec.parse(doc.formatted("1.10"), "f"));
        BgpPeer asdot = (BgpPeer) ResourceCodec.parse(doc.formatted("'1.10'"), "f").getFirst();
        assertEquals(65546, asdot.asNumber().value());
        assertTrue(ResourceCodec.toYaml(List.of(asdot)).contains("asNumber: \"1.10\""));
        assertEquals(asdot, ResourceCodec.parse(ResourceCodec.toYaml(List.of(asdot)), "again").getFirst());
    }

    /** Calico's later fields (v1 has neither): a node that reflects routes, a peer's TCP MD5 key. */
    @Test
    void routeReflectorClusterIdAndPeerPasswordRoundTrip() {
        String yaml = """
                - apiVersion: v1
                  kind: node
                  metadata:
                    name: rr1
                  spec:
                    bgp:
                      ipv4Address: 10.0.0.5/24
                      routeReflectorClusterID: 244.0.0.1
                - apiVersion: v1
                  kind: bgpPeer
                  metadata:
                    scope: node
                    node: rr1
                    peerIP: 10.0.0.9
                  spec:
                    asNumber: 64512
                    password: s3cr3t
                    ttlSecurity: 1
                    holdTime: 9
                    keepaliveTime: 3
                """;
        List<Resource> r = ResourceCodec.parse(yaml, "f.yaml");
        NodeResource n = (NodeResource) r.get(0);
        assertEquals(IpAddress.parse("244.0.0.1"), n.bgp().routeReflectorClusterID());
        assertEquals("s3cr3t", ((BgpPeer) r.get(1)).password());
        assertEquals(1, ((BgpPeer) r.get(1)).ttlSecurity());
        assertEquals(9, ((BgpPeer) r.get(1)).holdTime());
        assertEquals(3, ((BgpPeer) r.get(1)).keepaliveTime());
        assertEquals(yaml.strip(), ResourceCodec.toYaml(r).strip());
        for (Resource x : r) assertEquals(x, ResourceCodec.fromStored(x.key().datastoreKey(), ResourceCodec.toStored(x)));
    }

    /** Ocelot's dynamic-neighbour extension: a CIDR peerIP with an AS range and a listen limit. */
    @Test
    void listenRangeBgpPeerRoundTrips() {
        String yaml = """
                - apiVersion: v1
                  kind: bgpPeer
                  metadata:
                    scope: node
                    node: tor1
                    peerIP: 10.0.8.0/24
                  spec:
                    asNumber: 64601-64699
                    listenLimit: 40
                    bfd:
                      interval: 50
                      multiplier: 4
                - apiVersion: v1
                  kind: bgpPeer
                  metadata:
                    scope: global
                    peerIP: 10.0.9.0/24
                  spec:
                    asNumber: 64512
                    listenLimit: 100
                """;
        List<Resource> r = ResourceCodec.parse(yaml, "f.yaml");
        BgpPeer range = (BgpPeer) r.get(0);
        assertEquals(24, range.dynamic().prefixLength());
        assertEquals(64601, range.asNumber().value());
        assertEquals(64699, range.dynamic().asNumberLast().value());
        assertEquals(40, range.dynamic().listenLimit());
        assertEquals(new BgpPeer.Bfd(50, 4), range.bfd());
        assertEquals("/ocelot/v1/bgppeer/node/tor1/10.0.8.0-24", range.key().datastoreKey());
        assertEquals(yaml.strip(), ResourceCodec.toYaml(r).strip());
        for (Resource x : r) assertEquals(x, ResourceCodec.fromStored(x.key().datastoreKey(), ResourceCodec.toStored(x)));
        // The default limit is FRR's.
        BgpPeer dflt = (BgpPeer) ResourceCodec.parse("apiVersion: v1\nkind: bgpPeer\nmetadata: {scope: global, peerIP: 10.0.9.0/24}\nspec: {asNumber: 1}", "f").getFirst();
        assertEquals(BgpPeer.DEFAULT_LISTEN_LIMIT, dflt.dynamic().listenLimit());
    }

    /** Policy {@code types} (Ocelot's extension from Calico 2.6) prints back where Calico 2.6 put it. */
    @Test
    void policyTypesRoundTrip() {
        String yaml = """
                apiVersion: v1
                kind: policy
                metadata:
                  name: p
                spec:
                  selector: role == 'db'
                  types:
                  - egress
                  ingress:
                  - action: allow
                """;
        Policy p = (Policy) ResourceCodec.parse(yaml, "f.yaml").getFirst();
        assertEquals(List.of("egress"), p.types());
        assertEquals(yaml.strip(), ResourceCodec.toYaml(List.of(p)).strip());
        assertEquals(p, ResourceCodec.fromStored(p.key().datastoreKey(), ResourceCodec.toStored(p)));
        Policy untyped = (Policy) ResourceCodec.parse(yaml.replace("  types:\n  - egress\n", ""), "f.yaml").getFirst();
        assertEquals(null, untyped.types());
    }

    /** A policy order prints as Calico prints it (10, not the decimal's 1E+1) and reads back equal. */
    @Test
    void policyOrderPrintsPlain() {
        for (String order : List.of("10.0", "100", "2.50", "1e3")) {
            Policy p = (Policy) ResourceCodec.parse("apiVersion: v1\nkind: policy\nmetadata: {name: p}\nspec: {order: " + order + "}\n",
                    "f.yaml").getFirst();
            String yaml = ResourceCodec.toYaml(List.of(p));
            assertFalse(yaml.contains("E+"), yaml);
            assertEquals(p, ResourceCodec.parse(yaml, "again").getFirst());
            assertEquals(p, ResourceCodec.fromStored(p.key().datastoreKey(), ResourceCodec.toStored(p)));
        }
        Policy ten = (Policy) ResourceCodec.parse("apiVersion: v1\nkind: policy\nmetadata: {name: p}\nspec: {order: 10.0}\n", "f").getFirst();
        assertTrue(ResourceCodec.toYaml(List.of(ten)).contains("  order: 10\n"), ResourceCodec.toYaml(List.of(ten)));
    }

    /** Each bad input gives one line naming the document, the field path and the problem. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            kind: ipPool\\nmetadata: {cidr: 10.1.0.0/16}                                 | f.yaml: document 1: apiVersion: is required (v1)
            apiVersion: v1\\nkind: ipPol\\nmetadata: {cidr: 10.1.0.0/16}                 | f.yaml: document 1: kind: unknown kind 'ipPol'
            apiVersion: v1\\nkind: ippool\\nmetadata: {cidr: 10.1.0.0/16}                | (did you mean ipPool?)
            apiVersion: v1\\nkind: ipPool\\nmetadata: {cidr: 10.1.0.1/16}                | f.yaml: document 1: metadata.cidr: '10.1.0.1/16' has host bits set
            apiVersion: v1\\nkind: ipPool\\nmetadata: {cidr: 10.1.0.0/33}                | metadata.cidr: '10.1.0.0/33': prefix length 33 exceeds 32
            apiVersion: v1\\nkind: ipPool\\nmetadata: {cidr: 10.1.0.0/16}\\nspec: {ipip: {mode: sometimes}} | spec.ipip.mode: must be always or cross-subnet, got 'sometimes'
            apiVersion: v1\\nkind: ipPool\\nmetadata: {cidr: 10.1.0.0/16}\\nspec: {nat-outgoin: true} | spec.nat-outgoin: unknown field
            apiVersion: v1\\nkind: ipPool\\nmetadata: {cidr: 10.1.0.0/16}\\nspec: {bgpExtendedCommunities: ['rt:65000:1', 'rt:1.2.3:4']} | f.yaml: document 1: spec.bgpExtendedCommunities[1]: extended community 'rt:1.2.3:4'
            apiVersion: v1\\nkind: ipPool\\nmetadata: {cidr: 10.1.0.0/16}\\nspec: {bgpExtendedCommunities: 'rt:65000:1'} | spec.bgpExtendedCommunities: must be a list
            apiVersion: v1\\nkind: node\\nmetadata: {name: n1}\\nspec: {bgp: {asNumber: 0}}  | spec.bgp.asNumber: AS number 0 out of range
            apiVersion: v1\\nkind: node\\nmetadata: {name: n1}\\nspec: {bgp: {routeReflectorClusterID: 'fd00::1'}} | f.yaml: document 1: spec.bgp.routeReflectorClusterID: must be an IPv4 dotted quad such as 244.0.0.1, got 'fd00::1'
            apiVersion: v1\\nkind: node\\nmetadata: {name: n1}\\nspec: {bgp: {routeReflectorClusterID: 1.2.3}} | spec.bgp.routeReflectorClusterID: '1.2.3'
            apiVersion: v1\\nkind: node\\nmetadata: {name: n1}\\nspec: {bgp: {routeReflectorClusterId: 1.2.3.4}} | spec.bgp.routeReflectorClusterId: unknown field
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.1}\\nspec: {asNumber: 1, password: ''} | f.yaml: document 1: spec.password: must not be empty (omit it for no TCP MD5)
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.1}\\nspec: {asNumber: 1, password: 1234} | spec.password: must be a string (the TCP MD5 key), got the number 1234
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.1}\\nspec: {asNumber: 1, password: {secretKeyRef: {name: s, key: k}}} | spec.password: secretKeyRef needs Kubernetes secrets, which Ocelot does not read; give the key itself as a string
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.1}\\nspec: {asNumber: 1, password: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx} | spec.password: is 81 octets; TCP MD5 keys are at most 80
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.1}\\nspec: {asNumber: 1, ttlSecurity: 255} | spec.ttlSecurity: must be an integer in 0-254, got the number 255
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.1}\\nspec: {asNumber: 1, ttlSecurity: yes} | spec.ttlSecurity: must be an integer in 0-254
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.1}\\nspec: {asNumber: 1, holdTime: 2} | spec.holdTime: must be an integer in 3-65535, got the number 2
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.1}\\nspec: {asNumber: 1, holdTime: 9, keepaliveTime: 9} | spec.keepaliveTime: must be shorter than holdTime (9), got 9
            apiVersion: v1\\nkind: node\\nmetadata: {name: n1}\\nspec: {bgp: {asNumber: 4294967296}} | spec.bgp.asNumber: AS number 4294967296 out of range
            apiVersion: v1\\nkind: node\\nmetadata: {name: n1}\\nspec: {bgp: {asNumber: '1.70000'}} | spec.bgp.asNumber: '1.70000': asdot halves must be 0-65535
            apiVersion: v1\\nkind: node\\nmetadata: {name: n1}\\nspec: {bgp: {ipv4Address: 10.0.0.256/24}} | spec.bgp.ipv4Address: '10.0.0.256' is not a valid IPv4 address
            apiVersion: v1\\nkind: node\\nmetadata: {name: 'bad name'}                   | metadata.name: 'bad name' is not a valid name
            apiVersion: v1\\nkind: policy\\nmetadata: {name: p}\\nspec: {selector: "role == "} | spec.selector: selector 'role == '
            apiVersion: v1\\nkind: policy\\nmetadata: {name: p}\\nspec: {ingress: [{action: allow, protocol: tcp, destination: {ports: [70000]}}]} | spec.ingress[0].destination.ports[0]: port 70000 out of range 0-65535
            apiVersion: v1\\nkind: policy\\nmetadata: {name: p}\\nspec: {ingress: [{action: allow, protocol: tcp, destination: {ports: ["2000:1000"]}}]} | spec.ingress[0].destination.ports[0]: port range '2000:1000' has its start after its end
            apiVersion: v1\\nkind: policy\\nmetadata: {name: p}\\nspec: {ingress: [{action: allow, destination: {ports: [80]}}]} | spec.ingress[0].destination.ports: ports need protocol
            apiVersion: v1\\nkind: policy\\nmetadata: {name: p}\\nspec: {ingress: [{action: allow, protocol: tpc}]} | spec.ingress[0].protocol: must be one of tcp
            apiVersion: v1\\nkind: policy\\nmetadata: {name: p}\\nspec: {egress: [{action: accept}]} | spec.egress[0].action: must be one of allow, deny, log, pass
            apiVersion: v1\\nkind: policy\\nmetadata: {name: p}\\nspec: {types: [ingress, ingress]} | f.yaml: document 1: spec.types[1]: ingress is listed twice
            apiVersion: v1\\nkind: policy\\nmetadata: {name: p}\\nspec: {types: [Ingress]} | spec.types[0]: must be ingress or egress, got 'Ingress'
            apiVersion: v1\\nkind: policy\\nmetadata: {name: p}\\nspec: {types: []} | spec.types: must list ingress, egress or both (leave it out to apply in both directions)
            apiVersion: v1\\nkind: policy\\nmetadata: {name: p}\\nspec: {types: egress} | spec.types: must be a list, got the string 'egress'
            apiVersion: v1\\nkind: profile\\nmetadata: {name: p, labels: {'-x': y}}       | metadata.labels.-x: label name '-x' is invalid
            apiVersion: v1\\nkind: workloadEndpoint\\nmetadata: {name: e, workload: w, orchestrator: k8s, node: n}\\nspec: {mac: 'zz:00:00:00:00:00'} | spec.mac: 'zz:00:00:00:00:00' is not a MAC address
            apiVersion: v1\\nkind: hostEndpoint\\nmetadata: {name: e, node: n}\\nspec: {interfaceName: averyveryverylongname} | spec.interfaceName: interface name 'averyveryverylongname' must be 1-15 characters
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.1/24}\\nspec: {asNumber: 1} | metadata.peerIP: '10.0.0.1/24' has host bits set (did you mean 10.0.0.0/24?)
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.0/24}\\nspec: {asNumber: 64700-64601} | spec.asNumber: AS range '64700-64601' is empty (last below first)
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.0/24}\\nspec: {asNumber: 64601-x} | spec.asNumber: 'x' is not an AS number
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.0/24}\\nspec: {asNumber: 1, listenLimit: 0} | spec.listenLimit: must be an integer in 1-65535
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.0/24}\\nspec: {asNumber: 1, password: k} | spec.password: is not supported on a listen range (peerIP 10.0.0.0/24)
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.1}\\nspec: {asNumber: 1, listenLimit: 5} | spec.listenLimit: needs a CIDR peerIP (a listen range), got 10.0.0.1
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.1}\\nspec: {asNumber: 1, bfd: {interval: 5}} | spec.bfd.interval: must be an integer in 10-60000
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: global, peerIP: 10.0.0.1}\\nspec: {asNumber: 1, bfd: {interval: 100, mult: 3}} | spec.bfd.mult
            apiVersion: v1\\nkind: bgpPeer\\nmetadata: {scope: rack, peerIP: 10.0.0.1}\\nspec: {asNumber: 1} | metadata.scope: must be global or node, got 'rack'
            apiVersion: v1\\nkind: node\\nmetadata: {name: n1\\n                        | f.yaml: line 4, column 1: the mapping opened with '{' at line 3, column 11 needs a ',' between entries and a closing '}'
            apiVersion: v1\\nkind: node\\nmetadata: {name: n1, name: n2}                 | f.yaml: line 3, column 22: duplicate key 'name' (already set at line 3)
            apiVersion: v1\\nkind: node\\nmetadata: {name: n1}\\n---\\napiVersion: v1\\nkind: node\\nmetadata: {name: 2x, x: 1} | f.yaml: document 2: metadata.x: unknown field
            apiVersion: v2\\nkind: node                                                | apiVersion: must be v1
            ''                                                                         | f.yaml: no resources found
            """)
    void badInputIsOneClearLine(String yaml, String expected) {
        ResourceException e = assertThrows(ResourceException.class,
                () -> ResourceCodec.parse(yaml.replace("\\n", "\n"), "f.yaml"));
        assertTrue(e.getMessage().contains(expected.strip()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void damagedDatastoreValueNamesItsKey() {
        ResourceException e = assertThrows(ResourceException.class,
                () -> ResourceCodec.fromStored("/ocelot/v1/node/n1", "{\"apiVersion\":\"v1\",\"kind\":\"node\",\"metadata\":{}}"));
        assertEquals("datastore key /ocelot/v1/node/n1: metadata.name: is required", e.getMessage());
    }

    /** Ocelot's extension: an IP pool's BGP extended communities (RFC 4360 text forms), kept as written and stored. */
    @Test
    void ipPoolExtendedCommunitiesRoundTrip() {
        IpPool p = (IpPool) ResourceCodec.parse("""
                apiVersion: v1
                kind: ipPool
                metadata: {cidr: 10.70.0.0/16}
                spec:
                  bgpExtendedCommunities: ['rt:65000:100', 'ro:192.0.2.1:7', '0x0002000000050001']
                """, "f.yaml").getFirst();
        assertEquals(List.of("rt:65000:100", "ro:192.0.2.1:7", "0x0002000000050001"), p.bgpExtendedCommunities());
        assertEquals(p, ResourceCodec.parse(ResourceCodec.toYaml(List.of(p)), "again").getFirst());
        assertEquals(p, ResourceCodec.fromStored(p.key().datastoreKey(), ResourceCodec.toStored(p)));
        assertEquals(null, ((IpPool) ResourceCodec.parse("apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 10.1.0.0/16}\n", "f").getFirst())
                .bgpExtendedCommunities());
    }

    @Test
    void aStoredValueWithANumberOutOfRangeIsANamedError() {
        ResourceException e = org.junit.jupiter.api.Assertions.assertThrows(ResourceException.class,
                () -> ResourceCodec.fromStored("/calico/v1/ipam/v4/pool/10.1.0.0-16", "{\"cidr\":\"10.1.0.0/16\",\"x\":3e3333333333333335}"));
        assertTrue(e.getMessage().contains("/calico/v1/ipam/v4/pool/10.1.0.0-16") && e.getMessage().contains("number out of range"), e.getMessage());
    }
}
