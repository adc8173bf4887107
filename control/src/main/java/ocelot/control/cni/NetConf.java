package ocelot.control.cni;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ocelot.control.datastore.DatastoreConfig;
import ocelot.control.resource.Cidr;

/**
 * An {@code ocelot-cni} network configuration, shaped like Calico's:
 *
 * <pre>
 * {"cniVersion":"1.0.0", "name":"net1", "type":"ocelot-cni", "nodename":"node1",
 *  "datastore_type":"etcdv3", "etcd_endpoints":"http://127.0.0.1:2379",
 *  "etcd_username", "etcd_password", "etcd_key_file", "etcd_cert_file", "etcd_ca_cert_file",
 *  "ipam":{"type":"ocelot-ipam", "assign_ipv4":"true", "ipv4_pools":["10.65.0.0/16"]},
 *  "mtu":1440,
 *  "labels":{"app":"web"}, "profiles":["net1"],                 (Ocelot: the endpoint's labels/profiles)
 *  "ocelot_data_dir":"/var/lib/ocelot", "ocelot_run_dir":"/var/run/ocelot/node1"}   (Ocelot)
 * </pre>
 *
 * Without {@code datastore_type} the store is etcd when {@code etcd_endpoints} is given, else the
 * embedded one. Calico fields Ocelot cannot honour ({@code kubernetes}, {@code policy},
 * {@code datastore_type: kubernetes}, IPv6 assignment) are refused by name rather than ignored.
 * Fields CNI runtimes add ({@code prevResult}, {@code runtimeConfig}, {@code args}) are read or
 * passed over as the spec says.
 */
