package ocelot.control.ipam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ocelot.control.datastore.DatastoreException;
import ocelot.control.resource.Cidr;

/** The stored JSON of blocks and handles; a damaged value is an error naming its key. */
final class IpamJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IpamJson() {
    }

    static String block(AllocationBlock b) {
        ObjectNode o = JSON.createObjectNode();
        o.put("cidr", b.cidr().toString());
        if (b.affinity() != null) o.put("affinity", "host:" + b.affinity());
        ArrayNode a = o.putArray("allocations");
        for (String h : b.allocations()) {
            if (h == null) a.addNull();
            else a.add(h);
        }
        return o.toString();
    }

    static AllocationBlock block(String key, String json) {
        try {
            JsonNode o = JSON.readTree(json);
            Cidr cidr = Cidr.parse(o.path("cidr").asText());
            String affinity = o.hasNonNull("affinity") ? o.get("affinity").asText() : null;
            if (affinity != null) {
                if (!affinity.startsWith("host:")) throw new IllegalArgumentException("affinity must be host:NODE");
                affinity = affinity.substring(5);
            }
            JsonNode a = o.get("allocations");
            if (a == null || !a.isArray()) throw new IllegalArgumentException("allocations missing");
            List<String> allocations = new ArrayList<>(a.size());
            for (JsonNode n : a) allocations.add(n.isNull() ? null : n.asText());
            return new AllocationBlock(cidr, affinity, Collections.unmodifiableList(allocations));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new DatastoreException("IPAM block at " + key + " is damaged: " + e.getMessage(), e);
        }
    }

    static String handle(IpamHandle h) {
        ObjectNode o = JSON.createObjectNode();
        o.put("handleID", h.handleId());
        ObjectNode blocks = o.putObject("block");
        h.blocks().forEach(blocks::put);
        ObjectNode attrs = o.putObject("attributes");
        h.attributes().forEach(attrs::put);
        return o.toString();
    }

    static IpamHandle handle(String key, String json) {
        try {
            JsonNode o = JSON.readTree(json);
            Map<String, Integer> blocks = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.path("block").fields(); it.hasNext(); ) {
                var e = it.next();
                blocks.put(e.getKey(), e.getValue().intValue());
            }
            Map<String, String> attrs = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = o.path("attributes").fields(); it.hasNext(); ) {
                var e = it.next();
                attrs.put(e.getKey(), e.getValue().asText());
            }
            String id = o.path("handleID").asText();
            if (id.isEmpty()) throw new IllegalArgumentException("handleID missing");
            return new IpamHandle(id, blocks, attrs);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new DatastoreException("IPAM handle at " + key + " is damaged: " + e.getMessage(), e);
        }
    }
}
