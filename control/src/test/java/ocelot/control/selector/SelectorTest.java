package ocelot.control.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SelectorTest {
    private static final Map<String, String> DB = Map.of("role", "db", "tier", "backend", "env", "prod-eu", "quote", "a\"b");
    private static final Map<String, String> WEB = Map.of("role", "web", "env", "staging");
    private static final Map<String, String> NONE = Map.of();

    private static boolean m(String selector, Map<String, String> labels) {
        return Selector.parse(selector).matches(labels);
    }

    @Test
    void everyOperatorFollowsCalicoSemantics() {
        assertTrue(m("role == \"db\"", DB));
        assertFalse(m("role == \"db\"", WEB));
        assertFalse(m("role == \"db\"", NONE));
        // != and "not in" match when the label is absent (Calico LabelNeNode / LabelNotInSetNode).
        assertTrue(m("role != \"db\"", WEB));
        assertTrue(m("role != \"db\"", NONE));
        assertFalse(m("role != \"db\"", DB));
        assertTrue(m("has(tier)", DB));
        assertFalse(m("has(tier)", WEB));
        assertTrue(m("!has(tier)", WEB));
        assertTrue(m("role in {\"db\", \"cache\"}", DB));
        assertFalse(m("role in {\"db\", \"cache\"}", WEB));
        assertFalse(m("role in {\"db\"}", NONE));
        assertFalse(m("role in {}", DB));
        assertTrue(m("role not in {\"db\", \"cache\"}", WEB));
        assertTrue(m("role not in {\"db\"}", NONE));
        assertFalse(m("role not in {\"db\"}", DB));
        assertTrue(m("role not in {}", DB));
        assertTrue(m("env contains \"od-e\"", DB));
        assertFalse(m("env contains \"x\"", DB));
        assertFalse(m("env contains \"\"", NONE));
        assertTrue(m("env starts with \"prod\"", DB));
        assertTrue(m("env startswith \"prod\"", DB));
        assertFalse(m("env starts with \"stag\"", DB));
        assertFalse(m("env starts with \"\"", NONE));
        assertTrue(m("env ends with \"-eu\"", DB));
        assertTrue(m("env endswith \"-eu\"", DB));
        assertFalse(m("env ends with \"ing\"", DB));
        assertTrue(m("all()", NONE));
        assertTrue(m("global()", DB));
        assertTrue(m("", NONE));
        assertTrue(m("   \t", WEB));
        assertTrue(Selector.parse("  ").isAll());
        assertTrue(m("!all()", DB) == false);
    }

    @Test
    void quotingBothStylesAndValuesHoldingTheOtherQuote() {
        assertTrue(m("role == 'db'", DB));
        assertTrue(m("quote == 'a\"b'", DB));
        assertEquals(Selector.parse("role == 'db'"), Selector.parse("role == \"db\""));
        Selector quoted = Selector.parse("quote == 'a\"b'");
        assertEquals("quote == 'a\"b'", quoted.toString());
        assertEquals(quoted, Selector.parse(quoted.toString()));
        assertTrue(m("role in {'db', \"x\"}", DB));
        assertTrue(m("k == \"it's\"", Map.of("k", "it's")));
        assertTrue(m("k == \"\"", Map.of("k", "")));
        assertTrue(m("k == \" spaced && || () \"", Map.of("k", " spaced && || () ")));
    }

    @Test
    void labelKeysTakeCalicoCharacters() {
        assertTrue(m("projectcalico.org/namespace == \"x\"", Map.of("projectcalico.org/namespace", "x")));
        assertTrue(m("has(a_b-c.d/e9)", Map.of("a_b-c.d/e9", "")));
        assertTrue(m("9lives == \"y\"", Map.of("9lives", "y")));
        // Keywords are ordinary keys where a key is expected.
        assertTrue(m("in == \"x\" && has == \"y\" && contains in {\"z\"}",
                Map.of("in", "x", "has", "y", "contains", "z")));
    }

    @Test
    void andBindsTighterThanOrAndNotTighterThanBoth() {
        Map<String, String> a = Map.of("a", "1");
        // a || b && c  ==  a || (b && c)
        assertTrue(m("a == \"1\" || b == \"1\" && c == \"1\"", a));
        assertFalse(m("(a == \"1\" || b == \"1\") && c == \"1\"", a));
        // !a && b  ==  (!a) && b
        assertFalse(m("!has(a) && has(b)", a));
        assertTrue(m("!(has(a) && has(b))", a));
        assertEquals(Selector.parse("a == \"1\" || (b == \"1\" && c == \"1\")"),
                Selector.parse("a == \"1\" || b == \"1\" && c == \"1\""));
        assertNotEquals(Selector.parse("(a == \"1\" || b == \"1\") && c == \"1\""),
                Selector.parse("a == \"1\" || b == \"1\" && c == \"1\""));
        // '!' applies to the next unary only: !a == "1" is !(a == "1").
        assertEquals(Selector.parse("!(a == \"1\")"), Selector.parse("!a == \"1\""));
    }

    @Test
    void negationChains() {
        assertTrue(m("!!has(a)", Map.of("a", "")));
        assertFalse(m("!!!has(a)", Map.of("a", "")));
        assertTrue(m("! ! ! ! has(a)", Map.of("a", "")));
        assertTrue(m("!(!(role == \"db\"))", DB));
        assertTrue(m("!(role != \"db\")", DB));
        assertFalse(m("!(role != \"db\")", NONE));
        assertEquals("!!has(a)", Selector.parse("!(!has(a))").toString());
        assertEquals("!(a == \"1\" || !has(b))", Selector.parse("!(a=='1'||!has(b))").toString());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', value = {
        "role=='db'                                 => role == \"db\"",
        "  has( a )                                 => has(a)",
        "all( )                                     => all()",
        "a in {'y','x','y'}                         => a in {\"x\", \"y\"}",
        "a notin{'x'}                               => a not in {\"x\"}",
        "a not   in {'x'}                           => a not in {\"x\"}",
        "a startswith 'x'                           => a starts with \"x\"",
        "a ends   with 'x'                          => a ends with \"x\"",
        "((a == 'x'))                               => a == \"x\"",
        "(has(a) && has(b)) && has(c)               => has(a) && has(b) && has(c)",
        "has(a) || (has(b) || has(c))               => has(a) || has(b) || has(c)",
        "(has(a) || has(b)) && has(c)               => (has(a) || has(b)) && has(c)",
        "has(a) && has(b) || has(c)                 => has(a) && has(b) || has(c)",
        "!(has(a) || has(b))                        => !(has(a) || has(b))",
        "``                                         => all()",
    })
    void canonicalFormIsStableAndReparsesEqual(String text, String canonical) {
        Selector s = Selector.parse(text);
        assertEquals(canonical, s.toString());
        Selector again = Selector.parse(s.toString());
        assertEquals(s, again);
        assertEquals(s.hashCode(), again.hashCode());
        assertEquals(canonical, again.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", quoteCharacter = '`', value = {
        "(                             => 1",
        "()                            => 1",
        "has(a                         => 5",
        "has()                         => 4",
        "has(a b)                      => 6",
        "all(x)                        => 4",
        "global(1)                     => 7",
        "a                             => 1",
        "a ==                          => 4",
        "a == b                        => 5",
        "a == \"b                      => 5",
        "a == 'b\"                     => 5",
        "a = \"b\"                     => 2",
        "a === \"b\"                   => 4",
        "a in \"b\"                    => 5",
        "a in {\"b\"                   => 9",
        "a in {\"b\" \"c\"}            => 10",
        "a in {\"b\",}                 => 10",
        "a in {,}                      => 6",
        "a not {\"b\"}                 => 2",
        "a starts \"b\"                => 2",
        "a with \"b\"                  => 2",
        "has(a) &&                     => 9",
        "has(a) ||                     => 9",
        "&& has(a)                     => 0",
        "has(a) & has(b)               => 7",
        "has(a) | has(b)               => 7",
        "has(a) has(b)                 => 7",
        "(has(a)                       => 7",
        "has(a))                       => 6",
        "!                             => 1",
        "a == \"b\" c                  => 9",
        "@a == \"b\"                   => 0",
        "a == \"b\" && (b != \"c\" ||) => 24",
        "a contains                    => 10",
        "a ends with                   => 11",
        "a inx {\"b\"}                 => 2",
    })
    void malformedSelectorsAreRejectedWithPosition(String text, int position) {
        SelectorParseException e = assertThrows(SelectorParseException.class, () -> Selector.parse(text));
        assertEquals(position, e.position(), e.getMessage());
        assertTrue(e.getMessage().contains("position " + position), e.getMessage());
        assertEquals(text, e.selector());
    }

    @Test
    void overlongKeyAndNullAreRejected() {
        String key = "k".repeat(SelectorParser.MAX_KEY_LENGTH + 1);
        SelectorParseException e = assertThrows(SelectorParseException.class, () -> Selector.parse("has(" + key + ")"));
        assertEquals(4, e.position());
        assertTrue(Selector.parse("has(" + "k".repeat(SelectorParser.MAX_KEY_LENGTH) + ")").toString().startsWith("has(k"));
        assertThrows(SelectorParseException.class, () -> Selector.parse(null));
    }

    /** Random trees: print, re-parse, same canonical form and the same verdict on random labels. */
    @Test
    void randomSelectorsRoundTripAndKeepMeaning() {
        Random random = new Random(6);
        for (int i = 0; i < 3000; i++) {
            String text = RandomSelectors.text(random, 3);
            Selector s = Selector.parse(text);
            Selector again = Selector.parse(s.toString());
            assertEquals(s, again, text);
            assertEquals(s.toString(), again.toString());
            for (int j = 0; j < 8; j++) {
                Map<String, String> labels = RandomSelectors.labels(random);
                assertEquals(s.matches(labels), again.matches(labels), text + " on " + labels);
            }
        }
    }

    @Test
    void indexHintIsImpliedByEveryMatch() {
        assertEquals(new Selector.IndexHint("role", java.util.Set.of("db")), Selector.parse("has(x) && role == 'db'").indexHint());
        assertEquals(new Selector.IndexHint("role", java.util.Set.of("db", "web")), Selector.parse("role in {'db', 'web'}").indexHint());
        assertEquals(new Selector.IndexHint("x", null), Selector.parse("has(x) && role != 'db'").indexHint());
        assertEquals(null, Selector.parse("role == 'db' || has(x)").indexHint());
        assertEquals(null, Selector.parse("!(role == 'db')").indexHint());
        assertEquals(null, Selector.parse("role not in {'a'}").indexHint());
        Random random = new Random(7);
        for (int i = 0; i < 3000; i++) {
            Selector s = Selector.parse(RandomSelectors.text(random, 3));
            Selector.IndexHint hint = s.indexHint();
            if (hint == null) {
                continue;
            }
            for (int j = 0; j < 8; j++) {
                Map<String, String> labels = RandomSelectors.labels(random);
                if (s.matches(labels)) {
                    String value = labels.get(hint.key());
                    assertTrue(value != null && (hint.values() == null || hint.values().contains(value)), s + " on " + labels);
                }
            }
        }
    }
}
