package ocelot.bgp.wire;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * AS_PATH (RFC 4271 §4.3 type 2, RFC 6793 for 4-octet ASNs) as segments of unsigned 32-bit ASNs.
 * Immutable; hash cached because paths are interned with their attribute sets.
 */
public final class AsPath {
    public static final int AS_SET = 1;
    public static final int AS_SEQUENCE = 2;
    public static final int AS_CONFED_SEQUENCE = 3;
    public static final int AS_CONFED_SET = 4;
    /** RFC 6793 §9: stands in for a 4-octet ASN towards an old speaker. */
    public static final int AS_TRANS = 23456;

    public static final AsPath EMPTY = new AsPath(new int[0], new int[0][]);

    private final int[] types;
    private final int[][] asns;
    private final int hash;

    private AsPath(int[] types, int[][] asns) {
        this.types = types;
        this.asns = asns;
        this.hash = 31 * Arrays.hashCode(types) + Arrays.deepHashCode(asns);
    }

    public static AsPath sequence(long... asns) {
        int[] a = new int[asns.length];
        for (int i = 0; i < a.length; i++) a[i] = (int) asns[i];
        return a.length == 0 ? EMPTY : new AsPath(new int[]{AS_SEQUENCE}, new int[][]{a});
    }

    public int segmentCount() {
        return types.length;
    }

    public int segmentType(int i) {
        return types[i];
    }

    public long asn(int segment, int i) {
        return Integer.toUnsignedLong(asns[segment][i]);
    }

    public int segmentLength(int i) {
        return asns[i].length;
    }

    /** RFC 4271 §9.1.2.2 a: an AS_SET counts 1, confederation segments 0 (RFC 5065 §5.3). */
    public int length() {
        int n = 0;
        for (int i = 0; i < types.length; i++) {
            n += switch (types[i]) {
                case AS_SEQUENCE -> asns[i].length;
                case AS_SET -> 1;
                default -> 0;
            };
        }
        return n;
    }

    public boolean contains(long asn) {
        for (int[] seg : asns) {
            for (int a : seg) {
                if (Integer.toUnsignedLong(a) == asn) return true;
            }
        }
        return false;
    }

    /** RFC 5065 §3: AS_CONFED_SEQUENCE or AS_CONFED_SET anywhere in the path. */
    public boolean hasConfederationSegment() {
        for (int t : types) if (t == AS_CONFED_SEQUENCE || t == AS_CONFED_SET) return true;
        return false;
    }

