package ocelot.control.resource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The seven v1 documentation examples (test resources under calico-v1/), byte for byte. */
public final class SeedExamples {
    public static final List<String> FILES = List.of("bgppeer.yaml", "hostendpoint.yaml", "ippool.yaml",
            "node.yaml", "policy.yaml", "profile.yaml", "workloadendpoint.yaml");

    private SeedExamples() {
    }

    public static String read(String file) {
        try (InputStream in = SeedExamples.class.getResourceAsStream("/calico-v1/" + file)) {
            if (in == null) throw new IllegalStateException("missing test resource calico-v1/" + file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
