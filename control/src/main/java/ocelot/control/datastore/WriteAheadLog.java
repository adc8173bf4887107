package ocelot.control.datastore;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The embedded store's only durable state: an append-only file of committed transactions.
 *
 * <pre>
 *   file   := MAGIC(8 bytes "OCELWAL1") record*
 *   record := length(int32) crc32c(int32, over payload) payload(length bytes)
 *   payload:= revision(int64) opCount(int32) op*
 *   op     := kind(int8: 1 put, 2 delete, 3 snapshot) keyLength(int32) key(UTF-8)
 *             [valueLength(int32) value(UTF-8)] [createRevision(int64) modRevision(int64), kind 3 only]
 * </pre>
 *
 * Compaction ({@link #rewrite}) writes the whole keyspace as one snapshot record (kind-3 ops keep
 * every key's create and mod revisions) into a new file and renames it over the log; processes
 * still reading the old file finish it through their open descriptor, notice the replacement
 * ({@link #replacedOnDisk}) and continue in the new file after the snapshot.
 *
 * A record is acknowledged only after {@link FileChannel#force} returns, so kill -9 (and power
 * loss, given an honest disk) can leave at most one incomplete record at the end of the file:
 * a record whose length runs past the end, or whose checksum fails while it is the last one. The
 * next writer truncates that tail; damage anywhere else is reported, never silently cut away,
 * because acknowledged records would follow it. Not thread-safe: callers hold the store lock.
 */
final class WriteAheadLog implements AutoCloseable {
    static final byte[] MAGIC = "OCELWAL1".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = 8;
    private static final int MAX_RECORD_BYTES = 64 << 20;

    record Op(boolean delete, String key, String value) {}

    /** A commit, or (with {@code snapshot} non-null) the full keyspace at {@code revision}. */
    record Entry(long revision, List<Op> ops, List<KeyValue> snapshot) {
        Entry(long revision, List<Op> ops) {
            this(revision, ops, null);
        }
    }

    /** What a scan found: complete entries, and whether an incomplete tail follows them. */
    record Scan(List<Entry> entries, long endOffset, boolean tornTail) {}

    private final Path path;
    private FileChannel channel;
    /** Identity (device, inode) of the file {@link #channel} reads; compaction replaces it. */
    private Object fileKey;
    /** Offset just after the last complete record this process has read or written. */
    private long validEnd;

    /** Caller holds the store lock (shared is enough), so no compaction swaps the file meanwhile. */
    WriteAheadLog(Path path) throws IOException {
        this.path = path;
        open();
    }

    private void open() throws IOException {
        this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        this.fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        this.validEnd = 0;
    }

    long size() throws IOException {
        return channel.size();
    }

    /** True when another process compacted the log: the path now names a different file. */
    boolean replacedOnDisk() throws IOException {
        return !Files.readAttributes(path, BasicFileAttributes.class).fileKey().equals(fileKey);
    }

    /** Switches to the file now at the path; the next {@link #readNew} starts with its snapshot. */
    void reopen() throws IOException {
        channel.close();
        open();
    }

    /**
     * Replaces the log by one snapshot of {@code keys} at {@code revision}: written to a temporary
     * file, fsynced, renamed atomically over the log, directory fsynced. Caller holds the write lock
     * and has read the whole current log.
     */
    void rewrite(long revision, List<KeyValue> keys) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".compact");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer record = frame(encode(new Entry(revision, List.of(), keys)));
            ByteBuffer magic = ByteBuffer.wrap(MAGIC);
            while (magic.hasRemaining()) out.write(magic);
            while (record.hasRemaining()) out.write(record);
            out.force(true);
        }
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dirChannel = FileChannel.open(path.getParent(), StandardOpenOption.READ)) {
            dirChannel.force(true);
        }
        reopen();
        readNew(); // positions after the snapshot this process already holds
    }

    Path path() {
        return path;
    }

    /** True when the file may hold records this process has not read yet (a cheap fstat). */
    boolean mayHaveNewRecords() throws IOException {
        return channel.size() != validEnd;
    }

    /** Reads complete records after {@link #validEnd} and advances past them. */
    Scan readNew() throws IOException {
        long size = channel.size();
        long pos = validEnd;
        if (pos == 0) {
            if (size < MAGIC.length) return new Scan(List.of(), 0, size > 0);
            ByteBuffer magic = readFully(0, MAGIC.length);
            if (!magic.equals(ByteBuffer.wrap(MAGIC))) {
                throw new DatastoreException(path + " is not an Ocelot write-ahead log (bad magic)");
            }
            pos = MAGIC.length;
        }
        List<Entry> entries = new ArrayList<>();
        while (pos < size) {
            if (size - pos < HEADER_BYTES) return finish(entries, pos, true);
            ByteBuffer header = readFully(pos, HEADER_BYTES);
            int length = header.getInt();
            int crc = header.getInt();
            if (length < 12 || length > MAX_RECORD_BYTES || pos + HEADER_BYTES + length > size) {
                return finish(entries, pos, true);
            }
            ByteBuffer payload = readFully(pos + HEADER_BYTES, length);
            CRC32C check = new CRC32C();
            check.update(payload.duplicate());
            if ((int) check.getValue() != crc) {
                if (pos + HEADER_BYTES + length == size) return finish(entries, pos, true);
                throw new DatastoreException(path + ": checksum mismatch in the record at offset " + pos
                        + " with more records after it; refusing to drop acknowledged writes");
            }
            entries.add(decode(payload, pos));
            pos += HEADER_BYTES + length;
            validEnd = pos;
        }
        return finish(entries, pos, false);
    }

    private Scan finish(List<Entry> entries, long pos, boolean torn) {
        validEnd = pos;
        return new Scan(entries, pos, torn);
    }

    /** Cuts an incomplete tail left by a writer that died mid-append. Caller holds the write lock. */
    void truncateTornTail() throws IOException {
        if (channel.size() > validEnd) {
            channel.truncate(validEnd);
            channel.force(true);
        }
    }

    /** Appends one entry and forces it to disk; when this returns the commit is acknowledged. */
    void append(Entry entry) throws IOException {
        if (validEnd == 0) {
            channel.write(ByteBuffer.wrap(MAGIC), 0);
            validEnd = MAGIC.length;
        }
        ByteBuffer record = frame(encode(entry));
        long pos = validEnd;
        while (record.hasRemaining()) pos += channel.write(record, pos);
        channel.force(false);
        validEnd = pos;
    }

    private static ByteBuffer frame(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        return record.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
    }

    private ByteBuffer readFully(long pos, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos + buf.position());
            if (n < 0) throw new DatastoreException(path + ": file shrank while reading at offset " + pos);
        }
        return buf.flip();
    }

    private static byte[] encode(Entry entry) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeLong(entry.revision());
        if (entry.snapshot() != null) {
            out.writeInt(entry.snapshot().size());
            for (KeyValue kv : entry.snapshot()) {
                out.writeByte(3);
                writeString(out, kv.key());
                writeString(out, kv.value());
                out.writeLong(kv.createRevision());
                out.writeLong(kv.modRevision());
            }
            return bytes.toByteArray();
        }
        out.writeInt(entry.ops().size());
        for (Op op : entry.ops()) {
            out.writeByte(op.delete() ? 2 : 1);
            writeString(out, op.key());
            if (!op.delete()) writeString(out, op.value());
        }
        return bytes.toByteArray();
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private Entry decode(ByteBuffer payload, long offset) {
        try {
            long revision = payload.getLong();
            int count = payload.getInt();
            List<Op> ops = new ArrayList<>(count);
            List<KeyValue> snapshot = null;
            for (int i = 0; i < count; i++) {
                byte kind = payload.get();
                String key = readString(payload);
                if (kind == 1) ops.add(new Op(false, key, readString(payload)));
                else if (kind == 2) ops.add(new Op(true, key, null));
                else if (kind == 3) {
                    if (snapshot == null) snapshot = new ArrayList<>(count);
                    String value = readString(payload);
                    snapshot.add(new KeyValue(key, value, payload.getLong(), payload.getLong()));
                } else throw new DatastoreException("unknown op kind " + kind);
            }
            if (snapshot != null && !ops.isEmpty()) throw new DatastoreException("record mixes snapshot and commit ops");
            if (count == 0) snapshot = List.of(); // commits have ops: an empty record is an empty snapshot
            return new Entry(revision, ops, snapshot);
        } catch (RuntimeException e) {
            throw new DatastoreException(path + ": undecodable record at offset " + offset + " (checksum matched): "
                    + e.getMessage(), e);
        }
    }

    private static String readString(ByteBuffer buf) {
        int n = buf.getInt();
        byte[] b = new byte[n];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a read/write channel after force() cannot lose data
        }
    }
}
