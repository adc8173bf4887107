package ocelot.fastpath.counter;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The node process's view of the counters: the sum over every worker's record. Reads are
 * safe from any thread at any time; values are eventually consistent (each is whole).
 */
public final class CounterSet {
    private final List<CounterRecord> records = new CopyOnWriteArrayList<>();

    public void register(CounterRecord record) { records.add(record); }

    public long get(Counter c) {
        long sum = 0;
        for (CounterRecord r : records) sum += r.get(c);
        return sum;
    }

    public long port(int port, int which) {
        long sum = 0;
        for (CounterRecord r : records) sum += r.port(port, which);
        return sum;
    }

    public long ruleHits(int ruleId) {
        long sum = 0;
        for (CounterRecord r : records) sum += r.ruleHits(ruleId);
        return sum;
    }

    /** Every counter, for a metrics endpoint (allocates; not for the hot path). */
    public Map<Counter, Long> all() {
        Map<Counter, Long> out = new EnumMap<>(Counter.class);
        for (Counter c : Counter.values()) out.put(c, get(c));
        return out;
    }

    /** Non-zero counters as "name=value" text, for test failure messages and logs. */
    public String describeNonZero() {
        StringBuilder sb = new StringBuilder();
        for (Counter c : Counter.values()) {
            long v = get(c);
            if (v != 0) sb.append(c.metricName()).append('=').append(v).append(' ');
        }
        return sb.toString().trim();
    }
}
