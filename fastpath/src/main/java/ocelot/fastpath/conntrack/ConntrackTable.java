package ocelot.fastpath.conntrack;

/**
 * One worker's connection-tracking table, all primitive arrays allocated once (no allocation
 * per packet, no locks: single-threaded by construction). A flow keeps two tuples, the
 * original direction and the reply as it will arrive (after any NAT), each indexed in an
 * open-addressing hash index (linear probing, backward-shift deletion, load <= 1/2); a lookup
 * returns a reference {@code flow << 1 | direction}.
 *
 * <p>Bounded: when every flow slot is taken, a clock hand evicts the flow closest to expiry
 * among the next {@link #EVICTION_SAMPLE} (counted as eviction); {@link #expire} removes timed-out
 * flows a few at a time so the cost is spread over bursts.
 */
public final class ConntrackTable {
    public static final int NONE = -1;
    static final int EVICTION_SAMPLE = 8;

    private final int flowCapacity;
    private final int indexMask;
    private final int[] index;
    // original tuple
    private final int[] oSrc, oDst, oPorts;
    // reply tuple
    private final int[] rSrc, rDst, rPorts;
    private final byte[] proto;
    private final byte[] state;
    private final byte[] fins;
    private final long[] expires;
    /** Original source/port before SNAT (0 = no translation), to restore on replies. */
    private final int[] natOrigSrc;
    private final int[] natOrigPort;
    private final int[] nextFree;
    private int freeHead;
    private int live;
    private int hand;
    private long evicted;
    private long expired;

    public ConntrackTable(int flowCapacity) {
        if (flowCapacity < 16 || Integer.bitCount(flowCapacity) != 1) throw new IllegalArgumentException("conntrack capacity must be a power of two >= 16, got " + flowCapacity);
        this.flowCapacity = flowCapacity;
        this.index = new int[flowCapacity * 4];
        this.indexMask = index.length - 1;
        oSrc = new int[flowCapacity]; oDst = new int[flowCapacity]; oPorts = new int[flowCapacity];
        rSrc = new int[flowCapacity]; rDst = new int[flowCapacity]; rPorts = new int[flowCapacity];
        proto = new byte[flowCapacity];
        state = new byte[flowCapacity];
        fins = new byte[flowCapacity];
        expires = new long[flowCapacity];
        natOrigSrc = new int[flowCapacity];
        natOrigPort = new int[flowCapacity];
        nextFree = new int[flowCapacity];
        for (int f = 0; f < flowCapacity; f++) nextFree[f] = f + 1 < flowCapacity ? f + 1 : NONE;
        freeHead = 0;
    }

    static int hash(int src, int dst, int ports, int protocol) {
        int h = src * 0x9E3779B1;
        h = (h ^ (h >>> 15) ^ dst) * 0x85EBCA77;
        h = (h ^ (h >>> 13) ^ ports) * 0xC2B2AE3D;
        h ^= protocol;
        return h ^ (h >>> 16);
    }

    private boolean matches(int ref, int src, int dst, int ports, int protocol) {
        int f = ref >>> 1;
        if ((proto[f] & 0xFF) != protocol) return false;
        return (ref & 1) == 0
                ? oSrc[f] == src && oDst[f] == dst && oPorts[f] == ports
                : rSrc[f] == src && rDst[f] == dst && rPorts[f] == ports;
    }

    /** The flow reference for this tuple (ports packed sport << 16 | dport), or {@link #NONE}. */
    public int lookup(int src, int dst, int sport, int dport, int protocol) {
        return lookup(src, dst, sport << 16 | dport, protocol);
    }

    /** The flow reference for this tuple with its ports already packed {@code sport << 16 | dport}, or {@link #NONE}. */
    public int lookup(int src, int dst, int ports, int protocol) {
        for (int s = hash(src, dst, ports, protocol) & indexMask; ; s = (s + 1) & indexMask) {
            int e = index[s];
            if (e == 0) return NONE;
            if (matches(e - 1, src, dst, ports, protocol)) return e - 1;
        }
    }

    private void indexInsert(int ref, int src, int dst, int ports, int protocol) {
        int s = hash(src, dst, ports, protocol) & indexMask;
        while (index[s] != 0) s = (s + 1) & indexMask;
        index[s] = ref + 1;
    }

