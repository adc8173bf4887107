package ocelot.control.resource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer on the YAML/JSON resource reader ({@link ResourceCodec#parse}): any input gives either
 * resources, which print and re-parse to the same resources and survive the datastore's stored
 * form, or one {@link ResourceException} whose one-line message starts with the source name. Any
 * other exception is a finding. Seeds: the seven Calico v1 documentation examples (SeedExamples),
 * a List, a JSON document and two-document YAML.
 */
@Tag("jazzer")
class ResourceCodecFuzzTest {
    static Stream<byte[]> seeds() {
        Stream<String> examples = SeedExamples.FILES.stream().map(SeedExamples::read);
        Stream<String> more = Stream.of(
                "apiVersion: v1\nkind: ipPoolList\nitems:\n- metadata: {cidr: 10.1.0.0/16}\n- metadata: {cidr: 'fd00::/64'}\n",
                "{\"apiVersion\":\"v1\",\"kind\":\"profile\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"egress\":[{\"action\":\"allow\"}]}}",
                SeedExamples.read("ippool.yaml") + "\n---\n" + SeedExamples.read("bgppeer.yaml"),
                // findings, kept as regression inputs: a number Jackson's BigDecimal parse refuses (NumberFormatException)
                "[2,2,2,3e3333333333333335,\"3",
                // an unknown key holding line breaks, echoed in the error's field path
                "{\"apiVersion\":\"v1\",\"kind\":\"profile\",?\"map sabled: yes\n\n-: yes\n\u008a---\netadata\":{\"neme\":\"p\"},\"spec\":{\"egress\":[{\"acdion\":\"allowaaaaaaaaa\"}]}}",
                "{\"apiVersion\":\"v1\",\"kind\":\"ipPool\",\"metadata\":{\"cidr\":\"10.1.0.0/16\"},\"spec\":{\"x\":1e3333333333333335}}");
        return Stream.concat(examples, more).map(s -> s.getBytes(StandardCharsets.UTF_8));
    }

    @MethodSource("seeds")
    @FuzzTest
    void givesResourcesOrANamedError(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        List<Resource> resources;
        try {
            resources = ResourceCodec.parse(text, "fuzz.yaml");
        } catch (ResourceException e) {
            assertTrue(e.getMessage().startsWith("fuzz.yaml: "), "message does not name the source: " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "a message of more than one line: " + e.getMessage());
            return;
        }
        assertFalse(resources.isEmpty());
        assertEquals(resources, ResourceCodec.parse(ResourceCodec.toYaml(resources), "again"), "YAML round trip of:\n" + text);
        for (Resource r : resources) {
            assertEquals(r, ResourceCodec.fromStored(r.key().datastoreKey(), ResourceCodec.toStored(r)), "stored form of " + r);
        }
    }
}
