package ocelot.control.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import ocelot.control.resource.Resource;
import ocelot.control.resource.ResourceCodec;

/** Reads {@code -f FILE} or {@code -f -} (stdin) into validated resources, all or nothing. */
final class ResourceInput {
    private ResourceInput() {
    }

    static List<Resource> read(String filename, InputStream stdin) {
        String text;
        String source;
        try {
            if (filename.equals("-")) {
                text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
                source = "stdin";
            } else {
                text = Files.readString(Path.of(filename));
                source = filename;
            }
        } catch (NoSuchFileException e) {
            throw new OcelotCtl.CommandFailure("Failed to read file '" + filename + "': no such file");
        } catch (IOException e) {
            throw new OcelotCtl.CommandFailure("Failed to read file '" + filename + "': " + e.getMessage());
        }
        return ResourceCodec.parse(text, source);
    }

    /** calicoctl's wording: the kind when every resource has the same one. */
    static String kindPhrase(List<Resource> resources) {
        if (resources.isEmpty()) return "";
        String first = resources.getFirst().kind().yamlName();
        return resources.stream().allMatch(r -> r.kind().yamlName().equals(first)) ? "'" + first + "' " : "";
    }
}
