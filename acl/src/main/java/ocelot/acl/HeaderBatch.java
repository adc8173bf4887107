package ocelot.acl;

/**
 * The 5-tuples of one burst as a structure of arrays, filled by the dataplane's parse stage and
 * read by {@link Classifier#classify}. Entry {@code i} is IPv4 when {@code ipVersion[i] == 4}
 * (addresses in {@link #srcV4}/{@link #dstV4}, first octet in the top byte) and IPv6 when it is
 * 6 (addresses in the {@code *V6Hi}/{@code *V6Lo} pairs, network order: hi holds bytes 0..7).
 * Ports are 0..65535 and the protocol 0..255; for protocols without ports the parser writes 0.
 * An entry whose {@code ipVersion} is neither 4 nor 6 (e.g. a non-IP frame) matches no rule.
 *
 * <p>The arrays are public and final so the parse stage writes them without calls; one batch
 * belongs to one worker thread.
 */
public final class HeaderBatch {
    public final int capacity;
    public final byte[] ipVersion;
    public final int[] srcV4;
    public final int[] dstV4;
    public final long[] srcV6Hi;
    public final long[] srcV6Lo;
    public final long[] dstV6Hi;
    public final long[] dstV6Lo;
    public final int[] srcPort;
    public final int[] dstPort;
    public final int[] protocol;
    /**
     * Classifier scratch: the headers of the burst still open while a classifier goes table by
     * table. Here, not in the classifier, since a batch belongs to one worker thread and
     * classify allocates nothing.
     */
    final int[] active;

    public HeaderBatch(int capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("capacity " + capacity + " must be positive");
        this.capacity = capacity;
        ipVersion = new byte[capacity];
        srcV4 = new int[capacity];
        dstV4 = new int[capacity];
        srcV6Hi = new long[capacity];
        srcV6Lo = new long[capacity];
        dstV6Hi = new long[capacity];
        dstV6Lo = new long[capacity];
        srcPort = new int[capacity];
        dstPort = new int[capacity];
        protocol = new int[capacity];
        active = new int[capacity];
    }

    public void setV4(int i, int src, int dst, int sport, int dport, int proto) {
        ipVersion[i] = 4;
        srcV4[i] = src;
        dstV4[i] = dst;
        srcPort[i] = sport;
        dstPort[i] = dport;
        protocol[i] = proto;
    }

    public void setV6(int i, long srcHi, long srcLo, long dstHi, long dstLo, int sport, int dport, int proto) {
        ipVersion[i] = 6;
        srcV6Hi[i] = srcHi;
        srcV6Lo[i] = srcLo;
        dstV6Hi[i] = dstHi;
        dstV6Lo[i] = dstLo;
        srcPort[i] = sport;
        dstPort[i] = dport;
        protocol[i] = proto;
    }

    /** Copies header {@code from} of {@code other} into slot {@code to} of this batch. */
    public void copy(int to, HeaderBatch other, int from) {
        ipVersion[to] = other.ipVersion[from];
        srcV4[to] = other.srcV4[from];
        dstV4[to] = other.dstV4[from];
        srcV6Hi[to] = other.srcV6Hi[from];
        srcV6Lo[to] = other.srcV6Lo[from];
        dstV6Hi[to] = other.dstV6Hi[from];
        dstV6Lo[to] = other.dstV6Lo[from];
        srcPort[to] = other.srcPort[from];
        dstPort[to] = other.dstPort[from];
        protocol[to] = other.protocol[from];
    }
}