    /** RFC 5065 §6.1: the path without its confederation segments, for a peer outside the confederation. */
    public AsPath withoutConfederationSegments() {
        if (!hasConfederationSegment()) return this;
        List<Integer> ts = new ArrayList<>();
        List<int[]> segs = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            if (types[i] == AS_CONFED_SEQUENCE || types[i] == AS_CONFED_SET) continue;
            ts.add(types[i]);
            segs.add(asns[i]);
        }
        if (ts.isEmpty()) return EMPTY;
        int[] t = new int[ts.size()];
        for (int i = 0; i < t.length; i++) t[i] = ts.get(i);
        return new AsPath(t, segs.toArray(new int[0][]));
    }

    /** The neighbour AS for MED comparison (RFC 4271 §9.1.2.2 c), or 0 for a locally originated path. */
    public long firstAs() {
        for (int i = 0; i < types.length; i++) {
            if (types[i] == AS_SEQUENCE && asns[i].length > 0) return Integer.toUnsignedLong(asns[i][0]);
            if (types[i] == AS_SET) return 0;
        }
        return 0;
    }

    /** RFC 4271 §5.1.2: prepend our AS when sending to an external peer. */
    public AsPath prepend(long asn) {
        if (types.length > 0 && types[0] == AS_SEQUENCE && asns[0].length < 255) {
            int[][] a = asns.clone();
            int[] first = new int[asns[0].length + 1];
            first[0] = (int) asn;
            System.arraycopy(asns[0], 0, first, 1, asns[0].length);
            a[0] = first;
            return new AsPath(types, a);
        }
        int[] t = new int[types.length + 1];
        int[][] a = new int[asns.length + 1][];
        t[0] = AS_SEQUENCE;
        a[0] = new int[]{(int) asn};
        System.arraycopy(types, 0, t, 1, types.length);
        System.arraycopy(asns, 0, a, 1, asns.length);
        return new AsPath(t, a);
    }

    public boolean needsAs4() {
        for (int[] seg : asns) for (int a : seg) if (Integer.toUnsignedLong(a) > 0xffff) return true;
        return false;
    }

    /** Writes the segments with 4- or 2-octet ASNs; in 2-octet form large ASNs become AS_TRANS. */
    public void write(ByteBuf out, boolean fourOctet) {
        for (int i = 0; i < types.length; i++) {
            out.writeByte(types[i]).writeByte(asns[i].length);
            for (int a : asns[i]) {
                if (fourOctet) out.writeInt(a);
                else out.writeShort(Integer.toUnsignedLong(a) > 0xffff ? AS_TRANS : a);
            }
        }
    }

    /**
     * Parses a whole AS_PATH value; returns null when it is malformed (RFC 7606 §7.2: bad segment
     * type, zero-length segment, or a segment overrunning the attribute), which the caller turns
     * into treat-as-withdraw.
     */
    public static AsPath read(ByteBuf v, boolean fourOctet) {
        int w = fourOctet ? 4 : 2;
        List<int[]> segs = new ArrayList<>(2);
        List<Integer> ts = new ArrayList<>(2);
        while (v.isReadable()) {
            if (v.readableBytes() < 2) return null;
            int t = v.readUnsignedByte();
            int n = v.readUnsignedByte();
            if (t < AS_SET || t > AS_CONFED_SET || n == 0 || v.readableBytes() < n * w) return null;
            int[] a = new int[n];
            for (int i = 0; i < n; i++) a[i] = fourOctet ? v.readInt() : v.readUnsignedShort();
            ts.add(t);
            segs.add(a);
        }
        if (segs.isEmpty()) return EMPTY;
        int[] t = new int[ts.size()];
        for (int i = 0; i < t.length; i++) t[i] = ts.get(i);
        return new AsPath(t, segs.toArray(new int[0][]));
    }

    /**
     * RFC 6793 §4.2.3: rebuild the true path from a 2-octet AS_PATH and the AS4_PATH: keep the
     * leading (AS_PATH length - AS4_PATH length) ASNs of AS_PATH, then AS4_PATH.
     */
    public static AsPath merge(AsPath asPath, AsPath as4Path) {
        int keep = asPath.length() - as4Path.length();
        if (keep < 0) return asPath; // RFC 6793 §4.2.3: ignore AS4_PATH if it is longer
        List<Integer> ts = new ArrayList<>();
        List<int[]> segs = new ArrayList<>();
        for (int i = 0; i < asPath.types.length && keep > 0; i++) {
            int[] a = asPath.asns[i];
            int t = asPath.types[i];
            int take = t == AS_SEQUENCE ? Math.min(keep, a.length) : a.length;
            ts.add(t);
            segs.add(Arrays.copyOf(a, take));
            keep -= t == AS_SEQUENCE ? take : (t == AS_SET ? 1 : 0);
        }
        for (int i = 0; i < as4Path.types.length; i++) {
            ts.add(as4Path.types[i]);
            segs.add(as4Path.asns[i]);
        }
        int[] t = new int[ts.size()];
        for (int i = 0; i < t.length; i++) t[i] = ts.get(i);
        return new AsPath(t, segs.toArray(new int[0][]));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AsPath p && p.hash == hash && Arrays.equals(p.types, types) && Arrays.deepEquals(p.asns, asns);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < types.length; i++) {
            if (i > 0) sb.append(' ');
            boolean set = types[i] == AS_SET || types[i] == AS_CONFED_SET;
            if (set) sb.append('{');
            for (int j = 0; j < asns[i].length; j++) {
                if (j > 0) sb.append(set ? "," : " ");
                sb.append(Integer.toUnsignedLong(asns[i][j]));
            }
            if (set) sb.append('}');
        }
        return sb.toString();
    }
}
