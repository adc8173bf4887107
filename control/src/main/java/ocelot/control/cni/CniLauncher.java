package ocelot.control.cni;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Writes the {@code ocelot-cni} executable a CNI runtime runs: a shell launcher in the plugin
 * directory that execs this JVM with the plugin's class path. Start time is most of a CNI call,
 * so the launcher asks for C1 only ({@code TieredStopAtLevel=1}), the serial GC and a dynamic
 * AppCDS archive beside it ({@code AutoCreateSharedArchive}: the first run writes it, later runs
 * map the loaded classes instead of parsing them; control/README.md has the figures). JVM
 * warnings go to stderr, never to stdout where the runtime reads the result.
 *
 * <p>{@code java -cp CP ocelot.control.cni.CniLauncher DIR} (what {@code bin/ocelot-cni install} runs).
 */
public final class CniLauncher {
    public static final String PLUGIN_NAME = "ocelot-cni";

    private CniLauncher() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: CniLauncher PLUGIN_DIR");
            System.exit(2);
        }
        Path written = install(Path.of(args[0]), Path.of(System.getProperty("java.home"), "bin", "java"),
                System.getProperty("java.class.path"));
        System.err.println("installed " + written);
    }

    /**
     * Copies the class path into DIR/ocelot-cni.d (jars as they are, class folders packed into
     * jars: AppCDS archives only jars, and the plugin then needs nothing from the build tree),
     * writes DIR/ocelot-cni (atomically: a runtime may be calling the old one), returns its path.
     */
    public static Path install(Path dir, Path java, String classPath) throws IOException {
        Files.createDirectories(dir);
        Path archive = dir.resolve(PLUGIN_NAME + ".jsa");
        Files.deleteIfExists(archive); // an archive from other classes would only be refused
        Path lib = dir.resolve(PLUGIN_NAME + ".d");
        deleteTree(lib);
        Files.createDirectories(lib);
        List<String> jars = new ArrayList<>();
        int n = 0;
        for (String entry : classPath.split(":")) {
            if (entry.isEmpty()) continue;
            Path from = Path.of(entry);
            // Numbered so two jars with one file name (different groups) cannot collide.
            Path to = lib.resolve(String.format("%03d-%s", n++, from.getFileName() + (Files.isDirectory(from) ? ".jar" : "")));
            if (Files.isDirectory(from)) jarFolder(from, to);
            else if (Files.isRegularFile(from)) Files.copy(from, to);
            else continue;
            jars.add(to.toString());
        }
        classPath = String.join(":", jars);
        String script = "#!/bin/sh\n"
                + "# ocelot-cni: Ocelot's CNI plugin (ocelot.control.cni.OcelotCni), written by 'bin/ocelot-cni install'.\n"
                + "exec " + quote(java.toString()) + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"
                + " -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=" + quote(archive.toString())
                + " -Xlog:disable -Xlog:all=error:stderr"
                + " --sun-misc-unsafe-memory-access=allow"
                + " -Dorg.slf4j.simpleLogger.defaultLogLevel=error -Dorg.slf4j.simpleLogger.logFile=System.err"
                + " -cp " + quote(classPath) + " ocelot.control.cni.OcelotCni\n";
        Path tmp = dir.resolve("." + PLUGIN_NAME + ".tmp");
        Files.writeString(tmp, script);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path target = dir.resolve(PLUGIN_NAME);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    private static void jarFolder(Path folder, Path jar) throws IOException {
        try (var out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(folder)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                if (!Files.isRegularFile(f)) continue;
                out.putNextEntry(new JarEntry(folder.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) Files.delete(f);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
