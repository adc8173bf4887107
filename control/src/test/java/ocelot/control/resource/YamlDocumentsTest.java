package ocelot.control.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Standard YAML as {@link YamlDocuments} reads it, and its errors in plain words with line and column. */
class YamlDocumentsTest {

    private static JsonNode one(String yaml) {
        List<JsonNode> docs = YamlDocuments.read(yaml, "f.yaml");
        assertEquals(1, docs.size());
        return docs.getFirst();
    }

    @Test
    void anchorsAndAliasesAreResolvedAndShared() {
        String yaml = """
                - apiVersion: v1
                  kind: policy
                  metadata: {name: a}
                  spec:
                    selector: role == 'db'
                    ingress: &from-frontend
                    - action: allow
                      protocol: tcp
                      source: {selector: role == 'frontend'}
                    egress: &open
                    - action: allow
                - apiVersion: v1
                  kind: policy
                  metadata: {name: b}
                  spec:
                    selector: role == 'cache'
                    ingress: *from-frontend
                    egress: *open
                """;
        JsonNode doc = one(yaml);
        assertSame(doc.get(0).get("spec").get("ingress"), doc.get(1).get("spec").get("ingress"));
        List<Resource> r = ResourceCodec.parse(yaml, "f.yaml");
        Policy a = (Policy) r.get(0);
        Policy b = (Policy) r.get(1);
        assertEquals(a.ingress(), b.ingress());
        assertEquals("role == 'frontend'", b.ingress().getFirst().source().selector());
        assertEquals(a.egress(), b.egress());
    }

    @Test
    void mergeKeysTakeWrittenKeysFirstThenEarlierMappings() {
        JsonNode doc = one("""
                base: &base {interfaceName: eth0, node: n1}
                other: &other {node: n2, profile: p}
                plain: {<<: *base, node: n3}
                list: {<<: [*base, *other], name: x}
                inline:
                  <<: {a: 1}
                  b: 2
                """);
        assertEquals("{\"interfaceName\":\"eth0\",\"node\":\"n3\"}", doc.get("plain").toString());
        assertEquals("eth0", doc.get("list").get("interfaceName").asText());
        assertEquals("n1", doc.get("list").get("node").asText(), "the first merged mapping wins over later ones");
        assertEquals("p", doc.get("list").get("profile").asText());
        assertEquals("x", doc.get("list").get("name").asText());
        assertEquals("{\"a\":1,\"b\":2}", doc.get("inline").toString());
        // A merge key that is quoted is an ordinary key.
        assertEquals("x", one("'<<': x\n").get("<<").asText());
    }

    @Test
    void mergedHostEndpointIsAValidResource() {
        List<Resource> r = ResourceCodec.parse("""
                apiVersion: v1
                kind: hostEndpointList
                items:
                - &eth0
                  apiVersion: v1
                  kind: hostEndpoint
                  metadata: {name: eth0, node: host1, labels: {role: ingress}}
                  spec: {interfaceName: eth0, expectedIPs: [10.0.0.1]}
                - <<: *eth0
                  metadata: {name: eth0, node: host2, labels: {role: ingress}}
                """, "f.yaml");
        HostEndpoint second = (HostEndpoint) r.get(1);
        assertEquals("host2", second.node());
        assertEquals("eth0", second.interfaceName());
    }

