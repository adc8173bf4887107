package ocelot.lab.fabric;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One lab run's name: {@code ocl} + five letters/digits. Every namespace of the run is
 * {@code PREFIX-NAME}, its temp directory {@code /tmp/PREFIX-lab}, its DPDK file prefixes
 * {@code PREFIX-NODE}, and every process it starts carries {@code OCELOT_LAB_RUN=PREFIX} in its
 * environment, so a sweep finds all of it after a crash.
 */
public record RunId(String prefix) {
    public static final String ENV = "OCELOT_LAB_RUN";
    /** A namespace, temp dir or DPDK prefix that belongs to some lab run. */
    public static final Pattern OWNED = Pattern.compile("(ocl[a-z0-9]{5})-.*");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    public RunId {
        if (!prefix.matches("ocl[a-z0-9]{5}")) throw new IllegalArgumentException("not a lab run id: " + prefix);
    }

    public static RunId random() {
        SecureRandom random = new SecureRandom();
        StringBuilder b = new StringBuilder("ocl");
        for (int i = 0; i < 5; i++) b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        return new RunId(b.toString());
    }

    /** The run a namespace or file name belongs to, if any. */
    public static Optional<RunId> owning(String name) {
        Matcher m = OWNED.matcher(name);
        return m.matches() ? Optional.of(new RunId(m.group(1))) : Optional.empty();
    }

    public String namespace(String name) {
        return prefix + "-" + name;
    }

    /** A segment's namespace (the bridge): host names have no '-', so this never collides. */
    public String segmentNamespace(String segment) {
        return prefix + "-sw-" + segment;
    }

    public Path tempDir() {
        return Path.of("/tmp", prefix + "-lab");
    }

    /** The EAL --file-prefix of a node process. */
    public String dpdkPrefix(String node) {
        return prefix + "-" + node;
    }

    @Override
    public String toString() {
        return prefix;
    }
}