    private void indexRemove(int ref, int src, int dst, int ports, int protocol) {
        int s = hash(src, dst, ports, protocol) & indexMask;
        while (index[s] != ref + 1) {
            if (index[s] == 0) return;
            s = (s + 1) & indexMask;
        }
        // backward-shift deletion (Knuth 6.4 algorithm R): no tombstones, probes stay short
        int hole = s;
        for (int j = (hole + 1) & indexMask; index[j] != 0; j = (j + 1) & indexMask) {
            int r = index[j] - 1;
            int f = r >>> 1;
            int home = (r & 1) == 0 ? hash(oSrc[f], oDst[f], oPorts[f], proto[f] & 0xFF) & indexMask
                    : hash(rSrc[f], rDst[f], rPorts[f], proto[f] & 0xFF) & indexMask;
            // move j into the hole unless its home lies cyclically in (hole, j]
            boolean between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
            if (!between) {
                index[hole] = index[j];
                index[j] = 0;
                hole = j;
            }
        }
        index[hole] = 0;
    }

    /**
     * Creates a flow with original tuple (src, dst, sport, dport) and reply tuple (rs, rd, rsp,
     * rdp). Always succeeds: a full table evicts first. Returns the flow index.
     */
    public int create(int src, int dst, int sport, int dport, int rs, int rd, int rsp, int rdp,
                      int protocol, int initialState, long nowNs, ConntrackTimeouts timeouts) {
        if (freeHead == NONE) evictOne();
        int f = freeHead;
        freeHead = nextFree[f];
        nextFree[f] = NONE;
        oSrc[f] = src; oDst[f] = dst; oPorts[f] = sport << 16 | dport;
        rSrc[f] = rs; rDst[f] = rd; rPorts[f] = rsp << 16 | rdp;
        proto[f] = (byte) protocol;
        state[f] = (byte) initialState;
        fins[f] = 0;
        natOrigSrc[f] = 0;
        natOrigPort[f] = 0;
        expires[f] = nowNs + timeouts.forState(initialState);
        indexInsert(f << 1, src, dst, oPorts[f], protocol);
        indexInsert(f << 1 | 1, rs, rd, rPorts[f], protocol);
        live++;
        return f;
    }

    private void evictOne() {
        int victim = hand;
        for (int k = 0; k < EVICTION_SAMPLE; k++) {
            int f = (hand + k) & (flowCapacity - 1);
            if (expires[f] < expires[victim]) victim = f;
        }
        hand = (hand + EVICTION_SAMPLE) & (flowCapacity - 1);
        remove(victim);
        evicted++;
    }

    public void remove(int f) {
        indexRemove(f << 1, oSrc[f], oDst[f], oPorts[f], proto[f] & 0xFF);
        indexRemove(f << 1 | 1, rSrc[f], rDst[f], rPorts[f], proto[f] & 0xFF);
        state[f] = FlowState.INVALID;
        nextFree[f] = freeHead;
        freeHead = f;
        live--;
    }

    /** Checks up to {@code budget} flow slots at the clock hand; removes expired ones. Returns how many. */
    public int expire(long nowNs, int budget) {
        int removed = 0;
        for (int k = 0; k < budget; k++) {
            int f = hand;
            hand = (hand + 1) & (flowCapacity - 1);
            if (state[f] != FlowState.INVALID && expires[f] - nowNs < 0) {
                remove(f);
                removed++;
            }
        }
        expired += removed;
        return removed;
    }

    /** True when the flow's idle timeout has passed (the caller then removes it and treats the packet as new). */
    public boolean isExpired(int f, long nowNs) { return expires[f] - nowNs < 0; }

    /** Refreshes the flow for a packet in direction {@code reply}; returns the new state. */
    public int touch(int f, boolean reply, int tcpFlags, long nowNs, ConntrackTimeouts timeouts) {
        int s = state[f];
        int p = proto[f] & 0xFF;
        if (p == ocelot.fastpath.packet.Ipv4.PROTO_TCP) {
            int packed = FlowState.tcpNext(s, fins[f], reply, tcpFlags);
            s = packed & 0xFF;
            fins[f] = (byte) (packed >>> 8);
        } else if (s == FlowState.UDP_UNREPLIED && reply) {
            s = FlowState.UDP_REPLIED;
        }
        state[f] = (byte) s;
        expires[f] = nowNs + timeouts.forState(s);
        return s;
    }

    public void setNat(int f, int origSrc, int origPort) {
        natOrigSrc[f] = origSrc;
        natOrigPort[f] = origPort;
    }

    public int natOrigSrc(int f) { return natOrigSrc[f]; }

    public int natOrigPort(int f) { return natOrigPort[f]; }

    public int replySrc(int f) { return rSrc[f]; }

    public int replyDst(int f) { return rDst[f]; }

    public int replyDstPort(int f) { return rPorts[f] & 0xFFFF; }

    public int state(int f) { return state[f]; }

    public int size() { return live; }

    public int capacity() { return flowCapacity; }

    public long evictedTotal() { return evicted; }

    public long expiredTotal() { return expired; }
}
