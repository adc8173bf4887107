package ocelot.control.dataplane;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import ocelot.control.datastore.KeyValue;
import ocelot.control.datastore.Snapshot;
import ocelot.control.datastore.WatchEvent;
import ocelot.control.ipam.BlockAffinityIpam;
import ocelot.control.resource.Kind;
import ocelot.control.resource.ResourceKey;

/**
 * The datastore keys the dataplane reads, as last applied, and the changes waiting to be: the
 * watch thread records events and resyncs, the driver thread drains them as one batch (a burst
 * of events is one batch, hence one publish). A resync replaces the whole desired view; the
 * batch it yields holds only the keys whose value differs from what was applied (Felix's
 * delta tracker: desired vs applied), so a resync that changed nothing costs nothing downstream.
 */
final class DatastoreMirror {
    static final String[] PREFIXES = {
            ResourceKey.folder(Kind.WORKLOAD_ENDPOINT), ResourceKey.folder(Kind.HOST_ENDPOINT),
            ResourceKey.folder(Kind.POLICY), ResourceKey.folder(Kind.PROFILE), ResourceKey.folder(Kind.IP_POOL),
            BlockAffinityIpam.ROOT + "block/"};

    /** Keys changed since the last drain, value null = deleted (watch thread writes, driver thread drains). */
    private final Map<String, String> pending = new LinkedHashMap<>();
    private Map<String, String> resync;
    private long pendingRevision;
    /** What the driver applied (driver thread only). */
    private final Map<String, String> applied = new HashMap<>();

    /** A drained batch: changed keys (value null = deleted) and the store revision they bring us to. */
    record Batch(Map<String, String> changes, long revision, boolean resynced) {}

    static boolean relevant(String key) {
        for (String p : PREFIXES) if (key.startsWith(p)) return true;
        return false;
    }

    synchronized void event(WatchEvent e) {
        if (!relevant(e.key())) return;
        if (resync != null) {
            if (e.type() == WatchEvent.Type.DELETED) resync.remove(e.key());
            else resync.put(e.key(), e.value());
        } else {
            pending.put(e.key(), e.type() == WatchEvent.Type.DELETED ? null : e.value());
        }
    }

    /** Every event up to {@code revision} was recorded: a batch drained now holds whole commits up to it. */
    synchronized void caughtUp(long revision) {
        pendingRevision = Math.max(pendingRevision, revision);
    }

    synchronized void resync(Snapshot snapshot) {
        pending.clear();
        resync = new HashMap<>();
        for (KeyValue kv : snapshot.items()) if (relevant(kv.key())) resync.put(kv.key(), kv.value());
        pendingRevision = Math.max(pendingRevision, snapshot.revision());
    }

    /** Takes what changed since the last drain and marks it applied. */
    Batch drain() {
        Map<String, String> changes = new LinkedHashMap<>();
        Map<String, String> full;
        long revision;
        synchronized (this) {
            full = resync;
            resync = null;
            if (full == null) changes.putAll(pending);
            pending.clear();
            revision = pendingRevision;
        }
        if (full != null) {
            for (Map.Entry<String, String> e : applied.entrySet()) if (!full.containsKey(e.getKey())) changes.put(e.getKey(), null);
            for (Map.Entry<String, String> e : full.entrySet()) {
                if (!Objects.equals(applied.get(e.getKey()), e.getValue())) changes.put(e.getKey(), e.getValue());
            }
        }
        changes.entrySet().removeIf(e -> Objects.equals(applied.get(e.getKey()), e.getValue()));
        for (Map.Entry<String, String> e : changes.entrySet()) {
            if (e.getValue() == null) applied.remove(e.getKey());
            else applied.put(e.getKey(), e.getValue());
        }
        return new Batch(changes, revision, full != null);
    }
}
