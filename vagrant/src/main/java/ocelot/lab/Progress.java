package ocelot.lab;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One line per lab step ({@code fabric          3 hosts, 3 links (0.4 s)}); a step that throws
 * becomes a {@link StepFailed} naming it, which {@link LabMain} turns into its exit message.
 */
final class Progress {
    private final PrintStream out;

    Progress(PrintStream out) {
        this.out = out;
    }

    /** Thrown when a step fails: the step's name and why. */
    static final class StepFailed extends RuntimeException {
        final String step;

        StepFailed(String step, String message, Throwable cause) {
            super(message, cause);
            this.step = step;
        }
    }

    String step(String name, Supplier<String> action) {
        long start = System.nanoTime();
        String detail;
        try {
            detail = action.get();
        } catch (StepFailed e) {
            throw e;
        } catch (RuntimeException e) {
            out.printf(Locale.ROOT, "  %-18s FAILED (%.1f s)%n", name, seconds(start));
            throw new StepFailed(name, e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
        out.printf(Locale.ROOT, "  %-18s %s (%.1f s)%n", name, detail, seconds(start));
        return detail;
    }

    void say(String line) {
        out.println(line);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
