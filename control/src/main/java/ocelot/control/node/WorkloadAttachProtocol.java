package ocelot.control.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The node's workload-attach protocol on {@code RUNDIR/cni.sock} (Calico-VPP's CNI server role:
 * the CNI plugin is a thin client of the node, which owns the dataplane's ports). One JSON object
 * per line each way:
 *
 * <pre>
 * → {"op":"attach","containerId":"c1","netns":"/var/run/netns/w1","ifName":"eth0",
 *    "hostIfName":"cali0123456789a","addresses":["10.65.0.2/32"]}
 * ← {"ok":true,"mac":"aa:bb:cc:dd:ee:ff"}        the MAC of ifName inside the namespace
 * → {"op":"detach","hostIfName":"cali0123456789a"}
 * ← {"ok":true}                                    also when the port was already gone
 * ← {"ok":false,"error":"what failed, naming it"}  any failure; nothing half-created is left
 * </pre>
 */
public final class WorkloadAttachProtocol {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Linux IFNAMSIZ is 16 with the NUL: 15 characters, no '/', ':' or whitespace. */
    private static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    private WorkloadAttachProtocol() {}

    /** A request: {@link Attach} or {@link Detach}. */
    public sealed interface Request permits Attach, Detach {}

    /** Create the workload port named hostIfName, move it into netns as ifName with these addresses (each a /32 or /128). */
    public record Attach(String containerId, String netns, String ifName, String hostIfName, List<String> addresses) implements Request {
        public Attach {
            require(containerId != null && !containerId.isBlank(), "containerId missing");
            require(netns != null && netns.startsWith("/"), "netns must be an absolute path, got " + netns);
            checkInterfaceName("ifName", ifName);
            checkInterfaceName("hostIfName", hostIfName);
            require(addresses != null && !addresses.isEmpty(), "addresses missing (at least one a.b.c.d/32)");
            for (String a : addresses) require(a != null && a.contains("/"), "address '" + a + "' needs a prefix length (a.b.c.d/32)");
            addresses = List.copyOf(addresses);
        }
    }

    /** Remove the workload port hostIfName (its TAP disappears with it). */
    public record Detach(String hostIfName) implements Request {
        public Detach {
            checkInterfaceName("hostIfName", hostIfName);
        }
    }

    /** A reply: ok with the workload interface's MAC (attach) or null (detach), or an error text. */
    public record Reply(boolean ok, String mac, String error) {
        public static Reply attached(String mac) { return new Reply(true, mac, null); }

        public static Reply done() { return new Reply(true, null, null); }

        public static Reply failed(String error) { return new Reply(false, null, error); }
    }

    static void checkInterfaceName(String field, String name) {
        require(name != null && INTERFACE_NAME.matcher(name).matches(),
                field + " '" + name + "' is not an interface name (1-15 of A-Z a-z 0-9 _ . -)");
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    public static String encode(Request request) {
        ObjectNode o = JSON.createObjectNode();
        switch (request) {
            case Attach a -> {
                o.put("op", "attach").put("containerId", a.containerId()).put("netns", a.netns()).put("ifName", a.ifName())
                        .put("hostIfName", a.hostIfName());
                ArrayNode list = o.putArray("addresses");
                a.addresses().forEach(list::add);
            }
            case Detach d -> o.put("op", "detach").put("hostIfName", d.hostIfName());
        }
        return o.toString();
    }

    /** Parses one request line; IllegalArgumentException names the field that is wrong. */
    public static Request decodeRequest(String line) {
        JsonNode o = tree(line, "request");
        String op = text(o, "op");
        return switch (op == null ? "" : op) {
            case "attach" -> {
                List<String> addresses = new ArrayList<>();
                JsonNode list = o.get("addresses");
                if (list != null && !list.isArray()) throw new IllegalArgumentException("addresses must be a list of strings");
                if (list != null) for (JsonNode a : list) addresses.add(a.isTextual() ? a.asText() : a.toString());
                yield new Attach(text(o, "containerId"), text(o, "netns"), text(o, "ifName"), text(o, "hostIfName"), addresses);
            }
            case "detach" -> new Detach(text(o, "hostIfName"));
            default -> throw new IllegalArgumentException("op must be attach or detach, got " + (op == null ? "nothing" : "'" + op + "'"));
        };
    }

    public static String encode(Reply reply) {
        ObjectNode o = JSON.createObjectNode().put("ok", reply.ok());
        if (reply.mac() != null) o.put("mac", reply.mac());
        if (reply.error() != null) o.put("error", reply.error());
        return o.toString();
    }

    public static Reply decodeReply(String line) {
        JsonNode o = tree(line, "reply");
        JsonNode ok = o.get("ok");
        if (ok == null || !ok.isBoolean()) throw new IllegalArgumentException("reply without a boolean 'ok': " + line);
        return new Reply(ok.asBoolean(), text(o, "mac"), text(o, "error"));
    }

    private static JsonNode tree(String line, String what) {
        try {
            JsonNode o = JSON.readTree(line);
            if (o == null || !o.isObject()) throw new IllegalArgumentException(what + " is not a JSON object: " + line);
            return o;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
