package ocelot.control.selector;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer on the selector parser: any text either parses, and then its canonical form re-parses to
 * an equal selector that matches the same labels, or fails with a {@link SelectorParseException}
 * whose position lies within the text. Any other exception is a finding. Seeds: SelectorTest's
 * vectors and RandomSelectors' texts. In bin/test's {@code fuzz} execution it fuzzes for
 * {@code ocelot.fuzz.seconds}; otherwise it replays the seeds and the committed findings
 * (src/test/resources/.../SelectorFuzzTestInputs).
 */
@Tag("jazzer")
class SelectorFuzzTest {
    static final Map<String, String> LABELS = Map.of("app", "a", "role", "db", "env", "ab", "tier", "c");

    static Stream<byte[]> seeds() {
        Random random = new Random(1);
        Stream<String> vectors = Stream.of("", "  ", "all()", "!(!has(a))", "!(a=='1'||!has(b))", "has(x) && role != 'db'",
                "role in {'db', 'web'}", "role not in {'a'}", "app contains \"a\"", "env starts with 'a' || env endswith 'b'");
        return Stream.concat(vectors, Stream.generate(() -> RandomSelectors.text(random, 3)).limit(20))
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    @MethodSource("seeds")
    @FuzzTest
    void parsesOrNamesThePosition(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Selector s;
        try {
            s = Selector.parse(text);
        } catch (SelectorParseException e) {
            assertTrue(e.position() >= 0 && e.position() <= text.length(), "position " + e.position() + " outside '" + text + "'");
            return;
        }
        Selector again = Selector.parse(s.toString());
        assertEquals(s, again, "canonical form '" + s + "' of '" + text + "'");
        assertEquals(s.matches(LABELS), again.matches(LABELS), "'" + text + "' vs its canonical form");
    }
}