public record NetConf(String cniVersion, String name, String nodename, DatastoreConfig datastore,
                      List<Cidr> ipv4Pools, Map<String, String> labels, List<String> profiles, Path runDir,
                      JsonNode prevResult, Integer mtu) {
    public static final Path RUN_ROOT = Path.of("/var/run/ocelot");
    public static final Path NODENAME_FILE = Path.of("/var/lib/ocelot/nodename");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    /** The raw JSON tree, with a parse error turned into CNI's "failed to decode content" naming line and column. */
    static JsonNode readTree(byte[] stdin) {
        try {
            JsonNode root = JSON.readTree(stdin);
            if (root == null || root.isMissingNode()) throw new CniError(CniError.DECODE_FAILURE, "network configuration on stdin is empty", null);
            if (!root.isObject()) throw new CniError(CniError.DECODE_FAILURE, "network configuration must be a JSON object", null);
            return root;
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new CniError(CniError.DECODE_FAILURE, "network configuration is not valid JSON"
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()),
                    e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new CniError(CniError.IO_FAILURE, "cannot read the network configuration from stdin", e.getMessage());
        }
    }

    static NetConf parse(JsonNode root) {
        String version = text(root, "cniVersion", true);
        String name = text(root, "name", true);
        String type = text(root, "type", false);
        if (type != null && !type.equals("ocelot-cni")) {
            throw invalid("type is '" + type + "', this plugin is ocelot-cni");
        }
        for (String refused : List.of("kubernetes", "policy")) {
            if (root.has(refused)) {
                throw new CniError(CniError.UNSUPPORTED_FIELD, "field '" + refused + "' is not supported by ocelot-cni",
                        "Ocelot reads no Kubernetes API; policy comes from Ocelot policy resources: remove '" + refused + "'");
            }
        }
        return new NetConf(version, name, nodename(root), datastore(root), ipam(root), labels(root), profiles(root),
                runDir(root), root.get("prevResult"), mtu(root));
    }

    private static String nodename(JsonNode root) {
        String n = text(root, "nodename", false);
        if (n != null && !n.isBlank()) return n.strip();
        String fileName = text(root, "nodename_file", false);
        Path file = fileName == null ? NODENAME_FILE : Path.of(fileName);
        try {
            if (Files.isReadable(file)) {
                String s = Files.readString(file).strip();
                if (!s.isEmpty()) return s;
            }
            return InetAddress.getLocalHost().getHostName().split("\\.")[0];
        } catch (java.io.IOException e) {
            throw invalid("no nodename given and the host name is unknown (" + e.getMessage() + ")");
        }
    }

    private static DatastoreConfig datastore(JsonNode root) {
        Map<String, String> settings = new HashMap<>();
        String type = text(root, "datastore_type", false);
        String endpoints = text(root, "etcd_endpoints", false);
        String authority = text(root, "etcd_authority", false);
        if (endpoints == null && authority != null) {
            String scheme = text(root, "etcd_scheme", false);
            endpoints = (scheme == null ? "http" : scheme) + "://" + authority;
        }
        if ("kubernetes".equals(type)) {
            throw new CniError(CniError.UNSUPPORTED_FIELD, "datastore_type 'kubernetes' is not supported",
                    "Ocelot's datastores are etcdv3 and embedded");
        }
        if (type == null) type = endpoints != null ? "etcdv3" : "embedded";
        settings.put("DATASTORE_TYPE", type);
        if (endpoints != null) settings.put("ETCD_ENDPOINTS", endpoints);
        Map<String, String> fields = Map.of("etcd_username", "ETCD_USERNAME", "etcd_password", "ETCD_PASSWORD",
                "etcd_key_file", "ETCD_KEY_FILE", "etcd_cert_file", "ETCD_CERT_FILE", "etcd_ca_cert_file", "ETCD_CA_CERT_FILE",
                "ocelot_data_dir", "OCELOT_DATA_DIR");
        fields.forEach((field, env) -> {
            String v = text(root, field, false);
            if (v != null) settings.put(env, v);
        });
        try {
            return DatastoreConfig.fromSettings(settings, "network configuration");
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static List<Cidr> ipam(JsonNode root) {
        JsonNode ipam = root.get("ipam");
        if (ipam == null || !ipam.isObject()) throw invalid("ipam: missing (expected {\"type\":\"ocelot-ipam\"})");
        String type = text(ipam, "type", true, "ipam.");
        if (!type.equals("ocelot-ipam")) {
            throw new CniError(CniError.UNSUPPORTED_FIELD, "ipam.type '" + type + "' is not supported",
                    "ocelot-cni assigns from the node's IPAM blocks: use \"ocelot-ipam\"");
        }
        if (flag(ipam, "assign_ipv6", false)) {
            throw new CniError(CniError.UNSUPPORTED_FIELD, "ipam.assign_ipv6: IPv6 workload addresses are not supported yet", null);
        }
        if (!flag(ipam, "assign_ipv4", true)) throw invalid("ipam.assign_ipv4 is false and IPv6 is not supported: nothing to assign");
        List<Cidr> pools = new ArrayList<>();
        JsonNode list = ipam.get("ipv4_pools");
        if (list != null) {
            if (!list.isArray()) throw invalid("ipam.ipv4_pools: expected a list of CIDRs");
            for (int i = 0; i < list.size(); i++) {
                try {
                    Cidr c = Cidr.parse(list.get(i).asText());
                    if (c.version() != 4) throw new IllegalArgumentException("not an IPv4 CIDR");
                    pools.add(c);
                } catch (IllegalArgumentException e) {
                    throw invalid("ipam.ipv4_pools[" + i + "]: " + e.getMessage());
                }
            }
        }
        return pools;
    }

    private static Map<String, String> labels(JsonNode root) {
        JsonNode node = root.get("labels");
        if (node == null) return Map.of();
        if (!node.isObject()) throw invalid("labels: expected an object of strings");
        Map<String, String> labels = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isTextual()) throw invalid("labels." + e.getKey() + ": expected a string");
            labels.put(e.getKey(), e.getValue().asText());
        }
        return labels;
    }

    private static List<String> profiles(JsonNode root) {
        JsonNode node = root.get("profiles");
        if (node == null) return List.of();
        if (!node.isArray()) throw invalid("profiles: expected a list of profile names");
        List<String> out = new ArrayList<>();
        node.forEach(p -> out.add(p.asText()));
        return out;
    }

    /**
     * Calico's {@code mtu}: the workload interface's MTU. With IPIP it must leave room for the
     * 20-byte outer header (Calico's documented 1440), or full-size packets to other nodes do
     * not fit the uplink; absent, the interface keeps 1500.
     */
    private static Integer mtu(JsonNode root) {
        JsonNode node = root.get("mtu");
        if (node == null) return null;
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 68 || node.asInt() > 65535) {
            throw invalid("mtu: expected a number 68-65535, got " + node);
        }
        return node.asInt();
    }

    private static Path runDir(JsonNode root) {
        String dir = text(root, "ocelot_run_dir", false);
        return dir == null ? null : Path.of(dir);
    }

    /** The node's run directory: {@code ocelot_run_dir}, else /var/run/ocelot/NODENAME. */
    public Path nodeRunDir() {
        return runDir != null ? runDir : RUN_ROOT.resolve(nodename);
    }

    private static boolean flag(JsonNode obj, String field, boolean absent) {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) return absent;
        if (v.isBoolean()) return v.asBoolean();
        // Calico writes these as strings: "true" / "false".
        if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) return Boolean.parseBoolean(v.asText());
        throw invalid("ipam." + field + ": expected true or false, got " + v);
    }

    private static String text(JsonNode obj, String field, boolean required) {
        return text(obj, field, required, "");
    }

    private static String text(JsonNode obj, String field, boolean required, String prefix) {
        JsonNode v = obj.get(field);
        if (v == null || v.isNull()) {
            if (required) throw invalid(prefix + field + ": missing");
            return null;
        }
        if (!v.isTextual()) throw invalid(prefix + field + ": expected a string, got " + v);
        return v.asText();
    }

    private static CniError invalid(String msg) {
        return new CniError(CniError.INVALID_NETWORK_CONFIG, "invalid network configuration: " + msg, null);
    }
}
