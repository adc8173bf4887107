package ocelot.control.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Reads one YAML/JSON mapping field by field, keeping the path for messages, and refuses the
 * fields nobody asked for ({@link #finish}): an unknown field is a typo that would otherwise be
 * dropped silently.
 */
final class FieldReader {
    private final JsonNode node;
    private final String path;
    private final String source;
    private final int document;
    private final Set<String> read = new LinkedHashSet<>();

    private FieldReader(JsonNode node, String path, String source, int document) {
        this.node = node;
        this.path = path;
        this.source = source;
        this.document = document;
    }

    static FieldReader of(JsonNode node, String path, String source, int document) {
        FieldReader r = new FieldReader(node, path, source, document);
        if (node == null || node.isNull()) return new FieldReader(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), path, source, document);
        if (!node.isObject()) throw r.fail(null, "must be a mapping, got " + describe(node));
        return r;
    }

    String path(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    ResourceException fail(String field, String problem) {
        return new ResourceException(source, document, field == null ? path : path(field), problem);
    }

    static String describe(JsonNode n) {
        if (n.isTextual()) return "the string '" + n.asText() + "'";
        if (n.isArray()) return "a list";
        if (n.isObject()) return "a mapping";
        if (n.isBoolean()) return "the boolean " + n.asText();
        if (n.isNumber()) return "the number " + n.asText();
        return n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    /** The raw value, or null when absent or explicitly null. */
    JsonNode raw(String field) {
        read.add(field);
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    String string(String field) {
        JsonNode v = raw(field);
        if (v == null) return null;
        if (!v.isTextual()) throw fail(field, "must be a string, got " + describe(v));
        return v.asText();
    }

    String requiredString(String field) {
        String s = string(field);
        if (s == null || s.isEmpty()) throw fail(field, "is required");
        return s;
    }

    Boolean bool(String field) {
        JsonNode v = raw(field);
        if (v == null) return null;
        if (!v.isBoolean()) throw fail(field, "must be true or false, got " + describe(v));
        return v.booleanValue();
    }

    Integer integer(String field, int min, int max) {
        JsonNode v = raw(field);
        if (v == null) return null;
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
            throw fail(field, "must be an integer in " + min + "-" + max + ", got " + describe(v));
        }
        return v.intValue();
    }

    BigDecimal decimal(String field) {
        JsonNode v = raw(field);
        if (v == null) return null;
        if (!v.isNumber()) throw fail(field, "must be a number, got " + describe(v));
        // One form per value (10, 10.0 and 1e1 are equal resources); printed plain, as 10.
        BigDecimal d = v.decimalValue();
        return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    }

    FieldReader object(String field) {
        JsonNode v = raw(field);
        return v == null ? null : of(v, path(field), source, document);
    }

    /** Each element of a list, converted by {@code element(node, path)}. */
    <T> List<T> list(String field, BiFunction<JsonNode, String, T> element) {
        JsonNode v = raw(field);
        if (v == null) return null;
        if (!v.isArray()) throw fail(field, "must be a list, got " + describe(v));
        List<T> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            String p = path(field) + "[" + i + "]";
            if (v.get(i).isNull()) throw new ResourceException(source, document, p, "must not be null");
            out.add(element.apply(v.get(i), p));
        }
        return List.copyOf(out);
    }

    List<String> strings(String field, BiFunction<String, String, String> check) {
        return list(field, (n, p) -> {
            if (!n.isTextual()) throw new ResourceException(source, document, p, "must be a string, got " + describe(n));
            return check.apply(n.asText(), p);
        });
    }

    /** A string-to-string map (labels); scalar values are taken as their text. */
    Map<String, String> labels(String field) {
        JsonNode v = raw(field);
        if (v == null) return null;
        if (!v.isObject()) throw fail(field, "must be a mapping of label names to values, got " + describe(v));
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = path(field) + "." + e.getKey();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new ResourceException(source, document, p, "label value must be a string, got " + describe(e.getValue()));
            }
            String problem = Identifiers.labelProblem(e.getKey(), e.getValue().asText());
            if (problem != null) throw new ResourceException(source, document, p, problem);
            out.put(e.getKey(), e.getValue().asText());
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** Refuses any field that was not read: unknown fields are errors, not silently dropped. */
    void finish() {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!read.contains(name)) {
                throw fail(name, "unknown field (expected one of: " + String.join(", ", read) + ")");
            }
        }
    }

    ResourceException failAt(String p, String problem) {
        return new ResourceException(source, document, p, problem);
    }
}
