package ocelot.control.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import ocelot.control.cni.CniLauncher;

/**
 * Debian's podman 4.3 with its CNI backend as a real CNI runtime, all state in one temp folder:
 * containers.conf ({@code network_backend = "cni"}, the plugin folder holding the installed
 * {@code ocelot-cni} launcher and /usr/lib/cni for loopback, a network config folder),
 * storage.conf, {@code --root}/{@code --runroot}, XDG folders, and a root filesystem of
 * busybox-static with its applet links (no image registry). The flags are DESIGN.md's field
 * notes: runc (crun refuses the hybrid cgroup layout here), cgroupfs, capped rlimits.
 */
final class PodmanSandbox implements AutoCloseable {
    private static final List<String> APPLETS = List.of("sh", "ping", "nc", "ip", "cat", "head", "sleep", "echo", "wc", "true", "dd");

    private final Namespaces namespaces;
    private final Path dir;
    /** podman refuses a runroot longer than 50 characters, and bin/test's temp folders are longer. */
    private final Path runroot;
    private final List<String> networks = new ArrayList<>();

    PodmanSandbox(Namespaces namespaces, Path dir) throws IOException {
        this.namespaces = namespaces;
        this.dir = dir;
        this.runroot = Files.createTempDirectory(Path.of("/run"), "ocp");
        Path bin = Files.createDirectories(dir.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String a : APPLETS) Files.createSymbolicLink(bin.resolve(a), Path.of("busybox"));
        for (String d : List.of("rootfs/etc", "rootfs/proc", "rootfs/sys", "rootfs/dev", "rootfs/tmp", "net", "root",
                "tmp", "xdg-run", "xdg-config", "xdg-data")) {
            Files.createDirectories(dir.resolve(d));
        }
        CniLauncher.install(dir.resolve("cni-bin"), Path.of(System.getProperty("java.home"), "bin", "java"),
                System.getProperty("java.class.path"));
        Files.writeString(dir.resolve("containers.conf"), """
                [engine]
                tmp_dir = "%1$s/tmp"
                [network]
                network_backend = "cni"
                cni_plugin_dirs = ["%1$s/cni-bin", "/usr/lib/cni"]
                network_config_dir = "%1$s/net"
                """.formatted(dir));
        Files.writeString(dir.resolve("storage.conf"), """
                [storage]
                driver = "vfs"
                graphroot = "%1$s/root"
                runroot = "%2$s"
                """.formatted(dir, runroot));
    }

    /** Writes NAME.conflist with ocelot-cni as its one plugin, {@code pluginConf} being its JSON fields. */
    void network(String name, String pluginConf) throws IOException {
        Files.writeString(dir.resolve("net").resolve(name + ".conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"" + name
                + "\",\"plugins\":[{\"type\":\"ocelot-cni\"," + pluginConf + "}]}");
        networks.add(name);
    }

    /** {@code podman run --rm --network NET ... --rootfs DIR CMD} from the host namespace. */
    Namespaces.Result run(int timeoutSeconds, String network, String... cmd) {
        List<String> full = new ArrayList<>(List.of("env",
                "CONTAINERS_CONF=" + dir.resolve("containers.conf"), "CONTAINERS_STORAGE_CONF=" + dir.resolve("storage.conf"),
                "XDG_RUNTIME_DIR=" + dir.resolve("xdg-run"), "XDG_CONFIG_HOME=" + dir.resolve("xdg-config"),
                "XDG_DATA_HOME=" + dir.resolve("xdg-data"),
                "podman", "--root", dir.resolve("root").toString(), "--runroot", runroot.toString(),
                "--runtime", "runc", "--cgroup-manager=cgroupfs", "run", "--rm", "--network", network,
                "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "--rootfs", dir.resolve("rootfs").toString()));
        full.addAll(List.of(cmd));
        return namespaces.tryRun(timeoutSeconds, null, full.toArray(String[]::new));
    }

    /** The plugin launcher podman runs (for tests that call it directly too). */
    Path plugin() {
        return dir.resolve("cni-bin").resolve(CniLauncher.PLUGIN_NAME);
    }

    /** Removes the temp folder and what libcni cached for these networks under /var/lib/cni. */
    @Override
    public void close() throws IOException {
        for (String net : networks) {
            for (Path cache : List.of(Path.of("/var/lib/cni/results"), Path.of("/var/lib/cni/networks", net))) {
                if (!Files.isDirectory(cache)) continue;
                try (Stream<Path> files = Files.list(cache)) {
                    for (Path f : files.filter(f -> f.getFileName().toString().startsWith(net + "-")).toList()) Files.deleteIfExists(f);
                }
            }
        }
        for (Path top : List.of(runroot, dir)) {
            if (!Files.exists(top)) continue;
            try (Stream<Path> files = Files.walk(top)) {
                for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(f);
            }
        }
    }
}
