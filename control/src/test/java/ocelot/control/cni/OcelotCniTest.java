package ocelot.control.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import ocelot.control.datastore.EmbeddedDatastore;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.ipam.BlockAffinityIpam;
import ocelot.control.resource.Kind;
import ocelot.control.resource.ResourceCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CNI protocol without a node: VERSION, every refusal with its CNI code and message, ADD when
 * no node runs (code 11, nothing left assigned), DEL of nothing (success, no output), and the
 * installed launcher as a real executable whose stdout is only the result JSON.
 */
class OcelotCniTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    record Outcome(int exit, JsonNode json, String raw) {}

    Outcome cni(Map<String, String> env, String stdin) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = OcelotCni.run(env, stdin.getBytes(StandardCharsets.UTF_8), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String raw = bytes.toString(StandardCharsets.UTF_8);
        return new Outcome(exit, raw.isBlank() ? null : JSON.readTree(raw), raw);
    }

    Map<String, String> env(String command) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", "c0ffee01");
        env.put("CNI_NETNS", "/var/run/netns/does-not-matter");
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", "/opt/cni/bin");
        return env;
    }

    String netconf(String extra) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"ocelot-cni\",\"nodename\":\"node1\","
                + "\"ocelot_data_dir\":\"" + tmp.resolve("data") + "\",\"ocelot_run_dir\":\"" + tmp.resolve("run") + "\","
                + "\"ipam\":{\"type\":\"ocelot-ipam\"}" + extra + "}";
    }

    void assertError(Outcome o, int code, String msg) {
        assertEquals(1, o.exit(), o.raw());
        assertEquals(code, o.json().path("code").asInt(), o.raw());
        assertEquals(msg, o.json().path("msg").asText(), o.raw());
    }

    @Test
    void versionReportsTheSupportedVersions() throws Exception {
        Outcome o = cni(Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"0.4.0\"}");
        assertEquals(0, o.exit());
        assertEquals("0.4.0", o.json().path("cniVersion").asText());
        assertEquals("[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\"]", o.json().path("supportedVersions").toString());
        assertEquals("1.0.0", cni(Map.of("CNI_COMMAND", "VERSION"), "").json().path("cniVersion").asText());
    }

    @Test
    void refusesWhatItCannotDoNamingIt() throws Exception {
        assertError(cni(env("ADD"), "{\"cniVersion\":\"1.0.0\",\n \"name\": net1}"), CniError.DECODE_FAILURE,
                "network configuration is not valid JSON at line 2, column 10");
        assertError(cni(env("ADD"), "{\"cniVersion\":\"1.0.0\",\"type\":\"ocelot-cni\",\"ipam\":{\"type\":\"ocelot-ipam\"}}"),
                CniError.INVALID_NETWORK_CONFIG, "invalid network configuration: name: missing");
        assertError(cni(env("ADD"), netconf(",\"datastore_type\":\"consul\"")), CniError.INVALID_NETWORK_CONFIG,
                "invalid network configuration: network configuration: unknown datastoreType 'consul' (expected embedded or etcdv3)");
        assertError(cni(env("ADD"), netconf(",\"datastore_type\":\"kubernetes\"")), CniError.UNSUPPORTED_FIELD,
                "datastore_type 'kubernetes' is not supported");
        assertError(cni(env("ADD"), netconf(",\"kubernetes\":{\"kubeconfig\":\"/etc/k\"}")), CniError.UNSUPPORTED_FIELD,
                "field 'kubernetes' is not supported by ocelot-cni");
        assertError(cni(env("ADD"), netconf("").replace("ocelot-ipam", "host-local")), CniError.UNSUPPORTED_FIELD,
                "ipam.type 'host-local' is not supported");
        assertError(cni(env("ADD"), netconf("").replace("{\"type\":\"ocelot-ipam\"}", "{\"type\":\"ocelot-ipam\",\"ipv4_pools\":[\"10.0.0.0/33\"]}")),
                CniError.INVALID_NETWORK_CONFIG, "invalid network configuration: ipam.ipv4_pools[0]: '10.0.0.0/33': prefix length 33 exceeds 32");
        assertError(cni(env("ADD"), netconf(",\"mtu\":20")), CniError.INVALID_NETWORK_CONFIG,
                "invalid network configuration: mtu: expected a number 68-65535, got 20");
        assertError(cni(env("ADD"), netconf("").replace("1.0.0", "2.0.0")), CniError.INCOMPATIBLE_VERSION, "cniVersion 2.0.0 is not supported");
        assertError(cni(env("CHECK"), netconf("").replace("1.0.0", "0.3.1")), CniError.INCOMPATIBLE_VERSION,
                "CHECK needs cniVersion 0.4.0 or later, the configuration says 0.3.1");
        Map<String, String> noNetns = env("ADD");
        noNetns.remove("CNI_NETNS");
        assertError(cni(noNetns, netconf("")), CniError.INVALID_ENVIRONMENT, "CNI_NETNS is not set");
        assertError(cni(Map.of(), netconf("")), CniError.INVALID_ENVIRONMENT, "CNI_COMMAND is not set (expected ADD, DEL, CHECK or VERSION)");
        Map<String, String> badArgs = env("ADD");
        badArgs.put("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME");
        assertError(cni(badArgs, netconf("")), CniError.INVALID_ENVIRONMENT, "CNI_ARGS: 'K8S_POD_NAME' is not KEY=VALUE");
    }

    @Test
    void addWithoutARunningNodeSaysSoAndLeavesNothingAssigned() throws Exception {
        try (var store = EmbeddedDatastore.open(tmp.resolve("data"))) {
            new ResourceStore(store).create(ResourceCodec.parse(
                    "apiVersion: v1\nkind: ipPool\nmetadata:\n  cidr: 10.65.0.0/16\nspec:\n  nat-outgoing: true\n", "pool"), false);
        }
        Files.createDirectories(tmp.resolve("run"));
        Files.writeString(tmp.resolve("run").resolve("cni.sock"), ""); // a stale socket file: nobody listens
        Outcome o = cni(env("ADD"), netconf(""));
        assertError(o, CniError.TRY_AGAIN_LATER, "no Ocelot node is running: nobody answers on " + tmp.resolve("run/cni.sock"));
        try (var store = EmbeddedDatastore.open(tmp.resolve("data"))) {
            assertEquals(Map.of(), new BlockAffinityIpam(store).assignments());
            assertEquals(List.of(), new ResourceStore(store).list(Kind.WORKLOAD_ENDPOINT, r -> true));
        }
        // DEL of what never got added succeeds silently, twice.
        assertEquals(new Outcome(0, null, ""), cni(env("DEL"), netconf("")));
        assertEquals(new Outcome(0, null, ""), cni(env("DEL"), netconf("")));
    }

    @Test
    void theInstalledLauncherPrintsOnlyTheResultOnStdout() throws Exception {
        Path plugin = CniLauncher.install(tmp.resolve("cni-bin"), Path.of(System.getProperty("java.home"), "bin", "java"),
                System.getProperty("java.class.path"));
        for (int run = 0; run < 2; run++) { // the second run maps the AppCDS archive the first one wrote
            ProcessBuilder pb = new ProcessBuilder(plugin.toString()).redirectError(tmp.resolve("stderr" + run).toFile());
            pb.environment().put("CNI_COMMAND", "VERSION");
            Process p = pb.start();
            p.getOutputStream().write("{\"cniVersion\":\"0.4.0\"}".getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out + Files.readString(tmp.resolve("stderr" + run)));
            assertEquals("0.4.0", JSON.readTree(out).path("cniVersion").asText(), out);
        }
        assertTrue(Files.exists(tmp.resolve("cni-bin/ocelot-cni.jsa")), "the first run wrote the AppCDS archive");
    }
}
