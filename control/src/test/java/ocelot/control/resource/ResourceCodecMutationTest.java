package ocelot.control.resource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated seed documents (bytes flipped, dropped, duplicated, YAML punctuation inserted) must
 * either parse or fail with one {@link ResourceException} line: never another exception type, so
 * ocelotctl always prints a clear message. Fixed seeds keep failures reproducible.
 */
class ResourceCodecMutationTest {
    private static final String PUNCTUATION = ":-[]{}'\"#&*!|>%@`,? \n\t0123456789.";

    @Test
    void mutatedSeedsFailCleanlyOrParse() {
        Random random = new Random(20261126);
        int parsed = 0;
        for (String file : SeedExamples.FILES) {
            String seed = SeedExamples.read(file);
            for (int i = 0; i < 400; i++) {
                String text = mutate(seed, random);
                try {
                    List<Resource> r = ResourceCodec.parse(text, file);
                    // Whatever parsed must print and re-parse to the same resources.
                    if (!ResourceCodec.parse(ResourceCodec.toYaml(r), "again").equals(r)) fail("round trip changed " + text);
                    parsed++;
                } catch (ResourceException e) {
                    assertFalse(e.getMessage().contains("\n"), e.getMessage());
                } catch (RuntimeException e) {
                    throw new AssertionError("mutation of " + file + " threw " + e + " for:\n" + text, e);
                }
            }
        }
        // Sanity: some mutations (in values, comments) are still valid documents.
        assertFalse(parsed == 0, "no mutation parsed: the generator is broken");
    }

    private static String mutate(String seed, Random random) {
        StringBuilder b = new StringBuilder(seed);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && !b.isEmpty(); e++) {
            int at = random.nextInt(b.length());
            switch (random.nextInt(4)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length())));
                case 2 -> b.setCharAt(at, PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length())));
                default -> {
                    int end = Math.min(b.length(), at + 1 + random.nextInt(20));
                    b.insert(at, b.substring(at, end));
                }
            }
        }
        return b.toString();
    }
}
