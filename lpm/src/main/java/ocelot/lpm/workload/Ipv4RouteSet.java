package ocelot.lpm.workload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import ocelot.lpm.Ipv4Routes;

/**
 * A list of IPv4 routes in a fixed order, as parallel primitive arrays, and its file form,
 * which the C side-by-side harness (bench/lpm/lpm_side_by_side.c) reads too:
 *
 * <pre>
 *   0  char[8]  magic "OLPMRT4\0"
 *   8  u32      count
 *  12  u32      maxNextHops
 *  16  count x { u32 prefix; u8 length; u8 pad[3]; u32 nextHop }   all little-endian,
 *      prefix in host order (10.0.0.0 = 0x0A000000)
 * </pre>
 */
public final class Ipv4RouteSet {
    static final byte[] MAGIC = {'O', 'L', 'P', 'M', 'R', 'T', '4', 0};
    private static final int HEADER_BYTES = 16;
    private static final int RECORD_BYTES = 12;

    private final int[] prefixes;
    private final int[] lengths;
    private final int[] nextHops;
    private final int maxNextHops;

    public Ipv4RouteSet(int[] prefixes, int[] lengths, int[] nextHops, int maxNextHops) {
        if (prefixes.length != lengths.length || prefixes.length != nextHops.length) {
            throw new IllegalArgumentException("route arrays differ in length: " + prefixes.length + " prefixes, "
                    + lengths.length + " lengths, " + nextHops.length + " next hops");
        }
        this.prefixes = prefixes;
        this.lengths = lengths;
        this.nextHops = nextHops;
        this.maxNextHops = maxNextHops;
    }

    public int size() {
        return prefixes.length;
    }

    public int prefix(int i) {
        return prefixes[i];
    }

    public int length(int i) {
        return lengths[i];
    }

    public int nextHop(int i) {
        return nextHops[i];
    }

    public int maxNextHops() {
        return maxNextHops;
    }

    /** Routes per prefix length, index 0..32. */
    public int[] lengthHistogram() {
        int[] h = new int[33];
        for (int l : lengths) h[l]++;
        return h;
    }

    public void insertInto(Ipv4Routes table) {
        for (int i = 0; i < prefixes.length; i++) table.insert(prefixes[i], lengths[i], nextHops[i]);
    }

    public void write(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + RECORD_BYTES * prefixes.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(prefixes.length).putInt(maxNextHops);
        for (int i = 0; i < prefixes.length; i++) {
            b.putInt(prefixes[i]).put((byte) lengths[i]).put((byte) 0).putShort((short) 0).putInt(nextHops[i]);
        }
        b.flip();
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) c.write(b);
        }
    }

    public static Ipv4RouteSet read(Path file) throws IOException {
        ByteBuffer b = TraceFiles.readAll(file, MAGIC, HEADER_BYTES);
        int count = b.getInt(8);
        int maxNextHops = b.getInt(12);
        if (count < 0 || (long) count * RECORD_BYTES != b.capacity() - HEADER_BYTES) {
            throw new IOException(file + ": header says " + count + " routes but the file holds "
                    + (b.capacity() - HEADER_BYTES) + " bytes of records (" + RECORD_BYTES + " each)");
        }
        int[] p = new int[count];
        int[] l = new int[count];
        int[] h = new int[count];
        b.position(HEADER_BYTES);
        for (int i = 0; i < count; i++) {
            p[i] = b.getInt();
            l[i] = b.get() & 0xFF;
            b.get();
            b.getShort();
            h[i] = b.getInt();
            if (l[i] > 32) throw new IOException(file + ": route " + i + " has length " + l[i] + " > 32");
        }
        return new Ipv4RouteSet(p, l, h, maxNextHops);
    }
}
