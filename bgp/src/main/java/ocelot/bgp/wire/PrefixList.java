package ocelot.bgp.wire;

import io.netty.buffer.ByteBuf;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/**
 * The NLRI of one UPDATE, all of one family, held as primitive columns: a million received
 * routes cost no {@link Prefix} objects on the way into the RIB, which reads
 * {@link #low}/{@link #high}/{@link #length} directly. {@link #get} still builds a Prefix, so
 * the list compares and prints like any other {@code List<Prefix>} (equals/hashCode of
 * {@link java.util.List}). Immutable once built. Measured on the 1M transit benchmark: one
 * 40-byte Prefix per route was a third of the speaker's allocation.
 */
public final class PrefixList extends AbstractList<Prefix> implements RandomAccess {
    private final AddressFamily family;
    private final long[] high; // null for IPv4
    private final long[] low;  // null for IPv4
    /** IPv4 addresses: 4 octets a route instead of 8 (a full-table load or withdrawal decodes a million). */
    private final int[] v4;    // null for IPv6
    private final byte[] lengths;
    private final int size;

    private PrefixList(AddressFamily family, long[] high, long[] low, int[] v4, byte[] lengths, int size) {
        this.family = family;
        this.high = high;
        this.low = low;
        this.v4 = v4;
        this.lengths = lengths;
        this.size = size;
    }

    public AddressFamily family() {
        return family;
    }

    @Override
    public int size() {
        return size;
    }

    public long high(int i) {
        return high == null ? 0 : high[i];
    }

    /** For IPv4, the address in the low 32 bits (host bits zero). */
    public long low(int i) {
        return v4 != null ? Integer.toUnsignedLong(v4[i]) : low[i];
    }

    public int length(int i) {
        return lengths[i] & 0xff;
    }

    @Override
    public Prefix get(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException(i);
        return new Prefix(family, high(i), low(i), length(i));
    }

    /** Collects prefixes of one family while an UPDATE is decoded. */
    public static final class Builder {
        private final AddressFamily family;
        private long[] high;
        private long[] low;
        private int[] v4;
        private byte[] lengths = new byte[8];
        private int size;

        public Builder(AddressFamily family) {
            this.family = family;
            if (family == AddressFamily.IPV4_UNICAST) {
                v4 = new int[8];
            } else {
                high = new long[8];
                low = new long[8];
            }
        }

        /**
         * Makes room for the entries {@code octets} of NLRI can hold at 4 octets each (a /24 or
         * longer IPv4 prefix takes 4-5), so a full UPDATE's columns are not regrown six times
         * (JFR on the transit DUT: add() ~4% of the event loop).
         */
        public void expect(int octets) {
            int n = octets / 4 + 1;
            if (n > lengths.length) grow(n);
        }

        private void grow(int n) {
            lengths = Arrays.copyOf(lengths, n);
            if (v4 != null) {
                v4 = Arrays.copyOf(v4, n);
            } else {
                low = Arrays.copyOf(low, n);
                high = Arrays.copyOf(high, n);
            }
        }

        public boolean isEmpty() {
            return size == 0;
        }

        public int size() {
            return size;
        }

        private void add(long h, long l, int len) {
            if (size == lengths.length) grow(size * 2);
            if (v4 != null) {
                v4[size] = (int) l;
            } else {
                high[size] = h;
                low[size] = l;
            }
            lengths[size++] = (byte) len;
        }

        /**
         * Reads one NLRI entry (RFC 4271 §4.3) as {@link Prefix#read} does, with the same
         * errors, host bits cleared, without a Prefix object.
         */
        public void read(ByteBuf in) {
            int len = in.readUnsignedByte();
            if (len > family.maxPrefixLength) {
                throw new IllegalArgumentException("NLRI length " + len + " exceeds " + family.maxPrefixLength);
            }
            int bytes = (len + 7) >>> 3;
            if (in.readableBytes() < bytes) {
                throw new IllegalArgumentException("NLRI /" + len + " needs " + bytes + " octets, " + in.readableBytes() + " left");
            }
            if (family == AddressFamily.IPV4_UNICAST) {
                int a;
                if (bytes == 4) {
                    a = in.readInt();
                } else {
                    a = 0;
                    for (int i = 0; i < bytes; i++) a |= in.readUnsignedByte() << (24 - 8 * i);
                }
                int mask = len == 0 ? 0 : -1 << (32 - len);
                add(0, Integer.toUnsignedLong(a & mask), len);
                return;
            }
            long h = 0;
            long l = 0;
            for (int i = 0; i < bytes; i++) {
                long b = in.readUnsignedByte();
                if (i < 8) h |= b << (56 - 8 * i);
                else l |= b << (56 - 8 * (i - 8));
            }
            Prefix p = Prefix.ipv6(h, l, len); // masks the host bits; IPv6 is rare in a Calico table
            add(p.high(), p.low(), len);
        }

        /**
         * Reads NLRI entries until {@code in} is empty: {@link #read} repeated, with the same checks
         * and errors, but IPv4 entries are parsed from one bulk copy of the octets. Per-entry ByteBuf
         * reads (bounds, reference-count and byte-order steps each, under C1) were most of the
         * event loop's decode samples on the 1M transit (JFR).
         */
        public void readAll(ByteBuf in) {
            if (family != AddressFamily.IPV4_UNICAST) {
                while (in.isReadable()) read(in);
                return;
            }
            int n = in.readableBytes();
            byte[] b = new byte[n];
            in.readBytes(b);
            int p = 0;
            while (p < n) {
                int len = b[p++] & 0xff;
                if (len > 32) throw new IllegalArgumentException("NLRI length " + len + " exceeds " + family.maxPrefixLength);
                int bytes = (len + 7) >>> 3;
                if (n - p < bytes) throw new IllegalArgumentException("NLRI /" + len + " needs " + bytes + " octets, " + (n - p) + " left");
                int a = 0;
                for (int i = 0; i < bytes; i++) a |= (b[p + i] & 0xff) << (24 - 8 * i);
                p += bytes;
                int mask = len == 0 ? 0 : -1 << (32 - len);
                add(0, Integer.toUnsignedLong(a & mask), len);
            }
        }

        public PrefixList build() {
            return new PrefixList(family, high, low, v4, lengths, size);
        }
    }
}
