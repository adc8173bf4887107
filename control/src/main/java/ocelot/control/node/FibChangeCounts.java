package ocelot.control.node;

import java.util.function.LongSupplier;

/**
 * Counts of FIB changes since the last summary, so a full-table load logs a line per second
 * (and one at each End-of-RIB) instead of a line per route: at info, a million routes written
 * one line each took longer than installing them. Time is injected (nanoseconds) for tests.
 */
final class FibChangeCounts {
    static final long INTERVAL_NANOS = 1_000_000_000L;

    private final LongSupplier nanoTime;
    private long windowStart;
    private long added;
    private long replaced;
    private long withdrawn;

    FibChangeCounts(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.windowStart = nanoTime.getAsLong();
    }

    void added() {
        added++;
    }

    void replaced() {
        replaced++;
    }

    void withdrawn() {
        withdrawn++;
    }

    /** The summary when a second has passed since the last one and something changed, else null. */
    String dueSummary(int size) {
        return nanoTime.getAsLong() - windowStart >= INTERVAL_NANOS ? summary(size) : null;
    }

    /** The summary of everything counted so far (null if nothing changed), and a new window. */
    String summary(int size) {
        long now = nanoTime.getAsLong();
        if (added + replaced + withdrawn == 0) {
            windowStart = now;
            return null;
        }
        String s = String.format(java.util.Locale.ROOT, "%d routes added, %d replaced, %d withdrawn in %.1f s; %d in the FIB",
                added, replaced, withdrawn, (now - windowStart) / 1e9, size);
        added = replaced = withdrawn = 0;
        windowStart = now;
        return s;
    }
}
