package ocelot.fastpath.worker;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * How a worker waits when a duty cycle found no packets: the node's {@code --idle} choice.
 * {@link #BUSY} spins (a core per worker at 100% whatever the traffic: production, lowest
 * latency); {@link #BACKOFF} spins a little, yields, then parks for up to
 * {@link #BACKOFF_MAX_PARK_NS} (an idle worker wakes about a thousand times a second: well
 * under 5% of a core; the first packet after an idle spell waits up to that long). The
 * default, for tests and the lab where several nodes share two cores.
 */
public enum IdleMode {
    BUSY("busy"),
    BACKOFF("backoff");

    static final long BACKOFF_MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final String flag;

    IdleMode(String flag) { this.flag = flag; }

    /** The name a node flag selects it by. */
    public String flag() { return flag; }

    /** A fresh strategy (each worker thread needs its own: strategies keep per-thread state). */
    public IdleStrategy newStrategy() {
        return switch (this) {
            case BUSY -> new BusySpinIdleStrategy();
            case BACKOFF -> new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1), BACKOFF_MAX_PARK_NS);
        };
    }

    /** The mode named {@code flag} ("busy" or "backoff"), or an error naming the choices. */
    public static IdleMode of(String flag) {
        for (IdleMode m : values()) if (m.flag.equals(flag)) return m;
        throw new IllegalArgumentException("idle strategy '" + flag + "' unknown; choose one of " + Arrays.stream(values()).map(IdleMode::flag).toList());
    }
}
