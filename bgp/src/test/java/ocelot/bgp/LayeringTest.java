package ocelot.bgp;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * wire ← session ← rib ← speaker ← peering, checked over the compiled class files (every class
 * name in a constant pool), as GoBGP keeps pkg/packet/bgp free of the rest. bgp/ also never
 * names control/, DPDK or YAML classes.
 */
class LayeringTest {
    static final List<String> LAYERS = List.of("bfd", "wire", "session", "rib", "speaker", "peering");
    static final Pattern REF = Pattern.compile("ocelot/bgp/([a-z]+)/");
    static final Pattern FORBIDDEN = Pattern.compile("ocelot/control|ocelot/dpdk|ocelot/fastpath|org/yaml|com/fasterxml");

    @Test
    void dependenciesPointDownOnly() throws IOException {
        Path classes = Path.of("target/classes/ocelot/bgp");
        List<String> violations = new ArrayList<>();
        int checked = 0;
        try (var files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class") && !p.getParent().equals(classes))::iterator) {
                String layer = classes.relativize(f).getName(0).toString();
                int own = LAYERS.indexOf(layer);
                assertTrue(own >= 0, "class outside the known layers: " + f);
                // Constant-pool UTF-8 entries hold class names and descriptors; ISO-8859-1 keeps bytes 1:1.
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                Matcher m = REF.matcher(text);
                while (m.find()) {
                    int used = LAYERS.indexOf(m.group(1));
                    if (used > own) violations.add(classes.relativize(f) + " uses " + m.group(1));
                }
                if (FORBIDDEN.matcher(text).find()) violations.add(classes.relativize(f) + " names a forbidden module");
                checked++;
            }
        }
        assertTrue(checked > 30, "too few classes found: " + checked);
        assertEquals(List.of(), violations);
    }
}
