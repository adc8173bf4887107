package ocelot.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * One run of the test command, as {@code bin/test} sets it up: every process of the run inherits
 * {@code OCELOT_TEST_RUN=<id>} (so a leftover process is known as ours by its environment, even
 * after its parent died), and the run's directory {@code /tmp/ocelot-test-<id>/} holds the test
 * JVMs' {@code java.io.tmpdir} ({@code tmp/}), the {@code ledger} of network namespaces and host
 * links the tests created, the {@code owner} (bin/test's pid and start time: the run is over when
 * that process is gone) and the {@code snapshot} taken before the tests.
 *
 * <p>Outside bin/test (a plain {@code mvn verify}) there is no run: nothing is tagged or ledgered.
 */
public record TestRun(String id, Path dir) {
    public static final String ID_VARIABLE = "OCELOT_TEST_RUN";
    public static final String DIR_VARIABLE = "OCELOT_TEST_RUN_DIR";
    /** Every run directory is {@code /tmp/ocelot-test-<id>}: the sweeper finds dead runs by this name. */
    public static final String DIR_PREFIX = "ocelot-test-";
    public static final Path RUNS_ROOT = Path.of("/tmp");

    /** The run this process belongs to, when started by bin/test. */
    public static Optional<TestRun> current() {
        String id = System.getenv(ID_VARIABLE);
        String dir = System.getenv(DIR_VARIABLE);
        if (id == null || id.isBlank() || dir == null || dir.isBlank()) return Optional.empty();
        return Optional.of(new TestRun(id, Path.of(dir)));
    }

    public static TestRun of(String id) {
        return new TestRun(id, RUNS_ROOT.resolve(DIR_PREFIX + id));
    }

    /**
     * The name prefix for a temporary directory a test makes outside {@code java.io.tmpdir} (e.g. on
     * /dev/shm): {@code ocelot-test-<run>-<what>-}, or {@code ocelot-<what>-} outside a run.
     */
    public static String tempPrefix(String what) {
        return current().map(r -> DIR_PREFIX + r.id() + "-" + what + "-").orElse("ocelot-" + what + "-");
    }

    public Path ledger() {
        return dir.resolve("ledger");
    }

    public Path tmp() {
        return dir.resolve("tmp");
    }

    public Path owner() {
        return dir.resolve("owner");
    }

    public Path snapshot() {
        return dir.resolve("snapshot");
    }

    /** A ledger line: what this run created and must remove ({@code netns NAME}, {@code link NAME}). */
    public record Entry(String kind, String name) {
    }

    /** Records a created resource in the current run's ledger (nothing outside bin/test). */
    public static void record(String kind, String name) {
        current().ifPresent(run -> run.append(kind, name));
    }

    void append(String kind, String name) {
        try {
            // one short O_APPEND write per line: concurrent test JVMs of the run do not interleave
            Files.writeString(ledger(), kind + " " + name + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("recording " + kind + " " + name + " in " + ledger(), e);
        }
    }

    public List<Entry> entries() {
        if (!Files.exists(ledger())) return List.of();
        try {
            return Files.readAllLines(ledger()).stream().filter(l -> l.contains(" "))
                    .map(l -> new Entry(l.substring(0, l.indexOf(' ')), l.substring(l.indexOf(' ') + 1))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the owner: the process whose end ends the run. */
    public void writeOwner(ProcessHandle owner) throws IOException {
        Files.writeString(owner(), owner.pid() + " " + owner.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("?") + "\n");
    }

    /** True while the owner recorded in the run directory still runs (same pid and start time). */
    public boolean ownerAlive() {
        try {
            String[] f = Files.readString(owner()).trim().split(" ");
            Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(f[0]));
            return h.isPresent() && h.get().isAlive()
                    && h.get().info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("?").equals(f[1]);
        } catch (IOException | RuntimeException e) {
            return false; // no readable owner: a run directory nobody owns
        }
    }
}
