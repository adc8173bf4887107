package ocelot.control.resource;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes v1 resources as YAML or JSON. Input may be a stream of documents, a
 * {@code kind: <kind>List} with {@code items}, or a sequence of resources (what {@code get -o
 * yaml} prints for several); {@link YamlDocuments} reads both, as standard YAML (aliases, merge
 * keys). A syntax error names the source, line and column; a resource error the source, the
 * 1-based document and the field path; a file with any error yields no resources at all.
 */
public final class ResourceCodec {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build())
            // Decimals are kept with trailing zeros stripped (10.0 is 1E+1): print them as Calico does, 10.
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private ResourceCodec() {
    }

    /** Every resource in {@code text}; {@code source} names it in errors (a file name, "stdin"). */
    public static List<Resource> parse(String text, String source) {
        List<JsonNode> documents = YamlDocuments.read(text, source);
        List<Resource> out = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            JsonNode doc = documents.get(i);
            // An empty document (a trailing "---") reads as null.
            if (doc == null || doc.isNull() || doc.isMissingNode() || (doc.isTextual() && doc.asText().isBlank())) continue;
            readDocument(doc, source, i + 1, out);
        }
        if (out.isEmpty()) throw new ResourceException(source, 0, null, "no resources found");
        return List.copyOf(out);
    }

    private static void readDocument(JsonNode doc, String source, int document, List<Resource> out) {
        if (doc.isArray()) {
            for (int i = 0; i < doc.size(); i++) out.add(readOne(doc.get(i), "[" + i + "]", source, document, null));
            return;
        }
        if (!doc.isObject()) {
            throw new ResourceException(source, document, null, "expected a resource mapping, got " + FieldReader.describe(doc));
        }
        JsonNode kindNode = doc.get("kind");
        String kind = kindNode != null && kindNode.isTextual() ? kindNode.asText() : null;
        if (kind != null && kind.endsWith("List")) {
            Kind element = kind(source, document, "", kind.substring(0, kind.length() - 4), true);
            FieldReader list = FieldReader.of(doc, "", source, document);
            apiVersion(list);
            list.string("kind");
            list.object("metadata");
            JsonNode items = list.raw("items");
            list.finish();
            if (items == null || !items.isArray()) throw list.fail("items", "a " + kind + " needs a list of items");
            for (int i = 0; i < items.size(); i++) out.add(readOne(items.get(i), "items[" + i + "]", source, document, element));
            return;
        }
        out.add(readOne(doc, "", source, document, null));
    }

    private static Resource readOne(JsonNode node, String path, String source, int document, Kind listKind) {
        FieldReader top = FieldReader.of(node, path, source, document);
        if (listKind == null || top.raw("apiVersion") != null) apiVersion(top);
        String kindText = top.string("kind");
        Kind kind;
        if (kindText == null) {
            if (listKind == null) throw top.fail("kind", "is required (one of " + Kind.yamlNames() + ")");
            kind = listKind;
        } else {
            kind = kind(source, document, top.path("kind"), kindText, false);
            if (listKind != null && kind != listKind) {
                throw top.fail("kind", "a " + listKind.listName() + " holds only " + listKind.yamlName() + " items, got " + kindText);
            }
        }
        return new ResourceReader(source, document).read(kind, top);
    }

    private static void apiVersion(FieldReader top) {
        String v = top.string("apiVersion");
        if (v == null) throw top.fail("apiVersion", "is required (v1)");
        if (!v.equals("v1")) throw top.fail("apiVersion", "must be v1 (the Calico v1 resource format), got '" + v + "'");
    }

    private static Kind kind(String source, int document, String path, String text, boolean list) {
        return Kind.fromYaml(text).orElseThrow(() -> {
            String hint = Kind.fromCommandLine(text).map(k -> " (did you mean " + k.yamlName() + "?)").orElse("");
            return new ResourceException(source, document, path.isEmpty() ? "kind" : path,
                    "unknown kind '" + text + (list ? "List" : "") + "'" + hint + "; known kinds: " + Kind.yamlNames());
        });
    }

    public static JsonNode toTree(Resource r) {
        return ResourceWriter.write(r);
    }

    /** One resource prints as a document; several (or none) as a sequence, as calicoctl does. */
    public static String toYaml(List<? extends Resource> resources) {
        try {
            return YAML.writeValueAsString(tree(resources));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render YAML", e);
        }
    }

    public static String toJson(List<? extends Resource> resources) {
        try {
            // Go's json.MarshalIndent layout, as calicoctl prints: "key": value, arrays one item per line.
            var printer = new com.fasterxml.jackson.core.util.DefaultPrettyPrinter()
                    .withSeparators(com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER));
            printer.indentArraysWith(com.fasterxml.jackson.core.util.DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
            return JSON.writer(printer).writeValueAsString(tree(resources)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    private static JsonNode tree(List<? extends Resource> resources) {
        if (resources.size() == 1) return toTree(resources.getFirst());
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        resources.forEach(r -> a.add(toTree(r)));
        return a;
    }

    /** The datastore value: compact JSON of the v1 document. */
    public static String toStored(Resource r) {
        try {
            return JSON.writeValueAsString(toTree(r));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON", e);
        }
    }

    /** Reads a stored value back; a damaged value is reported with its key, never guessed at. */
    public static Resource fromStored(String datastoreKey, String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ResourceException("datastore key " + datastoreKey, 0, null, "stored value is not JSON: "
                    + e.getOriginalMessage());
        } catch (NumberFormatException e) {
            // Jackson's BigDecimal parse refuses e.g. 3e3333333333333335 without a JsonProcessingException
            throw new ResourceException("datastore key " + datastoreKey, 0, null, "stored value holds a number out of range");
        }
        return readOne(node, "", "datastore key " + datastoreKey, 0, null);
    }
}
