package ocelot.control.datastore;

import java.util.List;

/** The keys under a prefix, sorted by key, as they were at store revision {@code revision}. */
public record Snapshot(List<KeyValue> items, long revision) {
    public Snapshot {
        items = List.copyOf(items);
    }
}
