package ocelot.fastpath.counter;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The node process's view of the counters: the sum over every worker's record. Reads are
 * safe from any thread at any time; values are eventually consistent (each is whole).
 *
 * <p>Per-port counters are kept by slot; {@link #port(String, int)} reads them by port name.
 * A slot freed by a removed port and reused by a new one carries the old port's totals, so the
 * name view subtracts what the slot held when its port was added: a new port starts at zero,
 * and other ports coming and going never move a port's figures.
 */
public final class CounterSet {
    private final List<CounterRecord> records = new CopyOnWriteArrayList<>();
    /** Name to slot and the slot's totals when that port was added (rx, tx, drop). */
    private volatile Map<String, NamedPort> byName = Map.of();

    private record NamedPort(int slot, long[] baseline) {}

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

    /**
     * A port joined in {@code slot}: its figures start from the slot's totals now. Called by
     * the fastpath while no worker can write the slot (it is in no published snapshot yet).
     */
    public synchronized void portAdded(String name, int slot) {
        Map<String, NamedPort> next = new HashMap<>(byName);
        next.put(name, new NamedPort(slot, new long[] {port(slot, CounterRecord.PORT_RX), port(slot, CounterRecord.PORT_TX), port(slot, CounterRecord.PORT_DROP)}));
        byName = Map.copyOf(next);
    }

    /** The port left: its name no longer reads. */
    public synchronized void portRemoved(String name) {
        Map<String, NamedPort> next = new HashMap<>(byName);
        next.remove(name);
        byName = Map.copyOf(next);
    }

    /** rx, tx or drops ({@link CounterRecord#PORT_RX} ...) of the port named {@code name} since it was added. */
    public long port(String name, int which) {
        NamedPort p = byName.get(name);
        if (p == null) throw new IllegalArgumentException("no port named " + name + " (ports: " + byName.keySet() + ")");
        return port(p.slot, which) - p.baseline[which];
    }

    /** Every present port's {rx, tx, drops} by name, for a metrics endpoint (allocates). */
    public Map<String, long[]> ports() {
        Map<String, long[]> out = new LinkedHashMap<>();
        Map<String, NamedPort> names = byName;
        for (String name : names.keySet().stream().sorted().toList()) {
            NamedPort p = names.get(name);
            out.put(name, new long[] {port(p.slot, CounterRecord.PORT_RX) - p.baseline[0],
                    port(p.slot, CounterRecord.PORT_TX) - p.baseline[1], port(p.slot, CounterRecord.PORT_DROP) - p.baseline[2]});
        }
        return out;
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
