package ocelot.control.datastore;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ocelot.control.resource.ResourceException;
import ocelot.control.resource.YamlDocuments;

/**
 * Which datastore a client uses, read as calicoctl reads its own: the first configuration file
 * found of {@code --config FILE} (which must exist), Ocelot's {@code /etc/ocelot/ocelotctl.cfg}
 * and calicoctl's {@code /etc/calico/calicoctl.cfg} (both {@code kind: calicoApiConfig}); with no
 * file, the environment: DATASTORE_TYPE, ETCD_ENDPOINTS, ETCD_USERNAME, ETCD_PASSWORD,
 * ETCD_KEY_FILE, ETCD_CERT_FILE, ETCD_CA_CERT_FILE, and Ocelot's OCELOT_DATA_DIR for the
 * embedded store. As in calicoctl, a file is used whole: the environment does not fill in or
 * override its fields. Without a datastore type, any etcd setting selects etcd v3 (endpoints
 * default to http://127.0.0.1:2379, calicoctl's default); with none, the embedded store.
 * {@code toString} never shows the password.
 */
public record DatastoreConfig(Type type, Path dataDir, EtcdConfig etcd) {
    public static final Path DEFAULT_FILE = Path.of("/etc/ocelot/ocelotctl.cfg");
    public static final Path CALICOCTL_FILE = Path.of("/etc/calico/calicoctl.cfg");
    /** Where a client looks for a configuration file when no --config is given, in order. */
    public static final List<Path> DEFAULT_FILES = List.of(DEFAULT_FILE, CALICOCTL_FILE);
    public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/ocelot");

    public enum Type { EMBEDDED, ETCDV3 }

    private static final Map<String, String> SPEC_TO_ENV = Map.of(
            "datastoreType", "DATASTORE_TYPE", "etcdEndpoints", "ETCD_ENDPOINTS",
            "etcdUsername", "ETCD_USERNAME", "etcdPassword", "ETCD_PASSWORD",
            "etcdKeyFile", "ETCD_KEY_FILE", "etcdCertFile", "ETCD_CERT_FILE",
            "etcdCACertFile", "ETCD_CA_CERT_FILE", "dataDir", "OCELOT_DATA_DIR");
    /** The settings that only mean something for etcd: any of them selects it. */
    private static final List<String> ETCD_SETTINGS = List.of("ETCD_ENDPOINTS", "ETCD_USERNAME", "ETCD_PASSWORD",
            "ETCD_KEY_FILE", "ETCD_CERT_FILE", "ETCD_CA_CERT_FILE");

    /**
     * @param file an explicit {@code --config} (must exist), or null for the first of
     *             {@link #DEFAULT_FILES} that exists, else the environment
     */
    public static DatastoreConfig load(Path file, Map<String, String> env) {
        return load(file, env, DEFAULT_FILES);
    }

    /** As {@link #load(Path, Map)}, looking for the default files in {@code defaultFiles}. */
    public static DatastoreConfig load(Path file, Map<String, String> env, List<Path> defaultFiles) {
        if (file != null) {
            if (!Files.exists(file)) throw new IllegalArgumentException("config file " + file + " does not exist");
            return fromFile(file);
        }
        for (Path f : defaultFiles) {
            if (Files.exists(f)) return fromFile(f);
        }
        return fromSettings(env, "environment", false);
    }

    static DatastoreConfig fromFile(Path file) {
        String where = "config file " + file;
        List<JsonNode> documents;
        try {
            documents = YamlDocuments.read(Files.readString(file), where);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cannot read: " + e.getMessage());
        } catch (ResourceException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        documents = documents.stream().filter(d -> d != null && !d.isNull()).toList();
        if (documents.size() > 1) throw new IllegalArgumentException(where + ": expected one calicoApiConfig document, got " + documents.size());
        JsonNode root = documents.isEmpty() ? null : documents.getFirst();
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
            if (!e.getValue().isNull()) settings.put(env, e.getValue().asText());
        }
        return fromSettings(settings, where, true);
    }

    /** From calicoctl's environment variable names (DATASTORE_TYPE, ETCD_*, OCELOT_DATA_DIR); {@code where} prefixes errors. */
    public static DatastoreConfig fromSettings(Map<String, String> s, String where) {
        return fromSettings(s, where, false);
    }

    /** @param file whether the settings came from a file (errors then name its spec fields, not the variables) */
    static DatastoreConfig fromSettings(Map<String, String> s, String where, boolean file) {
        String type = s.getOrDefault("DATASTORE_TYPE", "").trim();
        if (type.isEmpty()) type = impliedType(s, where, file);
        switch (type) {
            case "embedded" -> {
                String dir = s.get("OCELOT_DATA_DIR");
                return new DatastoreConfig(Type.EMBEDDED, dir == null || dir.isBlank() ? DEFAULT_DATA_DIR : Path.of(dir), null);
            }
            case "etcdv3" -> {
                List<URI> endpoints = new ArrayList<>();
                String list = blank(s.get("ETCD_ENDPOINTS")) == null ? "http://127.0.0.1:2379" : s.get("ETCD_ENDPOINTS");
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
            case "kubernetes" -> throw new IllegalArgumentException(where + ": datastoreType kubernetes is not supported "
                    + "(Ocelot reads no Kubernetes API); expected embedded or etcdv3");
            default -> throw new IllegalArgumentException(where + ": unknown datastoreType '" + type
                    + "' (expected embedded or etcdv3)");
        }
    }

    /**
     * No datastore type given: an etcd setting means etcd (calicoctl's datastore is etcd unless
     * told otherwise; writing to the embedded store instead would lose the user's resources
     * silently), nothing means the embedded store, and both kinds at once is ambiguous.
     */
    private static String impliedType(Map<String, String> s, String where, boolean file) {
        String etcd = ETCD_SETTINGS.stream().filter(k -> blank(s.get(k)) != null).findFirst().orElse(null);
        if (etcd == null) return "embedded";
        if (blank(s.get("OCELOT_DATA_DIR")) != null) {
            throw new IllegalArgumentException(where + ": both " + name("OCELOT_DATA_DIR", file) + " (the embedded store) and "
                    + name(etcd, file) + " (etcd) are set; set " + name("DATASTORE_TYPE", file) + " to embedded or etcdv3");
        }
        return "etcdv3";
    }

    /** A setting as the user wrote it: the spec field in a file, the variable in the environment. */
    private static String name(String env, boolean file) {
        if (!file) return env;
        return SPEC_TO_ENV.entrySet().stream().filter(e -> e.getValue().equals(env)).map(Map.Entry::getKey).findFirst().orElse(env);
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
