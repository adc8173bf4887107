package ocelot.lab.fabric;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which process owns a lab run: {@code TEMPDIR/owner} holds its pid and start time (a reused pid
 * after a crash does not count as the owner). A run without a living owner is swept.
 */
public final class Owner {
    private Owner() {
    }

    public static void claim(RunId run) {
        ProcessHandle self = ProcessHandle.current();
        write(run, self.pid() + " " + self.info().startInstant().map(Object::toString).orElse("?"));
    }

    /** Marks a {@code --keep} run as left up on purpose: no owner, so {@code --down} takes it. */
    public static void release(RunId run) {
        write(run, "kept");
    }

    public static boolean alive(RunId run) {
        Path file = run.tempDir().resolve("owner");
        String text;
        try {
            text = Files.readString(file).strip();
        } catch (IOException e) {
            return false;
        }
        String[] f = text.split(" ");
        if (f.length != 2 || !f[0].matches("\\d+")) return false;
        Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(f[0]));
        return p.isPresent() && p.get().isAlive()
                && p.get().info().startInstant().map(Object::toString).orElse("?").equals(f[1]);
    }

    private static void write(RunId run, String text) {
        try {
            Files.createDirectories(run.tempDir());
            Path tmp = run.tempDir().resolve("owner.tmp");
            Files.writeString(tmp, text + "\n");
            Files.move(tmp, run.tempDir().resolve("owner"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new LabException("cannot write " + run.tempDir() + "/owner: " + e.getMessage());
        }
    }
}
