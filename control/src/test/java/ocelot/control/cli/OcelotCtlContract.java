package ocelot.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ocelot.control.datastore.DatastoreConfig;
import ocelot.control.ipam.BlockAffinityIpam;
import ocelot.control.resource.SeedExamples;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ocelotctl as a user drives it, against one store type per subclass. */
abstract class OcelotCtlContract {
    @TempDir
    Path tmp;
    Path cfg;

    /** The spec lines of a calicoApiConfig pointing at a fresh, empty store. */
    abstract String configSpec() throws Exception;

    record Result(int code, String out, String err) {
        String errLine() {
            assertEquals(1, err.lines().count(), "exactly one error line expected, got: " + err);
            return err.strip();
        }
    }

    @BeforeEach
    void writeConfig() throws Exception {
        cfg = tmp.resolve("ocelotctl.cfg");
        Files.writeString(cfg, "apiVersion: v1\nkind: calicoApiConfig\nmetadata:\nspec:\n" + configSpec());
    }

    Result run(String... args) {
        return runWithStdin("", args);
    }

    Result runWithStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--config=" + cfg);
        int code = new OcelotCtl(Map.of(), new PrintWriter(out), new PrintWriter(err),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))).execute(all.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }

    Path file(String name, String content) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    Result ok(String... args) {
        Result r = run(args);
        assertEquals(0, r.code(), "ocelotctl " + String.join(" ", args) + " failed: " + r.err());
        return r;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            bgppeer.yaml          | bgpPeer          | 63400              | 63401
            hostendpoint.yaml     | hostEndpoint     | type: production   | type: staging
            ippool.yaml           | ipPool           | nat-outgoing: true | nat-outgoing: false
            node.yaml             | node             | asNumber: 64512    | asNumber: 64513
            policy.yaml           | policy           | '- 6379'           | '- 6380'
            profile.yaml          | profile          | 10.0.20.0/24       | 10.0.21.0/24
            workloadendpoint.yaml | workloadEndpoint | cali0ef24ba        | cali0ef24bb
            """)
    void seedExampleIsCreatedPrintedBackReplacedAndDeleted(String seed, String kind, String from, String to) throws Exception {
        String text = SeedExamples.read(seed);
        Path f = file(seed, text);
        assertEquals("Successfully created 1 '" + kind + "' resource(s)\n", ok("create", "-f", f.toString()).out());
        assertEquals(text, ok("get", "-f", f.toString(), "-o", "yaml").out());
        assertEquals(text, ok("get", kind, "-o", "yaml").out());
        String changed = text.replace(from.replace("'", ""), to.replace("'", ""));
        assertTrue(!changed.equals(text));
        Path g = file("changed-" + seed, changed);
        assertEquals("Successfully replaced 1 '" + kind + "' resource(s)\n", ok("replace", "-f", g.toString()).out());
        assertEquals(changed, ok("get", "-f", f.toString(), "-o", "yaml").out());
        assertEquals("Successfully deleted 1 '" + kind + "' resource(s)\n", ok("delete", "-f", f.toString()).out());
        Result gone = run("get", "-f", f.toString());
        assertEquals(1, gone.code());
        assertTrue(gone.errLine().startsWith("Failed to get resources: resource does not exist: "), gone.err());
    }

    @Test
    void createRefusesExistingUnlessSkipExists() throws Exception {
        Path f = file("pool.yaml", SeedExamples.read("ippool.yaml"));
        ok("create", "-f", f.toString());
        Result again = run("create", "-f", f.toString());
        assertEquals(1, again.code());
        assertEquals("Failed to create any 'ipPool' resources: resource already exists: IPPool(cidr=10.1.0.0/16)", again.errLine());
        Result skip = ok("create", "--skip-exists", "-f", f.toString());
        assertEquals("Successfully created 0 'ipPool' resource(s)\nSkipped 1 'ipPool' resource(s) that already exist\n", skip.out());
        Result replaceMissing = run("replace", "-f", file("other.yaml", "apiVersion: v1\nkind: node\nmetadata: {name: n9}\n").toString());
        assertEquals("Failed to replace any 'node' resources: resource does not exist: Node(name=n9)", replaceMissing.errLine());
    }

    @Test
    void multiDocumentFileIsAppliedEntirelyOrNotAtAll() throws Exception {
        String good = "apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 10.2.0.0/16}\n---\n";
        Result invalid = run("create", "-f", file("a.yaml", good + "apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 10.3.0.0/16}\nspec: {natOutgoing: true}\n").toString());
        assertEquals(1, invalid.code());
        assertTrue(invalid.errLine().endsWith("a.yaml: document 2: spec.natOutgoing: unknown field (expected one of: ipip, nat-outgoing, disabled, blockSize, bgpExtendedCommunities)"), invalid.err());
        assertEquals("CIDR\n", ok("get", "ippool").out());

        ok("create", "-f", file("b.yaml", "apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 10.3.0.0/16}\n").toString());
        Result clash = run("create", "-f", file("c.yaml", good + "apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 10.3.0.0/16}\n").toString());
        assertEquals("Failed to create any 'ipPool' resources: resource already exists: IPPool(cidr=10.3.0.0/16)", clash.errLine());
        assertEquals("CIDR\n10.3.0.0/16\n", ok("get", "ippools").out(), "10.2.0.0/16 must not have been created");

        Result overlap = run("apply", "-f", file("d.yaml", "apiVersion: v1\nkind: ipPool\nmetadata: {cidr: 10.3.128.0/17}\n").toString());
        assertEquals("Failed to apply any 'ipPool' resources: IP pool 10.3.128.0/17 overlaps IP pool 10.3.0.0/16", overlap.errLine());
    }

    @Test
    void badInputGivesOneLineAndExitCodeOne() throws Exception {
        Result malformed = run("create", "-f", file("m.yaml", "apiVersion: v1\nkind: node\nmetadata: {name: [\n").toString());
        assertEquals(1, malformed.code());
        assertTrue(malformed.errLine().endsWith("m.yaml: line 4, column 1: the file ends where a value was expected: "
                + "is a '[' or '{' above not closed?"), malformed.err());
        Result unknownKind = run("apply", "-f", file("k.yaml", "apiVersion: v1\nkind: gateway\nmetadata: {name: g}\n").toString());
        assertTrue(unknownKind.errLine().endsWith("k.yaml: document 1: kind: unknown kind 'gateway'; known kinds: node, bgpPeer, hostEndpoint, workloadEndpoint, ipPool, policy, profile"), unknownKind.err());
        Result missing = run("create", "-f", tmp.resolve("nope.yaml").toString());
        assertEquals("Failed to read file '" + tmp.resolve("nope.yaml") + "': no such file", missing.errLine());
        Result option = run("create", "--frobnicate", "-f", "x");
        assertEquals(1, option.code());
        assertTrue(option.errLine().startsWith("Unknown option: '--frobnicate'"), option.err());
        Result kind = run("get", "gateways");
        assertTrue(kind.errLine().startsWith("unknown resource kind 'gateways'"), kind.err());
        Result output = run("get", "nodes", "-o", "xml");
        assertEquals("unknown output format 'xml' (expected ps, wide, yaml or json)", output.errLine());
    }

    @Test
    void stdinAndListKindAreAccepted() {
        String list = """
                apiVersion: v1
                kind: ipPoolList
                items:
                - apiVersion: v1
                  kind: ipPool
                  metadata:
                    cidr: 192.168.0.0/16
                  spec:
                    nat-outgoing: true
                - apiVersion: v1
                  kind: ipPool
                  metadata:
                    cidr: fd80:24e2:f998:72d6::/64
                  spec:
                    nat-outgoing: true
                """;
        Result r = runWithStdin(list, "create", "-f", "-");
        assertEquals("Successfully created 2 'ipPool' resource(s)\n", r.out(), r.err());
        // The table calicoctl prints for `get ippool -o wide` (calico-v1/README.md).
        assertEquals("""
                CIDR                       NAT    IPIP
                192.168.0.0/16             true   false
                fd80:24e2:f998:72d6::/64   true   false
                """, ok("get", "ippool", "-o", "wide").out());
        String json = ok("get", "ipPool", "-o", "json").out();
        assertTrue(json.startsWith("[\n  {\n    \"apiVersion\": \"v1\",\n"), json);
        assertEquals("Successfully applied 2 'ipPool' resource(s)\n", runWithStdin(json, "apply", "-f", "-").out());
    }

    @Test
    void deleteByKindAndName() throws Exception {
        ok("create", "-f", file("peer.yaml", SeedExamples.read("bgppeer.yaml")).toString());
        Result wrongNode = run("delete", "bgpPeer", "192.168.1.1", "--scope=node", "--node=other");
        assertEquals("Failed to delete any 'bgpPeer' resources: resource does not exist: BGPPeer(peerIP=192.168.1.1, scope=node, node=other)",
                wrongNode.errLine());
        assertEquals("Successfully deleted 1 'bgpPeer' resource(s)\n",
                ok("delete", "bgppeer", "192.168.1.1", "--scope=node", "--node=rack1-host1").out());
        assertEquals(0, run("delete", "bgppeer", "192.168.1.1", "--skip-not-exists").code());
    }

    @Test
    void clusterSettingsHaveCalicoDefaultsAndValidation() {
        assertEquals("64512\n", ok("config", "get", "asNumber").out());
        assertEquals("on\n", ok("config", "get", "nodeToNodeMesh").out());
        assertEquals("info\n", ok("config", "get", "logLevel").out());
        ok("config", "set", "asNumber", "1.10");
        assertEquals("1.10\n", ok("config", "get", "asNumber").out());
        ok("config", "set", "nodeToNodeMesh", "off");
        assertEquals("off\n", ok("config", "get", "nodeToNodeMesh").out());
        assertEquals("nodeToNodeMesh must be on or off, got 'maybe'", run("config", "set", "nodeToNodeMesh", "maybe").errLine());
        assertEquals("'70000.1': asdot halves must be 0-65535", run("config", "set", "asNumber", "70000.1").errLine());
        assertEquals("false\n", ok("config", "get", "gracefulRestartNotification").out());
        ok("config", "set", "gracefulRestartNotification", "TRUE");
        assertEquals("true\n", ok("config", "get", "gracefulRestartNotification").out());
        assertEquals("gracefulRestartNotification must be true or false, got 'yes'", run("config", "set", "gracefulRestartNotification", "yes").errLine());
        assertEquals("1\n", ok("config", "get", "maximumPaths").out(), "BGP multipath off by default, as Calico's BIRD");
        ok("config", "set", "maximumPaths", " 4");
        assertEquals("4\n", ok("config", "get", "maximumPaths").out());
        assertEquals("maximumPaths must be a whole number in 1..64 (1: best path only, no ECMP), got '0'",
                run("config", "set", "maximumPaths", "0").errLine());
        assertEquals("unknown config name 'ipip' (known: asNumber, nodeToNodeMesh, bgpHoldTime, bgpKeepaliveTime, gracefulRestartTime,"
                + " gracefulRestartNotification, maximumPaths, logLevel)", run("config", "get", "ipip").errLine());
    }

    /** calicoctl 1.x: unset returns a setting to its default; logLevel also per node, over the global value. */
    @Test
    void settingsUnsetAndLogLevelPerNode() {
        ok("config", "set", "asNumber", "65000");
        ok("config", "unset", "asNumber");
        assertEquals("64512\n", ok("config", "get", "asNumber").out());
        ok("config", "unset", "asNumber"); // nothing to remove: still fine

        ok("config", "set", "logLevel", "warning");
        assertEquals("warning (inherited from global)\n", ok("config", "get", "logLevel", "--node=node1").out());
        ok("config", "set", "logLevel", "DEBUG", "--node=node1");
        assertEquals("debug\n", ok("config", "get", "logLevel", "--node=node1").out());
        assertEquals("warning\n", ok("config", "get", "logLevel").out());
        assertEquals("warning (inherited from global)\n", ok("config", "get", "logLevel", "-n", "node2").out());
        try (var store = DatastoreConfig.load(cfg, Map.of()).open()) {
            // The key a running node watches for its own level (control/docs/resources-datastore-ipam.md).
            assertEquals("debug", store.get("/ocelot/v1/config/node/node1/logLevel").orElseThrow().value());
        }
        ok("config", "unset", "logLevel", "--node=node1");
        assertEquals("warning (inherited from global)\n", ok("config", "get", "logLevel", "--node=node1").out());
        ok("config", "unset", "logLevel");
        assertEquals("info (inherited from global)\n", ok("config", "get", "logLevel", "--node=node1").out());

        assertEquals("nodeToNodeMesh is cluster-wide: it has no per-node value (leave out --node)",
                run("config", "set", "nodeToNodeMesh", "off", "--node=node1").errLine());
        assertEquals("asNumber is cluster-wide: it has no per-node value (leave out --node)",
                run("config", "get", "asNumber", "--node=node1").errLine());
        assertEquals("asNumber is cluster-wide: it has no per-node value (leave out --node)",
                run("config", "unset", "asNumber", "--node=node1").errLine());
        assertEquals("node name: 'bad name' is not a valid name (letters, digits, '.', '_' and '-' only)",
                run("config", "set", "logLevel", "debug", "--node=bad name").errLine());
        assertEquals("logLevel must be one of none, debug, info, warning, error, critical, got 'loud'",
                run("config", "set", "logLevel", "loud", "--node=node1").errLine());
        assertEquals("on\n", ok("config", "get", "nodeToNodeMesh").out());
    }

    @Test
    void ipamShowReleaseAndCheck() throws Exception {
        ok("create", "-f", file("pool.yaml", SeedExamples.read("ippool.yaml")).toString());
        String ip;
        try (var store = DatastoreConfig.load(cfg, Map.of()).open()) {
            ip = new BlockAffinityIpam(store).assign(new BlockAffinityIpam.AssignRequest("node1", "h1", 4,
                    Map.of("node", "node1"))).address().toString();
        }
        assertEquals("10.1.0.0", ip);
        assertEquals("""
                IP 10.1.0.0 is in use
                Block: 10.1.0.0/26 (affine to host node1)
                Handle: h1
                Attributes:
                  node: node1
                """, ok("ipam", "show", "--ip=10.1.0.0").out());
        assertTrue(ok("ipam", "check").out().contains("Found 0 leaked address(es)"));
        assertEquals("Successfully released IP address 10.1.0.0\n", ok("ipam", "release", "--ip=10.1.0.0").out());
        assertEquals("IP 10.1.0.0 is not currently assigned\n", ok("ipam", "show", "--ip=10.1.0.0").out());
        assertEquals("IP 10.1.0.0 is not assigned", run("ipam", "release", "--ip=10.1.0.0").errLine());
        assertEquals("--ip: '10.1.0.300' is not a valid IPv4 address (octet 300 > 255)", run("ipam", "show", "--ip=10.1.0.300").errLine());
    }

    @Test
    void ipamAssignsAGivenAddressOrTheNodesNextOne() throws Exception {
        ok("create", "-f", file("pool.yaml", SeedExamples.read("ippool.yaml")).toString());
        assertEquals("10.1.0.9\n", ok("ipam", "assign", "--ip=10.1.0.9", "--node", "node1", "--handle", "h9").out());
        assertEquals("10.1.0.0\n", ok("ipam", "assign", "--node", "node1", "--handle", "h0",
                "--attributes", "pod=web,ns=prod").out());
        assertEquals("""
                IP 10.1.0.0 is in use
                Block: 10.1.0.0/26 (affine to host node1)
                Handle: h0
                Attributes:
                  node: node1
                  ns: prod
                  pod: web
                """, ok("ipam", "show", "--ip=10.1.0.0").out());
        assertEquals("IP 10.1.0.9 is already assigned (handle h9)", run("ipam", "assign", "--ip=10.1.0.9", "--node", "node2").errLine());
        assertEquals("--attributes: 'pod' is not KEY=VALUE", run("ipam", "assign", "--node", "n", "--attributes", "pod").errLine());
        assertEquals("pool 10.9.0.0/16 does not exist or is disabled", run("ipam", "assign", "--node", "n", "--pool", "10.9.0.0/16").errLine());
        ok("ipam", "release", "--ip=10.1.0.9");
        ok("ipam", "release", "--ip=10.1.0.0");
        assertTrue(ok("ipam", "check").out().contains("Found 0 leaked address(es)"));
    }

    @Test
    void versionAndCompletion() {
        assertTrue(ok("version").out().startsWith("Client Version:    v"));
        String script = ok("completion").out();
        assertTrue(script.contains("ocelotctl") && script.contains("complete -F"), script.substring(0, 200));
    }

    /**
     * A bgpPeer's TCP MD5 key never leaves the store through get (yaml, json, -f) but prints as
     * {@code <redacted>}; that output applied or replaced keeps the stored key, while a new key
     * replaces it, and a placeholder with no key to keep is refused naming the peer.
     */
    @Test
    void bgpPeerPasswordIsRedactedAndSurvivesRoundTrips() throws Exception {
        String secret = "md5-s3cret-key";
        Path peer = file("peer.yaml", """
                apiVersion: v1
                kind: bgpPeer
                metadata: {peerIP: 192.0.2.7, scope: global}
                spec: {asNumber: 64513, password: %s, holdTime: 30}
                """.formatted(secret));
        ok("create", "-f", peer.toString());
        String yaml = ok("get", "bgpPeer", "-o", "yaml").out();
        String json = ok("get", "bgpPeer", "192.0.2.7", "-o", "json").out();
        String byFile = ok("get", "-f", peer.toString(), "-o", "yaml").out();
        for (String shown : List.of(yaml, json, byFile)) {
            assertTrue(!shown.contains(secret) && shown.contains("<redacted>"), shown);
        }
        assertTrue(yaml.contains("password: <redacted>"), yaml);
        assertTrue(json.contains("\"password\": \"<redacted>\""), json);

        // get's output written back, changed elsewhere: the stored key stays
        ok("apply", "-f", file("applied.yaml", yaml.replace("64513", "64514")).toString());
        ok("replace", "-f", file("replaced.json", json.replace("64514", "64515").replace("64513", "64515")).toString());
        assertEquals(secret, storedPassword());
        String after = ok("get", "bgpPeer", "-o", "yaml").out();
        assertTrue(after.contains("asNumber: 64515") && after.contains("holdTime: 30"), after);

        // a new key given in full replaces it
        ok("apply", "-f", file("newkey.yaml", yaml.replace("<redacted>", "another-key")).toString());
        assertEquals("another-key", storedPassword());

        // nothing to keep: a new peer, or a stored peer without a key
        Result created = run("create", "-f", file("new.yaml", yaml.replace("192.0.2.7", "192.0.2.8")).toString());
        assertEquals("Failed to create any 'bgpPeer' resources: BGPPeer(scope=global, peerIP=192.0.2.8): spec.password is "
                + "'<redacted>', which get prints in place of the key; a new peer needs the key itself", created.errLine());
        Result applied = run("apply", "-f", file("new2.yaml", yaml.replace("192.0.2.7", "192.0.2.8")).toString());
        assertTrue(applied.errLine().contains("no such peer is stored to keep the key of: give the key itself"), applied.err());
        ok("apply", "-f", file("nokey.yaml", yaml.replace("  password: <redacted>\n", "")).toString());
        Result noKey = run("replace", "-f", file("again.yaml", yaml).toString());
        assertTrue(noKey.errLine().contains("the stored peer has no key to keep"), noKey.err());
        assertEquals(null, storedPassword());
    }

    private String storedPassword() {
        try (var store = DatastoreConfig.load(cfg, Map.of()).open()) {
            var kv = store.get("/ocelot/v1/bgppeer/global/192.0.2.7").orElseThrow();
            var peer = (ocelot.control.resource.BgpPeer) ocelot.control.resource.ResourceCodec.fromStored(kv.key(), kv.value());
            return peer.password();
        }
    }
}
