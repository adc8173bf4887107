package ocelot.control.datastore;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The embedded store's in-memory view: current keys plus a bounded tail of history that watches
 * replay from. Entries are applied strictly in revision order. Not thread-safe: guarded by the
 * store's monitor.
 */
final class Keyspace {
    private final NavigableMap<String, KeyValue> keys = new TreeMap<>();
    private final ArrayList<WatchEvent> history = new ArrayList<>();
    private final int historyLimit;
    private long revision;
    /** History holds every event with a revision greater than this. */
    private long compactedRevision;

    Keyspace(int historyLimit) {
        this.historyLimit = historyLimit;
    }

    long revision() {
        return revision;
    }

    long compactedRevision() {
        return compactedRevision;
    }

    KeyValue get(String key) {
        return keys.get(key);
    }

    Snapshot list(String prefix) {
        return new Snapshot(new ArrayList<>(keys.subMap(prefix, true, prefix + Character.MAX_VALUE, false).values()),
                revision);
    }

    void apply(WriteAheadLog.Entry entry) {
        if (entry.snapshot() != null) {
            loadSnapshot(entry);
            return;
        }
        if (entry.revision() != revision + 1) {
            throw new DatastoreException("write-ahead log out of order: revision " + entry.revision()
                    + " follows " + revision);
        }
        revision = entry.revision();
        for (WriteAheadLog.Op op : entry.ops()) {
            KeyValue old = keys.get(op.key());
            if (op.delete()) {
                if (old == null) continue;
                keys.remove(op.key());
                history.add(new WatchEvent(WatchEvent.Type.DELETED, op.key(), null, revision));
            } else {
                long created = old == null ? revision : old.createRevision();
                keys.put(op.key(), new KeyValue(op.key(), op.value(), created, revision));
                history.add(new WatchEvent(old == null ? WatchEvent.Type.ADDED : WatchEvent.Type.UPDATED,
                        op.key(), op.value(), revision));
            }
        }
        if (history.size() > historyLimit) compactTo(history.get(history.size() - historyLimit).revision());
    }

    /**
     * A compacted log starts with the whole keyspace. Identical to what this process holds when
     * it read the old log to its end (the usual case: nothing to do); otherwise the keys are
     * replaced and history restarts, so watchers behind it resync.
     */
    private void loadSnapshot(WriteAheadLog.Entry entry) {
        if (entry.revision() == revision && revision > 0) return;
        keys.clear();
        for (KeyValue kv : entry.snapshot()) keys.put(kv.key(), kv);
        history.clear();
        revision = entry.revision();
        compactedRevision = revision;
    }

    List<KeyValue> all() {
        return new ArrayList<>(keys.values());
    }

    /** Drops history at and before {@code rev}, whole revisions at a time. */
    void compactTo(long rev) {
        if (rev <= compactedRevision) return;
        int drop = 0;
        while (drop < history.size() && history.get(drop).revision() <= rev) drop++;
        history.subList(0, drop).clear();
        compactedRevision = Math.min(rev, revision);
    }

    /** Events under {@code prefix} after {@code afterRevision}; caller checked it is not compacted. */
    List<WatchEvent> eventsAfter(String prefix, long afterRevision) {
        int lo = 0;
        int hi = history.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (history.get(mid).revision() <= afterRevision) lo = mid + 1;
            else hi = mid;
        }
        List<WatchEvent> out = new ArrayList<>();
        for (int i = lo; i < history.size(); i++) {
            WatchEvent e = history.get(i);
            if (e.key().startsWith(prefix)) out.add(e);
        }
        return out;
    }
}
