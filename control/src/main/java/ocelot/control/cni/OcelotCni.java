package ocelot.control.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ocelot.control.datastore.Datastore;
import ocelot.control.datastore.DatastoreException;
import ocelot.control.datastore.ResourceStore;
import ocelot.control.ipam.IpamException;
import ocelot.control.node.WorkloadAttachClient;
import ocelot.control.resource.ResourceException;

/**
 * {@code ocelot-cni}: a CNI plugin (spec 1.0.0, also 0.3.x/0.4.0 results) for Ocelot. The runtime
 * runs it with CNI_COMMAND, CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME, CNI_ARGS, CNI_PATH in the
 * environment and the network configuration ({@link NetConf}) on stdin; it prints one result or
 * error JSON on stdout and exits 0 or 1.
 *
 * <ul>
 *   <li>ADD: assign from this node's IPAM blocks (handle NETWORK.CONTAINERID), ask the node to
 *       attach the interface (RUNDIR/cni.sock), write the workloadEndpoint, print the result.</li>
 *   <li>DEL: delete the endpoint, detach, release the handle's addresses; nothing there is fine.</li>
 *   <li>CHECK: the endpoint exists, IPAM holds its addresses for this container, the interface in
 *       the namespace carries them, and they match prevResult.</li>
 *   <li>VERSION: the supported versions.</li>
 * </ul>
 *
 * Endpoint identity is Calico v1's: orchestrator {@code k8s} and workload NAMESPACE.POD when
 * CNI_ARGS carries K8S_POD_NAMESPACE and K8S_POD_NAME (podman passes them too), else orchestrator
 * {@code cni} and workload CONTAINERID; the endpoint's name is the interface name.
 */
public final class OcelotCni {
    static final List<String> SUPPORTED_VERSIONS = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0");
    static final String DEFAULT_VERSION = "1.0.0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OcelotCni() {
    }

    public static void main(String[] args) throws IOException {
        byte[] stdin = System.in.readAllBytes();
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        int code = run(System.getenv(), stdin, out);
        out.flush();
        System.exit(code);
    }

    /** Runs one CNI command; returns the exit code (0 success, 1 error printed on {@code out}). */
    public static int run(Map<String, String> env, byte[] stdin, PrintStream out) {
        String version = DEFAULT_VERSION;
        try {
            String command = env.get("CNI_COMMAND");
            if (command == null || command.isBlank()) {
                throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_COMMAND is not set (expected ADD, DEL, CHECK or VERSION)", null);
            }
            if (command.equals("VERSION")) {
                version = requestedVersion(stdin);
                print(out, versionResult(version));
                return 0;
            }
            JsonNode root = NetConf.readTree(stdin);
            NetConf conf = NetConf.parse(root);
            version = conf.cniVersion();
            if (!SUPPORTED_VERSIONS.contains(version)) {
                String asked = version;
                version = DEFAULT_VERSION;
                throw new CniError(CniError.INCOMPATIBLE_VERSION, "cniVersion " + asked + " is not supported",
                        "supported: " + String.join(", ", SUPPORTED_VERSIONS));
            }
            CniRequest req = CniRequest.of(command, env, conf);
            try (Datastore store = conf.datastore().open()) {
                var wiring = new WorkloadWiring(new ResourceStore(store), WorkloadAttachClient.forRunDir(conf.nodeRunDir()));
                ObjectNode result = switch (command) {
                    case "ADD" -> CniCommands.add(wiring, req);
                    case "DEL" -> CniCommands.del(wiring, req);
                    case "CHECK" -> CniCommands.check(wiring, req);
                    default -> throw new IllegalStateException(command);
                };
                if (result != null) print(out, result);
            }
            return 0;
        } catch (CniError e) {
            print(out, e.toJson(version));
        } catch (RuntimeException e) {
            print(out, translate(e).toJson(version));
        }
        return 1;
    }

    /** Failures from the layers below, as CNI error codes with the layer's own one-line message. */
    static CniError translate(RuntimeException e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' ').strip();
        if (e instanceof DatastoreException) return new CniError(CniError.TRY_AGAIN_LATER, "datastore: " + msg, null);
        if (e instanceof IpamException) return new CniError(CniError.PLUGIN_FAILURE, "IPAM: " + msg, null);
        if (e instanceof ResourceException || e instanceof IllegalArgumentException) {
            return new CniError(CniError.INVALID_NETWORK_CONFIG, msg, null);
        }
        return new CniError(CniError.PLUGIN_FAILURE, "unexpected error: " + msg, null);
    }

    private static String requestedVersion(byte[] stdin) {
        if (new String(stdin, StandardCharsets.UTF_8).isBlank()) return DEFAULT_VERSION;
        JsonNode v = NetConf.readTree(stdin).get("cniVersion");
        return v != null && v.isTextual() ? v.asText() : DEFAULT_VERSION;
    }

    static ObjectNode versionResult(String version) {
        ObjectNode o = JSON.createObjectNode();
        o.put("cniVersion", version);
        SUPPORTED_VERSIONS.forEach(o.putArray("supportedVersions")::add);
        return o;
    }

    private static void print(PrintStream out, JsonNode json) {
        try {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    /** CNI_ARGS: "K1=V1;K2=V2" (spec 1.0 "Parameters"). */
    static Map<String, String> parseArgs(String args) {
        Map<String, String> out = new HashMap<>();
        if (args == null || args.isBlank()) return out;
        for (String pair : args.split(";")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            if (eq <= 0) throw new CniError(CniError.INVALID_ENVIRONMENT, "CNI_ARGS: '" + pair + "' is not KEY=VALUE", "CNI_ARGS=" + args);
            out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }
}