    @Test
    void anAliasBombIsRefusedQuicklyNamingTheAnchor() {
        StringBuilder b = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 10; i++) {
            b.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) b.append(j > 0 ? ", " : "").append("*a").append(i - 1);
            b.append("]\n");
        }
        ResourceException e = assertThrows(ResourceException.class, () -> YamlDocuments.read(b.toString(), "bomb.yaml"));
        assertEquals("bomb.yaml: line 5, column 5: aliases of &a4 expand this document past 1000000 values "
                + "(an alias bomb?); write the values out or use fewer aliases", e.getMessage());
        // The same shape below the limit is read (as shared trees, not copies).
        JsonNode small = one(b.substring(0, b.indexOf("a4:")));
        assertEquals(10, small.get("a3").get(9).get(9).size());
    }

    @Test
    void scalarsAreTypedAsBeforeAndEmptyValuesAreNull() {
        JsonNode doc = one("""
                int: 64512
                hex: 0x1F
                octal: 017
                under: 1_000
                decimal: 1.10
                big: 4294967296
                yes: on
                quoted: 'on'
                time: 1:20
                nothing:
                tilde: ~
                date: 2001-12-14
                """);
        assertEquals(64512, doc.get("int").intValue());
        assertEquals(31, doc.get("hex").intValue());
        assertEquals(15, doc.get("octal").intValue());
        assertEquals(1000, doc.get("under").intValue());
        assertEquals("1.1", doc.get("decimal").decimalValue().toPlainString());
        assertEquals(4294967296L, doc.get("big").longValue());
        assertEquals(true, doc.get("yes").booleanValue(), "a key is its text; a plain on is a boolean");
        assertEquals("on", doc.get("quoted").textValue());
        assertEquals("1:20", doc.get("time").textValue());
        assertEquals(true, doc.get("nothing").isNull());
        assertEquals(true, doc.get("tilde").isNull());
        assertEquals("2001-12-14", doc.get("date").textValue());
    }

    @Test
    void jsonIndentedWithTabsIsRead() {
        JsonNode doc = one("{\n\t\"apiVersion\": \"v1\",\n\t\"items\": [1,\n\t\t2]\n}\n");
        assertEquals(2, doc.get("items").get(1).intValue());
    }

    /** Every syntax error: the file, line and column, then what is wrong in plain words. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            a:\\n\\tb: 1                          | f.yaml: line 2, column 1: a tab character: YAML indents (and separates a value from its key) with spaces only; replace the tab with spaces
            a: 1\\nb:\\t2                         | f.yaml: line 2, column 3: a tab character: YAML indents (and separates a value from its key) with spaces only; replace the tab with spaces
            a:\\n  b: 1\\n c: 2                   | f.yaml: line 3, column 2: this line does not line up with the mapping that starts at line 1, column 1: the keys of one mapping start in the same column
            a:\\n  b: 1\\n    c: 2                | f.yaml: line 3, column 6: a ':' that starts a 'key: value' cannot be here: check this line's indentation, or quote a value that contains ': '
            a:\\n  - x\\n  y: 1                   | f.yaml: line 3, column 3: this line does not line up with the list that starts at line 2, column 3: the items ('- ') of one list start in the same column
            a: 1\\nb\\nc: 2                       | f.yaml: line 2, column 1: this line has no ':' (expected 'key: value' like the lines around it)
            a: 'abc\\nb: 2                        | f.yaml: line 1, column 4: this quoted string is never closed (no ' after it before the end of the file)
            a: "abc\\nb: 2                        | f.yaml: line 1, column 4: this quoted string is never closed (no " after it before the end of the file)
            a: 'abc\\n---\\nb: 1                  | f.yaml: line 1, column 4: this quoted string is never closed (no ' after it before the next '---')
            a: 'x' y                             | f.yaml: line 1, column 8: more text after a complete value (a quoted string or a list ends it): quote the whole value
            a: 1\\nb: 2\\na: 3                    | f.yaml: line 3, column 1: duplicate key 'a' (already set at line 1)
            metadata: {name: n1, name: n2}       | f.yaml: line 1, column 22: duplicate key 'name' (already set at line 1)
            a: [1, 2\\nb: 3                       | f.yaml: line 2, column 2: the list opened with '[' at line 1, column 4 needs a ',' between items and a closing ']'
            a: {x: 1                             | f.yaml: line 1, column 9: the mapping opened with '{' at line 1, column 4 needs a ',' between entries and a closing '}'
            k: [a, b]]                           | f.yaml: line 1, column 10: a ']' that closes nothing opened before it
            a: *x                                | f.yaml: line 1, column 4: *x refers to no anchor: write &x on a value before it in the same document
            x: &a [*a]                           | f.yaml: line 1, column 4: an alias of &a is used inside the value it names, which would never end
            b: {<<: [1]}                         | f.yaml: line 1, column 10: the merge key '<<' takes a mapping or a list of mappings (such as *anchor)
            a: @x                                | f.yaml: line 1, column 4: '@' cannot start a value in YAML: put the value in quotes
            a: "\\q"                             | f.yaml: line 1, column 6: unknown escape sequence in a double-quoted string: write \\\\ for a backslash, or put the value in single quotes
            a: [b,                              | f.yaml: line 1, column 7: the file ends where a value was expected: is a '[' or '{' above not closed?
            ? [a]\\n: 1                          | f.yaml: line 1, column 3: a key must be a plain value, not a list or a mapping
            {\\n\\t"a": 1,\\n\\t"a": 2\\n}        | f.yaml: line 3, column 5: invalid JSON: duplicate key 'a'
            """)
    void syntaxErrorsNameLineAndColumnInPlainWords(String yaml, String expected) {
        ResourceException e = assertThrows(ResourceException.class,
                () -> YamlDocuments.read(yaml.replace("\\n", "\n").replace("\\t", "\t"), "f.yaml"));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void aControlCharacterIsPlacedToo() {
        ResourceException e = assertThrows(ResourceException.class, () -> YamlDocuments.read("a: 1\nb: x\u0007\n", "f.yaml"));
        assertEquals("f.yaml: line 2, column 5: character U+0007 is not allowed in YAML (a control character?)", e.getMessage());
    }

    @Test
    void aTagSnakeYamlRefusesIsAnErrorNamingTheFile() {
        // Found by ResourceCodecFuzzTest: a %-escaped space in a tag made SnakeYAML throw
        // IllegalArgumentException ("Tag must not contain leading or trailing spaces"), not a YAMLException.
        for (String text : List.of("!<%20x> y\n", "a: !<x%20> 1\n")) {
            ResourceException e = assertThrows(ResourceException.class, () -> YamlDocuments.read(text, "tag.yaml"), text);
            assertTrue(e.getMessage().startsWith("tag.yaml: "), e.getMessage());
        }
    }
}
