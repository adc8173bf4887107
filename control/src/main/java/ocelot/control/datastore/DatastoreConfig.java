package ocelot.control.datastore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which datastore a client uses, read as calicoctl reads its own: a {@code kind: calicoApiConfig}
 * file (Ocelot's is {@code /etc/ocelot/ocelotctl.cfg}, or {@code --config FILE}), or, when there
 * is no file, the environment: DATASTORE_TYPE, ETCD_ENDPOINTS, ETCD_USERNAME, ETCD_PASSWORD,
 * ETCD_KEY_FILE, ETCD_CERT_FILE, ETCD_CA_CERT_FILE, and Ocelot's OCELOT_DATA_DIR for the
 * embedded store. {@code toString} never shows the password.
 */
public record DatastoreConfig(Type type, Path dataDir, EtcdConfig etcd) {
    public static final Path DEFAULT_FILE = Path.of("/etc/ocelot/ocelotctl.cfg");
    public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/ocelot");

    public enum Type { EMBEDDED, ETCDV3 }

    private static final Map<String, String> SPEC_TO_ENV = Map.of(
            "datastoreType", "DATASTORE_TYPE", "etcdEndpoints", "ETCD_ENDPOINTS",
            "etcdUsername", "ETCD_USERNAME", "etcdPassword", "ETCD_PASSWORD",
            "etcdKeyFile", "ETCD_KEY_FILE", "etcdCertFile", "ETCD_CERT_FILE",
            "etcdCACertFile", "ETCD_CA_CERT_FILE", "dataDir", "OCELOT_DATA_DIR");

    /**
     * @param file an explicit {@code --config} (must exist), or null for the default file when it
     *             exists and the environment otherwise
     */
    public static DatastoreConfig load(Path file, Map<String, String> env) {
        if (file != null) {
            if (!Files.exists(file)) throw new IllegalArgumentException("config file " + file + " does not exist");
            return fromFile(file);
        }
        if (Files.exists(DEFAULT_FILE)) return fromFile(DEFAULT_FILE);
        return fromSettings(env, "environment");
    }

    static DatastoreConfig fromFile(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new IllegalArgumentException("config file " + file + ": cannot read: " + msg);
        }
        String where = "config file " + file;
        if (root == null || !root.isObject()) throw new IllegalArgumentException(where + ": expected a calicoApiConfig mapping");
        if (!"calicoApiConfig".equals(root.path("kind").asText())) {
            throw new IllegalArgumentException(where + ": kind must be calicoApiConfig, got '" + root.path("kind").asText() + "'");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("apiVersion", "kind", "metadata", "spec").contains(f)) {
                throw new IllegalArgumentException(where + ": " + f + ": unknown field");
            }
        }
        Map<String, String> settings = new java.util.HashMap<>();
        JsonNode spec = root.path("spec");
        for (Iterator<Map.Entry<String, JsonNode>> it = spec.fields(); it.hasNext(); ) {
            var e = it.next();
            String env = SPEC_TO_ENV.get(e.getKey());
            if (env == null) {
                throw new IllegalArgumentException(where + ": spec." + e.getKey() + ": unknown field (expected one of "
                        + String.join(", ", new java.util.TreeSet<>(SPEC_TO_ENV.keySet())) + ")");
            }
            settings.put(env, e.getValue().asText());
        }
        return fromSettings(settings, where);
    }

    /** From calicoctl's environment variable names (DATASTORE_TYPE, ETCD_*, OCELOT_DATA_DIR); {@code where} prefixes errors. */
    public static DatastoreConfig fromSettings(Map<String, String> s, String where) {
        String type = s.getOrDefault("DATASTORE_TYPE", "embedded").trim();
        switch (type) {
            case "", "embedded" -> {
                String dir = s.get("OCELOT_DATA_DIR");
                return new DatastoreConfig(Type.EMBEDDED, dir == null || dir.isBlank() ? DEFAULT_DATA_DIR : Path.of(dir), null);
            }
            case "etcdv3" -> {
                List<URI> endpoints = new ArrayList<>();
                String list = s.getOrDefault("ETCD_ENDPOINTS", "http://127.0.0.1:2379");
                for (String e : list.split(",")) {
                    String t = e.trim();
                    if (t.isEmpty()) continue;
                    URI u;
                    try {
                        u = URI.create(t);
                    } catch (IllegalArgumentException ex) {
                        throw new IllegalArgumentException(where + ": etcd endpoint '" + t + "' is not a URL");
                    }
                    if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 0) {
                        throw new IllegalArgumentException(where + ": etcd endpoint '" + t + "' must look like http(s)://HOST:PORT");
                    }
                    endpoints.add(u);
                }
                if (endpoints.isEmpty()) throw new IllegalArgumentException(where + ": no etcd endpoints given");
                try {
                    return new DatastoreConfig(Type.ETCDV3, null, new EtcdConfig(endpoints, blank(s.get("ETCD_USERNAME")),
                            blank(s.get("ETCD_PASSWORD")), path(s.get("ETCD_CA_CERT_FILE")), path(s.get("ETCD_CERT_FILE")),
                            path(s.get("ETCD_KEY_FILE")), null));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage());
                }
            }
            case "etcdv2" -> throw new IllegalArgumentException(where + ": datastoreType etcdv2 is not supported; "
                    + "Ocelot speaks etcd v3: use datastoreType etcdv3 (DATASTORE_TYPE=etcdv3)");
            default -> throw new IllegalArgumentException(where + ": unknown datastoreType '" + type
                    + "' (expected embedded or etcdv3)");
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }

    public Datastore open() {
        return type == Type.EMBEDDED ? EmbeddedDatastore.open(dataDir) : EtcdDatastore.connect(etcd);
    }
}
