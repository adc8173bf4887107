package ocelot.control.datastore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The default datastore: a directory holding a {@link WriteAheadLog} ({@code ocelot.wal}) and a
 * lock file ({@code ocelot.lock}), shared safely by every process on the machine (the node
 * agent and any number of ocelotctl invocations).
 *
 * <p>Cross-process ordering: a writer takes an exclusive {@code flock} on the lock file, first
 * reads every record other processes appended since it last looked, checks its conditions
 * against that state, appends its record with the next revision and fsyncs before releasing
 * the lock. Readers take the shared lock only when the log grew. So revisions are one total
 * order over all processes, exactly as etcd's, and compare-and-swap works across them.
 *
 * <p>Watches replay from an in-memory history of the last {@code historyLimit} events; a
 * watcher further behind than that resyncs from a snapshot. Other processes' writes are picked
 * up by polling the log's size every {@code pollIntervalMillis}.
 */
public final class EmbeddedDatastore implements Datastore {
    /** Java file locks are per process: threads and instances of this JVM serialise here first. */
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
    private static final AtomicInteger WATCH_IDS = new AtomicInteger();

    /**
     * {@code compactBytes}: when the log grows past this and past twice the live data, the writer
     * rewrites it as one snapshot (see {@link WriteAheadLog#rewrite}).
     */
    public record Options(int historyLimit, long pollIntervalMillis, long compactBytes) {
        public static final Options DEFAULTS = new Options(100_000, 20, 64L << 20);

        public Options {
            if (historyLimit < 1) throw new IllegalArgumentException("historyLimit must be >= 1");
            if (pollIntervalMillis < 1) throw new IllegalArgumentException("pollIntervalMillis must be >= 1");
            if (compactBytes < 1) throw new IllegalArgumentException("compactBytes must be >= 1");
        }

        public Options(int historyLimit, long pollIntervalMillis) {
            this(historyLimit, pollIntervalMillis, DEFAULTS_COMPACT_BYTES);
        }
    }

    private static final long DEFAULTS_COMPACT_BYTES = 64L << 20;

    private final Path dir;
    private final Options options;
    private final ReentrantLock jvmLock;
    private final FileChannel lockChannel;
    private final WriteAheadLog wal;
    private final Keyspace keyspace;
    private final List<EmbeddedWatch> watches = new ArrayList<>();
    private volatile boolean closed;

