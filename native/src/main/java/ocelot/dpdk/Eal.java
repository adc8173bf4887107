package ocelot.dpdk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * DPDK's Environment Abstraction Layer. EAL initialises once per process and cannot be
 * re-initialised after cleanup, so {@link #init} is idempotent for identical arguments and
 * refuses different ones.
 */
public final class Eal {
    private Eal() {}

    /** Where Debian installs the PMD plugins (net_null, net_ring, ... and the mempool driver). */
    static final Path DEBIAN_PMD_ROOT = Path.of("/usr/lib/x86_64-linux-gnu/dpdk");

    private static List<String> initArgs;

    /**
     * Initialises EAL with the given argv (argv[0] included), adding {@code -d <pmd dir>} when
     * the caller did not pass one, so the virtual-device drivers load. Returns the arguments used.
     */
    public static synchronized List<String> init(String... args) {
        List<String> full = withDriverDir(List.of(args));
        if (initArgs != null) {
            if (initArgs.equals(full)) return initArgs;
            throw new IllegalStateException("EAL already initialised with " + initArgs + "; cannot re-initialise with " + full);
        }
        if (OcelotShim.ocelot_abi_version() != 1) {
            throw new IllegalStateException("DPDK shim ABI " + OcelotShim.ocelot_abi_version() + ", expected 1");
        }
        Arena arena = Arena.global(); // EAL keeps pointers into argv for the life of the process
        MemorySegment argv = arena.allocate(ValueLayout.ADDRESS, full.size() + 1);
        for (int i = 0; i < full.size(); i++) argv.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(full.get(i)));
        int rc = OcelotShim.ocelot_eal_init(full.size(), argv);
        if (rc < 0) throw new DpdkException("rte_eal_init" + full, rc);
        initArgs = List.copyOf(full);
        return initArgs;
    }

    /**
     * EAL with no hugepages, no PCI and no shared config, under a per-process file prefix so
     * several Ocelot processes (and test JVMs) coexist: what tests and the smoke job use. Safe
     * to call many times in one JVM. ({@code --in-memory} would be neater but EAL refuses it
     * together with {@code --no-huge}, which implies legacy memory mode.)
     */
    public static synchronized List<String> initInMemory(int memoryMb) {
        if (initArgs != null) return initArgs;
        String prefix = "ocelot" + ProcessHandle.current().pid();
        List<String> args = init("ocelot", "--no-huge", "--no-pci", "--no-shconf", "--file-prefix=" + prefix,
                "-m", Integer.toString(memoryMb), "-l", "0", "--log-level", "lib.eal:error", "--no-telemetry");
        Path runtimeDir = Path.of("/var/run/dpdk", prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(runtimeDir), "dpdk-runtime-cleanup"));
        return args;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a leftover empty runtime folder is harmless
        }
    }

    public static synchronized boolean initialised() { return initArgs != null; }

    static List<String> withDriverDir(List<String> args) {
        if (args.contains("-d")) return args;
        List<String> out = new ArrayList<>(args);
        Path dir = pmdDirectory();
        out.add("-d");
        out.add(dir.toString());
        return out;
    }

    /** The PMD plugin directory: $OCELOT_DPDK_PMD_DIR, else Debian's pmds-* folder. */
    public static Path pmdDirectory() {
        String env = System.getenv("OCELOT_DPDK_PMD_DIR");
        if (env != null && !env.isBlank()) return Path.of(env);
        try (Stream<Path> s = Files.list(DEBIAN_PMD_ROOT)) {
            return s.filter(p -> p.getFileName().toString().startsWith("pmds-"))
                    .sorted().reduce((a, b) -> b)
                    .orElseThrow(() -> new IllegalStateException("no pmds-* directory under " + DEBIAN_PMD_ROOT
                            + " (apt-get install dpdk)"));
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + DEBIAN_PMD_ROOT + " (apt-get install dpdk)", e);
        }
    }

    /**
     * Gives the calling (non-EAL) thread an lcore id: DPDK's per-lcore mempool caches only
     * work on threads that have one, and without them every alloc/free hits the shared ring.
     */
    public static void registerThread() {
        if (OcelotShim.ocelot_lcore_id() != -1) return; // already an EAL thread
        DpdkException.check("rte_thread_register", OcelotShim.ocelot_thread_register());
    }

    public static void unregisterThread() { OcelotShim.ocelot_thread_unregister(); }
}
