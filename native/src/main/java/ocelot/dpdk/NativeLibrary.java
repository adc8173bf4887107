package ocelot.dpdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Finds the shim: the {@code ocelot.native.lib} system property (set by the build for tests),
 * else the copy packed in this jar, extracted once per process to a private temp file.
 */
final class NativeLibrary {
    private NativeLibrary() {}

    static final String PROPERTY = "ocelot.native.lib";
    private static final String RESOURCE = "/ocelot/dpdk/linux-x86_64/libocelot_dpdk.so";
    private static volatile Path path;

    static Path path() {
        Path p = path;
        if (p == null) {
            synchronized (NativeLibrary.class) {
                p = path;
                if (p == null) path = p = locate();
            }
        }
        return p;
    }

    private static Path locate() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank() && Files.isRegularFile(Path.of(configured))) {
            return Path.of(configured);
        }
        try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new UnsatisfiedLinkError("Ocelot DPDK shim not found: neither -D" + PROPERTY + "="
                        + configured + " nor classpath resource " + RESOURCE + " (build native/ first: mvn -pl native package)");
            }
            Path tmp = Files.createTempFile("libocelot_dpdk", ".so");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException("extracting the DPDK shim", e);
        }
    }
}