    private EmbeddedDatastore(Path dir, Options options) throws IOException {
        this.dir = dir;
        this.options = options;
        Files.createDirectories(dir);
        Path canonical = dir.toRealPath();
        this.jvmLock = JVM_LOCKS.computeIfAbsent(canonical, p -> new ReentrantLock());
        this.lockChannel = FileChannel.open(canonical.resolve("ocelot.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        jvmLock.lock();
        try (FileLock ignored = lockChannel.lock(0, Long.MAX_VALUE, true)) {
            this.wal = new WriteAheadLog(canonical.resolve("ocelot.wal"));
        } finally {
            jvmLock.unlock();
        }
        this.keyspace = new Keyspace(options.historyLimit());
        catchUp();
    }

    public static EmbeddedDatastore open(Path dir) {
        return open(dir, Options.DEFAULTS);
    }

    public static EmbeddedDatastore open(Path dir, Options options) {
        try {
            return new EmbeddedDatastore(dir, options);
        } catch (IOException e) {
            throw new DatastoreException("cannot open the embedded datastore in " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path directory() {
        return dir;
    }

    @Override
    public String describe() {
        return "embedded datastore " + dir;
    }

    @Override
    public Optional<KeyValue> get(String key) {
        catchUp();
        synchronized (keyspace) {
            return Optional.ofNullable(keyspace.get(key));
        }
    }

    @Override
    public Snapshot list(String prefix) {
        catchUp();
        synchronized (keyspace) {
            return keyspace.list(prefix);
        }
    }

    @Override
    public long commit(List<Mutation> mutations) {
        if (mutations.isEmpty()) throw new IllegalArgumentException("commit needs at least one mutation");
        ensureOpen();
        jvmLock.lock();
        try (FileLock ignored = lockChannel.lock(0, Long.MAX_VALUE, false)) {
            readNewRecords();
            wal.truncateTornTail();
            List<WriteAheadLog.Op> ops = new ArrayList<>(mutations.size());
            long next;
            synchronized (keyspace) {
                for (Mutation m : mutations) {
                    checkCondition(m, keyspace.get(m.key()));
                    ops.add(switch (m) {
                        case Mutation.Create c -> new WriteAheadLog.Op(false, c.key(), c.value());
                        case Mutation.Update u -> new WriteAheadLog.Op(false, u.key(), u.value());
                        case Mutation.Put p -> new WriteAheadLog.Op(false, p.key(), p.value());
                        case Mutation.Delete d -> new WriteAheadLog.Op(true, d.key(), null);
                    });
                }
                next = keyspace.revision() + 1;
            }
            WriteAheadLog.Entry entry = new WriteAheadLog.Entry(next, ops);
            wal.append(entry);
            List<KeyValue> compactable = null;
            synchronized (keyspace) {
                keyspace.apply(entry);
                keyspace.notifyAll();
                if (wal.size() > options.compactBytes()) {
                    List<KeyValue> all = keyspace.all();
                    long live = 0;
                    for (KeyValue kv : all) live += kv.key().length() + kv.value().length() + 32;
                    if (wal.size() > 2 * live) compactable = all;
                }
            }
            // The commit is durable already; a failed compaction leaves the old log in place.
            if (compactable != null) wal.rewrite(next, compactable);
            return next;
        } catch (IOException e) {
            throw new DatastoreException(describe() + ": write failed: " + e.getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
    }

    static void checkCondition(Mutation m, KeyValue current) {
        switch (m) {
            case Mutation.Create c -> {
                if (current != null) throw new ConflictException(c.key(), ConflictException.Reason.ALREADY_EXISTS);
            }
            case Mutation.Update u -> checkExisting(u.key(), current, u.expectedModRevision());
            case Mutation.Delete d -> checkExisting(d.key(), current, d.expectedModRevision());
            case Mutation.Put p -> { }
        }
    }

    private static void checkExisting(String key, KeyValue current, long expected) {
        if (current == null) throw new ConflictException(key, ConflictException.Reason.NOT_FOUND);
        if (expected != Mutation.ANY_REVISION && current.modRevision() != expected) {
            throw new ConflictException(key, ConflictException.Reason.REVISION_MISMATCH);
        }
    }

    /** Applies records other processes appended; cheap when the log did not grow. */
    void catchUp() {
        ensureOpen();
        try {
            if (!wal.mayHaveNewRecords() && keyspace.revision() > 0 && !wal.replacedOnDisk()) return;
            jvmLock.lock();
            try (FileLock ignored = lockChannel.lock(0, Long.MAX_VALUE, true)) {
                readNewRecords();
            } finally {
                jvmLock.unlock();
            }
        } catch (IOException e) {
            throw new DatastoreException(describe() + ": read failed: " + e.getMessage(), e);
        }
    }

    /** Caller holds the file lock. Follows compactions: finish the old file, then the new one. */
    private void readNewRecords() throws IOException {
        while (true) {
            WriteAheadLog.Scan scan = wal.readNew();
            if (!scan.entries().isEmpty()) {
                synchronized (keyspace) {
                    for (WriteAheadLog.Entry e : scan.entries()) keyspace.apply(e);
                    keyspace.notifyAll();
                }
            }
            if (!wal.replacedOnDisk()) return;
            wal.reopen();
        }
    }

    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        ensureOpen();
        EmbeddedWatch w = new EmbeddedWatch(prefix, afterRevision, listener);
        synchronized (watches) {
            watches.add(w);
        }
        Thread.ofPlatform().daemon().name("ocelot-embedded-watch-" + WATCH_IDS.incrementAndGet()).start(w::run);
        return w;
    }

    @Override
    public void compact(long revision) {
        catchUp();
        synchronized (keyspace) {
            keyspace.compactTo(revision);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        List<EmbeddedWatch> open;
        synchronized (watches) {
            open = List.copyOf(watches);
        }
        open.forEach(EmbeddedWatch::close);
        closed = true;
        wal.close();
        try {
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void ensureOpen() {
        if (closed) throw new DatastoreException(describe() + " is closed");
    }

    /** One watcher: its own thread replays history after its position, or resyncs. */
    private final class EmbeddedWatch implements Watch {
        private final String prefix;
        private final WatchListener listener;
        private long position;
        private volatile boolean stopped;

        EmbeddedWatch(String prefix, long afterRevision, WatchListener listener) {
            this.prefix = prefix;
            this.position = afterRevision;
            this.listener = listener;
        }

        void run() {
            while (!stopped && !closed) {
                List<WatchEvent> events = null;
                Snapshot resync = null;
                try {
                    catchUp();
                    synchronized (keyspace) {
                        if (keyspace.revision() <= position) {
                            keyspace.wait(options.pollIntervalMillis());
                            continue;
                        }
                        if (position < keyspace.compactedRevision()) {
                            resync = keyspace.list(prefix);
                        } else {
                            events = keyspace.eventsAfter(prefix, position);
                        }
                        position = keyspace.revision();
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (DatastoreException e) {
                    if (stopped || closed) return;
                    throw e;
                }
                if (stopped) return;
                if (resync != null) {
                    listener.onResync(resync, "watch fell behind the retained history (compacted at revision "
                            + keyspace.compactedRevision() + ")");
                } else {
                    for (WatchEvent e : events) {
                        if (stopped) return;
                        listener.onEvent(e);
                    }
                    listener.onCaughtUp(position); // the keyspace revision these events were read at
                }
            }
        }

        @Override
        public void close() {
            stopped = true;
            synchronized (watches) {
                watches.remove(this);
            }
        }
    }
}
