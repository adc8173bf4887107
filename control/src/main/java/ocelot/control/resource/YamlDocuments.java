package ocelot.control.resource;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML stream (or JSON, which is YAML) as JSON trees, one per document, read as standard YAML
 * 1.1 (SnakeYAML's composer; scalars typed as Jackson's YAML reader types them, so
 * {@code yes}/{@code on} are booleans and an unquoted {@code 1.10} is a number): anchors and
 * aliases ({@code &a}/{@code *a}) resolved, merge keys ({@code <<: *a}, {@code <<: [*a, *b]};
 * keys written in the mapping win, then earlier merged mappings) applied, duplicate keys
 * refused. Aliased values are shared, not copied, and a document whose aliases would expand it
 * by more than {@link #MAX_ALIAS_EXPANSION} values (an "alias bomb") or that contains itself is
 * refused. Every error is one {@link ResourceException} reading {@code SOURCE: line L, column C:
 * plain words} (see {@link YamlSyntaxMessages}).
 *
 * <p>Text that starts with <code>{</code> or {@code [} is read as JSON first (so JSON indented
 * with tabs, which YAML forbids, is accepted); if it is not JSON it is read as YAML.
 */
public final class YamlDocuments {
    /** Values that aliases may add to one document beyond those written out. */
    public static final int MAX_ALIAS_EXPANSION = 1_000_000;
    private static final int MAX_CODE_POINTS = 64 << 20;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final String source;
    private final Map<Node, JsonNode> converted = new IdentityHashMap<>();
    private final Map<Node, Long> expandedSize = new IdentityHashMap<>();
    private final Map<Node, Boolean> inProgress = new IdentityHashMap<>();
    private long aliasExpansion;

    private YamlDocuments(String source) {
        this.source = source;
    }

    /** The documents of {@code text} in order; an empty document is a null entry. */
    public static List<JsonNode> read(String text, String source) {
        String start = text.stripLeading();
        if (start.startsWith("{") || start.startsWith("[")) {
            try {
                return json(text);
            } catch (JsonProcessingException e) {
                try {
                    return yaml(text, source);
                } catch (ResourceException yamlError) {
                    throw YamlSyntaxMessages.json(source, e);
                }
            }
        }
        return yaml(text, source);
    }

    private static List<JsonNode> json(String text) throws JsonProcessingException {
        List<JsonNode> out = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = JSON.readerFor(JsonNode.class).readValues(text)) {
            try {
                while (docs.hasNextValue()) out.add(docs.nextValue());
            } catch (NumberFormatException e) {
                // Jackson's BigDecimal parse refuses e.g. 3e3333333333333335 with a bare NumberFormatException
                // (found by ResourceCodecFuzzTest): a JSON error at the parser's place like any other.
                JsonParser p = docs.getParser();
                throw new JsonParseException(p, "number out of range (" + firstLine(e.getMessage()) + ")", p.currentLocation());
            }
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        } catch (RuntimeException e) {
            if (e.getCause() instanceof JsonProcessingException jpe) throw jpe;
            throw e;
        }
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) return "no detail";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static List<JsonNode> yaml(String text, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        // MAX_ALIAS_EXPANSION bounds what aliases cost; SnakeYAML's own count (50) would refuse
        // a file that reuses one anchored rule list in more than 50 policies.
        options.setMaxAliasesForCollections(Integer.MAX_VALUE);
        List<JsonNode> out = new ArrayList<>();
        try {
            for (Node document : new Yaml(options).composeAll(new StringReader(text))) {
                out.add(document == null ? null : new YamlDocuments(source).convert(document));
            }
        } catch (YAMLException e) {
            throw YamlSyntaxMessages.yaml(source, text, e);
        } catch (IllegalArgumentException e) {
            // SnakeYAML's node constructors check some values (a tag with a %-escaped space) with
            // IllegalArgumentException and no position; found by ResourceCodecFuzzTest.
            throw new ResourceException(source, 0, null, "invalid YAML: " + e.getMessage());
        }
        return out;
    }

    private JsonNode convert(Node node) {
        JsonNode done = converted.get(node);
        if (done != null) {
            // A second use of a node is an alias: it shares the tree and counts its full size.
            aliasExpansion += size(node);
            if (aliasExpansion > MAX_ALIAS_EXPANSION) {
                throw at(node, "aliases of " + anchor(node) + " expand this document past " + MAX_ALIAS_EXPANSION
                        + " values (an alias bomb?); write the values out or use fewer aliases");
            }
            return done;
        }
        if (inProgress.put(node, Boolean.TRUE) != null) {
            throw at(node, "an alias of " + anchor(node) + " is used inside the value it names, which would never end");
        }
        JsonNode result = switch (node) {
            case ScalarNode s -> scalar(s);
            case SequenceNode s -> {
                var array = NODES.arrayNode();
                for (Node item : s.getValue()) array.add(convert(item));
                yield array;
            }
            case MappingNode m -> mapping(m);
            default -> throw at(node, "unsupported YAML node " + node.getNodeId());
        };
        inProgress.remove(node);
        converted.put(node, result);
        return result;
    }

    private static String anchor(Node node) {
        return node.getAnchor() == null ? "the value here" : "&" + node.getAnchor();
    }

    /** Values in the node with its aliases expanded, counted once per distinct node. */
    private long size(Node node) {
        Long known = expandedSize.get(node);
        if (known != null) return known;
        long n = 1;
        if (node instanceof SequenceNode s) {
            for (Node item : s.getValue()) n += size(item);
        } else if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) n += size(t.getValueNode());
        }
        n = Math.min(n, Long.MAX_VALUE / 4);
        expandedSize.put(node, n);
        return n;
    }

    private JsonNode mapping(MappingNode m) {
        Map<String, JsonNode> explicit = new LinkedHashMap<>();
        Map<String, Node> keyNodes = new HashMap<>();
        List<ObjectNode> merged = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            Node keyNode = t.getKeyNode();
            if (!(keyNode instanceof ScalarNode key)) {
                throw at(keyNode, "a key must be a plain value, not a list or a mapping");
            }
            if (key.getTag().equals(Tag.MERGE)) {
                merged.addAll(mergeSources(t.getValueNode()));
                continue;
            }
            Node first = keyNodes.putIfAbsent(key.getValue(), key);
            if (first != null) {
                throw at(key, "duplicate key '" + key.getValue() + "' (already set at line "
                        + (first.getStartMark().getLine() + 1) + ")");
            }
            explicit.put(key.getValue(), convert(t.getValueNode()));
        }
        ObjectNode out = NODES.objectNode();
        // YAML's merge: keys written here win, then the first merged mapping that has the key.
        for (ObjectNode source : merged) {
            source.properties().forEach(e -> {
                if (!explicit.containsKey(e.getKey()) && !out.has(e.getKey())) out.set(e.getKey(), e.getValue());
            });
        }
        explicit.forEach(out::set);
        return out;
    }

    private List<ObjectNode> mergeSources(Node value) {
        List<ObjectNode> out = new ArrayList<>();
        if (value instanceof SequenceNode s) {
            for (Node item : s.getValue()) out.add(mergeSource(item));
        } else {
            out.add(mergeSource(value));
        }
        return out;
    }

    private ObjectNode mergeSource(Node value) {
        if (!(value instanceof MappingNode)) {
            throw at(value, "the merge key '<<' takes a mapping or a list of mappings (such as *anchor)");
        }
        return (ObjectNode) convert(value);
    }

    private JsonNode scalar(ScalarNode s) {
        String v = s.getValue();
        Tag tag = s.getTag();
        if (tag.equals(Tag.NULL)) return NODES.nullNode();
        if (tag.equals(Tag.BOOL)) {
            Boolean b = bool(v);
            return b == null ? NODES.textNode(v) : NODES.booleanNode(b);
        }
        if (tag.equals(Tag.INT)) return integer(v);
        if (tag.equals(Tag.FLOAT)) return decimal(v);
        // Strings, and as Jackson reads them, timestamps, binary and custom tags: their text.
        return NODES.textNode(v);
    }

    /** The words Jackson's YAML reader takes as booleans (YAML 1.1's, plus y/n when tagged). */
    private static Boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "y" -> Boolean.TRUE;
            case "false", "no", "off", "n" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** YAML 1.1 integers: sign, underscores, 0b binary, 0x hex, leading-0 octal; 1:20 stays text. */
    private static JsonNode integer(String v) {
        String s = v.replace("_", "");
        boolean negative = s.startsWith("-");
        String digits = s.startsWith("-") || s.startsWith("+") ? s.substring(1) : s;
        BigInteger value;
        try {
            if (digits.contains(":")) return NODES.textNode(v);
            if (digits.equals("0")) value = BigInteger.ZERO;
            else if (digits.startsWith("0b")) value = new BigInteger(digits.substring(2), 2);
            else if (digits.startsWith("0x")) value = new BigInteger(digits.substring(2), 16);
            else if (digits.startsWith("0")) value = new BigInteger(digits.substring(1), 8);
            else value = new BigInteger(digits);
        } catch (NumberFormatException e) {
            return NODES.textNode(v);
        }
        if (negative) value = value.negate();
        if (value.bitLength() < 32) return NODES.numberNode(value.intValue());
        if (value.bitLength() < 64) return NODES.numberNode(value.longValue());
        return NODES.numberNode(value);
    }

    /** A decimal as the JSON reader keeps one (trailing zeros stripped); .inf/.nan stay text. */
    private static JsonNode decimal(String v) {
        try {
            BigDecimal d = new BigDecimal(v.replace("_", ""));
            return NODES.numberNode(d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros());
        } catch (NumberFormatException e) {
            return NODES.textNode(v);
        }
    }

    private ResourceException at(Node node, String problem) {
        return YamlSyntaxMessages.at(source, node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1, problem);
    }
}
