package ocelot.control.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Felix-style health: named liveness and readiness checks. Live while every liveness check
 * holds (the process can still do its job); ready when, in addition, every readiness check
 * holds (datastore in sync, fastpath forwarding, BGP configured). Checks are evaluated on
 * each request, so the answer is never stale.
 */
public final class NodeHealth {
    private final Map<String, BooleanSupplier> liveness = new LinkedHashMap<>();
    private final Map<String, BooleanSupplier> readiness = new LinkedHashMap<>();

    public synchronized NodeHealth live(String name, BooleanSupplier check) {
        liveness.put(name, check);
        return this;
    }

    public synchronized NodeHealth ready(String name, BooleanSupplier check) {
        readiness.put(name, check);
        return this;
    }

    /** One evaluation: each check's result, and the two verdicts. */
    public record Report(boolean live, boolean ready, Map<String, Boolean> checks) {
        public String json() {
            StringBuilder b = new StringBuilder("{\"live\":").append(live).append(",\"ready\":").append(ready).append(",\"checks\":{");
            boolean first = true;
            for (var e : checks.entrySet()) {
                if (!first) b.append(',');
                first = false;
                b.append('"').append(e.getKey()).append("\":").append(e.getValue());
            }
            return b.append("}}").toString();
        }
    }

    public synchronized Report report() {
        Map<String, Boolean> results = new LinkedHashMap<>();
        boolean live = true, ready = true;
        for (var e : liveness.entrySet()) {
            boolean ok = safely(e.getValue());
            results.put(e.getKey(), ok);
            live &= ok;
        }
        for (var e : readiness.entrySet()) {
            boolean ok = safely(e.getValue());
            results.put(e.getKey(), ok);
            ready &= ok;
        }
        return new Report(live, live && ready, results);
    }

    private static boolean safely(BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
