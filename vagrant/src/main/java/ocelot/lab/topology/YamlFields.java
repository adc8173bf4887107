package ocelot.lab.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A YAML mapping read field by field, every error naming the file and the field's path
 * ({@code mesh.yaml: hosts[1].links[0].address: ...}); unknown fields are errors, so a typo
 * never silently means "default".
 */
final class YamlFields {
    private final String file;
    private final String path;
    private final Map<?, ?> map;

    private YamlFields(String file, String path, Map<?, ?> map) {
        this.file = file;
        this.path = path;
        this.map = map;
    }

    static YamlFields root(String file, Object document) {
        if (!(document instanceof Map<?, ?> m)) throw new TopologyException(file + ": the document must be a mapping");
        return new YamlFields(file, "", m);
    }

    TopologyException error(String field, String message) {
        return new TopologyException(file + ": " + at(field) + ": " + message);
    }

    private String at(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    void allowOnly(String... fields) {
        Set<String> allowed = Set.of(fields);
        for (Object key : map.keySet()) {
            if (!allowed.contains(String.valueOf(key))) {
                throw new TopologyException(file + ": " + at(String.valueOf(key)) + ": unknown field (known: "
                        + String.join(", ", fields) + ")");
            }
        }
    }

    String string(String field) {
        return optionalString(field).orElseThrow(() -> error(field, "required"));
    }

    Optional<String> optionalString(String field) {
        Object v = map.get(field);
        if (v == null) return Optional.empty();
        if (v instanceof Map || v instanceof List) throw error(field, "must be a plain value");
        return Optional.of(String.valueOf(v));
    }

    long number(String field) {
        return optionalNumber(field).orElseThrow(() -> error(field, "required"));
    }

    Optional<Long> optionalNumber(String field) {
        Object v = map.get(field);
        if (v == null) return Optional.empty();
        if (v instanceof Integer || v instanceof Long) return Optional.of(((Number) v).longValue());
        throw error(field, "must be a whole number, got '" + v + "'");
    }

    boolean flag(String field, boolean absent) {
        Object v = map.get(field);
        if (v == null) return absent;
        if (v instanceof Boolean b) return b;
        throw error(field, "must be true or false, got '" + v + "'");
    }

    /** YAML 1.1 reads a bare {@code off} as false: take it back as the word the user wrote. */
    String word(String field, String absent) {
        Object v = map.get(field);
        if (v == null) return absent;
        if (v instanceof Boolean b) return b ? "on" : "off";
        return optionalString(field).orElseThrow();
    }

    List<YamlFields> mappings(String field) {
        List<YamlFields> out = new ArrayList<>();
        List<?> items = list(field);
        for (int i = 0; i < items.size(); i++) {
            String itemPath = at(field) + "[" + i + "]";
            if (!(items.get(i) instanceof Map<?, ?> m)) throw new TopologyException(file + ": " + itemPath + ": must be a mapping");
            out.add(new YamlFields(file, itemPath, m));
        }
        return out;
    }

    List<String> strings(String field) {
        List<String> out = new ArrayList<>();
        List<?> items = list(field);
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (item == null || item instanceof Map || item instanceof List) {
                throw new TopologyException(file + ": " + at(field) + "[" + i + "]: must be a plain value");
            }
            out.add(String.valueOf(item));
        }
        return out;
    }

    private List<?> list(String field) {
        Object v = map.get(field);
        if (v == null) return List.of();
        if (!(v instanceof List<?> l)) throw error(field, "must be a list");
        return l;
    }
}
