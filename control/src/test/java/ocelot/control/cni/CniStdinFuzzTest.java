package ocelot.control.cni;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.provider.MethodSource;

import ocelot.control.resource.ResourceException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer on the CNI plugin's stdin: the network configuration is read and validated as for an
 * ADD ({@link NetConf#readTree}, {@link NetConf#parse}, {@link CniRequest#of}), and the VERSION
 * command answers from it. Any input gives a configuration or an error the plugin reports with
 * its own CNI code (a {@link CniError}, or an IllegalArgument/ResourceException, which it reports
 * as INVALID_NETWORK_CONFIG); anything else would reach the user as "unexpected error" (code 100)
 * and is a finding. The datastore is not opened and the node not called: a fuzzed configuration
 * could name any path or address (traffic leaves no 127/8 here), and {@code nodename} is set, so
 * no host name lookup happens. Seeds: OcelotCniTest's configurations.
 */
@Tag("jazzer")
class CniStdinFuzzTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<Integer> CODES = Set.of(CniError.INCOMPATIBLE_VERSION, CniError.UNSUPPORTED_FIELD, CniError.CONTAINER_UNKNOWN,
            CniError.INVALID_ENVIRONMENT, CniError.IO_FAILURE, CniError.DECODE_FAILURE, CniError.INVALID_NETWORK_CONFIG,
            CniError.TRY_AGAIN_LATER);
    static final Map<String, String> ADD = Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c0ffee01",
            "CNI_NETNS", "/var/run/netns/fuzz", "CNI_IFNAME", "eth0", "CNI_PATH", "/opt/cni/bin");

    static Stream<byte[]> seeds() {
        String base = "{\"cniVersion\":\"1.0.0\",\"name\":\"net1\",\"type\":\"ocelot-cni\",\"nodename\":\"node1\","
                + "\"ocelot_data_dir\":\"/nonexistent/data\",\"ocelot_run_dir\":\"/nonexistent/run\",\"ipam\":{\"type\":\"ocelot-ipam\"}";
        return Stream.of(base + "}", base + ",\"datastore_type\":\"etcdv3\",\"etcd_endpoints\":\"http://127.0.0.1:2379\"}",
                base + ",\"labels\":{\"app\":\"web\"},\"profiles\":[\"p1\"]}",
                base.replace("{\"type\":\"ocelot-ipam\"}", "{\"type\":\"ocelot-ipam\",\"ipv4_pools\":[\"10.0.0.0/26\"]}") + "}",
                base + ",\"prevResult\":{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.65.0.2/32\"}]}}",
                "{\"cniVersion\":\"0.4.0\"}", "", "{\"cniVersion\":\"1.0.0\",\n \"name\": net1}")
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    @MethodSource("seeds")
    @FuzzTest
    void stdinGivesAConfigurationOrACniError(byte[] stdin) throws Exception {
        try {
            JsonNode root = NetConf.readTree(stdin);
            if (root instanceof ObjectNode o) o.put("nodename", "fuzz-node");
            NetConf conf = NetConf.parse(root);
            CniRequest.of("ADD", ADD, conf);
        } catch (CniError e) {
            assertTrue(CODES.contains(e.code()), "code " + e.code() + ": " + e.getMessage());
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "an error without a message");
        } catch (IllegalArgumentException | ResourceException e) {
            assertNotNull(e.getMessage(), e.toString()); // reported as INVALID_NETWORK_CONFIG with this message
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = OcelotCni.run(Map.of("CNI_COMMAND", "VERSION"), stdin, new PrintStream(out, true, StandardCharsets.UTF_8));
        JsonNode answer = JSON.readTree(out.toByteArray());
        if (exit == 0) {
            assertTrue(answer.path("supportedVersions").isArray(), out.toString(StandardCharsets.UTF_8));
        } else {
            assertEquals(1, exit);
            assertTrue(CODES.contains(answer.path("code").asInt()), "VERSION answered " + out.toString(StandardCharsets.UTF_8));
        }
    }
}
