package ocelot.fastpath.conntrack;

/**
 * One worker's connection-tracking table, allocated once (no allocation per packet, no locks:
 * single-threaded by construction). A flow keeps two tuples, the original direction and the
 * reply as it will arrive (after any NAT), each indexed in an open-addressing hash index
 * (linear probing, backward-shift deletion, load <= 1/2); a lookup returns a reference
 * {@code flow << 1 | direction}.
 *
 * <p>Layout, for tables far bigger than the caches (issue 24: a million flows): an established
 * packet touches two cache lines, its index slot and its flow's record.
 * <ul>
 * <li>Each flow is one 16-int (64-byte) record in one int array: both keys, state, NAT binding,
 * the expiry tick, and per direction the cached forwarding result (3 ints), so the lookup's
 * match, the expiry check, the cached result and the touch all hit the line the match loaded.
 * The two keys sit 3 ints apart, so matching either direction is the same three loads at
 * {@code record + direction * 3}.</li>
 * <li>An index slot holds the flow reference + 1 in its low bits, above them its distance from
 * its home slot (4 bits, 15 = "15 or more") and the tuple hash's high bits (a signature): a
 * probe reads a record only when the signature agrees, so collisions and misses (a new flow's
 * lookup) cost no record line, and a deletion's backward shift knows each moved slot's home
 * without reading its record (an eviction was a quarter of the every-packet-new profile).</li>
 * <li>Expiry ticks (2^20 ns, ~1.05 ms, like the kernel's jiffies; wrap-around compares, good for
 * timeouts up to ~12 days) live in the record, written by every touch. The sweep reads a
 * separate int per flow, {@code due}, 16 flows per line: a lower bound of the expiry set when
 * the flow is created and refreshed from the record only when it has passed, so an active flow
 * costs the sweep one record read per timeout period, not one per pass, and the touch writes
 * no second line.</li>
 * </ul>
 * The cached forwarding is tagged with a 15-bit epoch standing for the burst's tag (snapshot
 * generation and neighbour version, a long): each new tag is a new epoch, and when the epochs
 * wrap every cached result is cleared, so an old result never matches a later tag.
 *
 * <p>Bounded: when every flow slot is taken, a clock hand samples the next
 * {@link #EVICTION_SAMPLE} flows (adjacent records) and evicts, as Linux's early drop does, an
 * expired flow if there is one, else the unreplied one (not an established TCP or replied UDP
 * flow) closest to expiry, else the flow closest to expiry: a flood of new flows displaces its
 * own kind first and never waits. {@link #expire} removes timed-out flows a few at a time so
 * the cost is spread over bursts.
 */
public final class ConntrackTable {
    public static final int NONE = -1;
    static final int EVICTION_SAMPLE = 8;

    // record fields (int offsets): original key, reply key (same shape, +3), then the rest
    static final int O_SRC = 0, O_DST = 1, O_PORTS = 2;
    static final int KEY_STRIDE = 3;
    static final int META = 6; // proto | state << 8 | fins << 16
    static final int NAT_PORT = 7, NAT_SRC = 8;
    static final int EXPIRES = 9; // expiry tick, 0 = free slot
    /**
     * Cached forwarding of direction d at {@code FORWARD + 3 * d}: [0] tunnel flag << 31 |
     * epoch << 16 | rx port (0 = none), [1] next-hop MAC low 32 bits, [2] MAC high 16 | out port << 16.
     */
    static final int FORWARD = 10, FORWARD_STRIDE = 3;
    static final int NEXT_FREE = O_SRC; // a free slot's link (free slots are in no index slot)
    static final int TICK_SHIFT = 20;
    static final int MAX_EPOCH = 0x7FFF;

    private final int flowCapacity;
    private final int indexMask;
    /** Index slot: ref + 1 in {@code refMask}'s bits, then the distance from home, then the signature (0 = empty). */
    private final int[] index;
    private final int refMask;
    /** Where the 4-bit home distance sits in an index slot, and its mask there. */
    private final int distanceShift;
    private final int distanceMask;
    /** The tuple hash bits kept as a slot's signature: those above the slot number and the distance. */
    private final int signatureMask;
    static final int DISTANCE_UNKNOWN = 15;
    private final int[] rec;
    /** Per flow, a tick at or before its expiry (0 = free slot): what the sweep reads, see above. */
    private final int[] due;
    /**
     * IPv6 tables only: each flow's full addresses (per direction src hi, lo, dst hi, lo). The
     * record keeps 32-bit folds of them so hashing, deletion and eviction are the IPv4 code; a
     * match also compares these. Null in an IPv4 table.
     */
    private final long[] wide;
    /** Per flow direction (ref), the IPIP outer destination of a cached result with the tunnel flag; IPv4 tables. */
    private final int[] tunnels;
    private long epochTag;
    private int epoch;
    private int freeHead;
    private int live;
    private int hand;
    private long evicted;
    private long expired;

    public ConntrackTable(int flowCapacity) { this(flowCapacity, false); }

    /** A table for IPv6 flows (the same machinery, full 128-bit addresses compared on match). */
    public static ConntrackTable forIpv6(int flowCapacity) { return new ConntrackTable(flowCapacity, true); }

    private ConntrackTable(int flowCapacity, boolean ipv6) {
        if (flowCapacity < 16 || Integer.bitCount(flowCapacity) != 1 || flowCapacity > 1 << 26) {
            throw new IllegalArgumentException("conntrack capacity must be a power of two in 16.." + (1 << 26) + ", got " + flowCapacity);
        }
        this.flowCapacity = flowCapacity;
        this.index = new int[flowCapacity * 4];
        this.indexMask = index.length - 1;
        this.refMask = flowCapacity * 4 - 1; // refs + 1 go up to 2 * capacity
        this.distanceShift = Integer.numberOfTrailingZeros(flowCapacity * 4);
        this.distanceMask = DISTANCE_UNKNOWN << distanceShift;
        this.signatureMask = ~(refMask | distanceMask);
        this.rec = new int[flowCapacity << 4];
        this.due = new int[flowCapacity];
        this.wide = ipv6 ? new long[flowCapacity * 8] : null;
        this.tunnels = ipv6 ? null : new int[flowCapacity * 2];
        for (int f = 0; f < flowCapacity; f++) rec[f << 4 | NEXT_FREE] = f + 1 < flowCapacity ? f + 1 : NONE;
        freeHead = 0;
    }

    static int tick(long nanos) { return (int) (nanos >> TICK_SHIFT); }

    private int proto(int f) { return rec[f << 4 | META] & 0xFF; }

    /** Hash of a tuple (ports packed {@code sport << 16 | dport}); pass it to {@link #lookupHashed}. */
    public static int hash(int src, int dst, int ports, int protocol) {
        int h = src * 0x9E3779B1;
        h = (h ^ (h >>> 15) ^ dst) * 0x85EBCA77;
        h = (h ^ (h >>> 13) ^ ports) * 0xC2B2AE3D;
        h ^= protocol;
        return h ^ (h >>> 16);
    }

    private boolean matches(int ref, int src, int dst, int ports, int protocol) {
        int r = (ref >>> 1) << 4;
        int k = r + (ref & 1) * KEY_STRIDE;
        return rec[k] == src && rec[k + 1] == dst && rec[k + 2] == ports && (rec[r + META] & 0xFF) == protocol;
    }

    /** The flow reference for this tuple (ports packed sport << 16 | dport), or {@link #NONE}. */
    public int lookup(int src, int dst, int sport, int dport, int protocol) {
        return lookup(src, dst, sport << 16 | dport, protocol);
    }

    /** The flow reference for this tuple with its ports already packed {@code sport << 16 | dport}, or {@link #NONE}. */
    public int lookup(int src, int dst, int ports, int protocol) {
        return lookupHashed(hash(src, dst, ports, protocol), src, dst, ports, protocol);
    }

    /** {@link #lookup} with the tuple's {@link #hash} already computed. */
    public int lookupHashed(int hash, int src, int dst, int ports, int protocol) {
        int signature = hash & signatureMask;
        for (int s = hash & indexMask; ; s = (s + 1) & indexMask) {
            int e = index[s];
            if (e == 0) return NONE;
            if ((e & signatureMask) == signature && matches((e & refMask) - 1, src, dst, ports, protocol)) return (e & refMask) - 1;
        }
    }

    /**
     * Burst prefetch, first step (rte_hash's bulk lookup, VPP's prefetch pass; Java has no
     * prefetch instruction, so these are real loads, independent across a burst so their misses
     * overlap): the home index slot of this hash, to pass to {@link #preloadRecord}.
     */
    public int preloadIndex(int hash) { return index[hash & indexMask]; }

    /**
     * Burst prefetch, second step: loads the record line the home slot {@code entry} names
     * (nothing for an empty slot). Returns a word to fold into a sink, which keeps the load from
     * being optimised away.
     */
    public int preloadRecord(int entry) {
        return entry == 0 ? 0 : rec[(((entry & refMask) - 1) >>> 1) << 4 | META];
    }

    /** An IPv6 address folded to the 32 bits the record and the hash use. */
    static int fold(long hi, long lo) {
        long x = hi * 0x9E3779B97F4A7C15L ^ lo;
        return (int) (x ^ (x >>> 32));
    }

    /** {@link #lookup} for an IPv6 tuple (this must be an {@link #forIpv6} table). */
    public int lookup6(long srcHi, long srcLo, long dstHi, long dstLo, int ports, int protocol) {
        int src = fold(srcHi, srcLo), dst = fold(dstHi, dstLo);
        int hash = hash(src, dst, ports, protocol);
        int signature = hash & signatureMask;
        for (int s = hash & indexMask; ; s = (s + 1) & indexMask) {
            int e = index[s];
            if (e == 0) return NONE;
            int ref = (e & refMask) - 1;
            if ((e & signatureMask) == signature && matches(ref, src, dst, ports, protocol)) {
                int w = (ref >>> 1) * 8 + (ref & 1) * 4;
                if (wide[w] == srcHi && wide[w + 1] == srcLo && wide[w + 2] == dstHi && wide[w + 3] == dstLo) return ref;
            }
        }
    }

    /** Creates an IPv6 flow without NAT (the reply is the original reversed). Returns the flow index. */
    public int create6(long srcHi, long srcLo, long dstHi, long dstLo, int sport, int dport,
                       int protocol, int initialState, long nowNs, ConntrackTimeouts timeouts) {
        int src = fold(srcHi, srcLo), dst = fold(dstHi, dstLo);
        // indexing and eviction work on the folds; the full addresses only decide matches
        int g = create(src, dst, sport, dport, dst, src, dport, sport, protocol, initialState, nowNs, timeouts);
        int w = g * 8;
        wide[w] = srcHi; wide[w + 1] = srcLo; wide[w + 2] = dstHi; wide[w + 3] = dstLo;
        wide[w + 4] = dstHi; wide[w + 5] = dstLo; wide[w + 6] = srcHi; wide[w + 7] = srcLo;
        return g;
    }

    /**
     * Creates a source-NATed IPv6 flow: the reply arrives from the destination to
     * {@code natHi/natLo} (the node) on port {@code natPort} (from {@code replySport}: the
     * destination port, or for ICMPv6 echo the new id). The original source and port are the
     * binding's way back: the original tuple keeps the address ({@link #natOrigSrcHi}), the
     * record the port; its NAT word holds 1 (IPv6: a flag, the address does not fit).
     */
    public int create6Nat(long srcHi, long srcLo, long dstHi, long dstLo, int sport, int dport, long natHi, long natLo,
                          int replySport, int natPort, int protocol, int initialState, long nowNs, ConntrackTimeouts timeouts) {
        int src = fold(srcHi, srcLo), dst = fold(dstHi, dstLo), nat = fold(natHi, natLo);
        int g = create(src, dst, sport, dport, dst, nat, replySport, natPort, protocol, initialState, nowNs, timeouts);
        int w = g * 8;
        wide[w] = srcHi; wide[w + 1] = srcLo; wide[w + 2] = dstHi; wide[w + 3] = dstLo;
        wide[w + 4] = dstHi; wide[w + 5] = dstLo; wide[w + 6] = natHi; wide[w + 7] = natLo;
        setNat(g, 1, sport);
        return g;
    }

    /** An IPv6 flow's original source address, high half (for a NATed flow: where replies go back to). */
    public long natOrigSrcHi(int f) { return wide[f * 8]; }

    public long natOrigSrcLo(int f) { return wide[f * 8 + 1]; }

    /** An IPv6 flow's reply destination, high half (for a NATed flow: the node address its packets leave with). */
    public long replyDstHi(int f) { return wide[f * 8 + 6]; }

    public long replyDstLo(int f) { return wide[f * 8 + 7]; }

    private void indexInsert(int ref, int hash) {
        int home = hash & indexMask;
        int s = home;
        while (index[s] != 0) s = (s + 1) & indexMask;
        index[s] = withDistance((hash & signatureMask) | (ref + 1), s - home);
    }

    /** The slot entry {@code e} with its home distance set (wrap-around taken care of). */
    private int withDistance(int e, int distance) {
        return (e & ~distanceMask) | Math.min(distance & indexMask, DISTANCE_UNKNOWN) << distanceShift;
    }

    /** The home slot of the entry in slot {@code s}: from its distance, or its record when the distance did not fit. */
    private int homeAt(int s) {
        int e = index[s];
        int distance = (e & distanceMask) >>> distanceShift;
        return distance < DISTANCE_UNKNOWN ? (s - distance) & indexMask : homeOf((e & refMask) - 1);
    }

    private int homeOf(int ref) {
        int k = ((ref >>> 1) << 4) + (ref & 1) * KEY_STRIDE;
        return hash(rec[k], rec[k + 1], rec[k + 2], proto(ref >>> 1)) & indexMask;
    }

    private void indexRemove(int ref) {
        int s = homeOf(ref);
        while ((index[s] & refMask) != ref + 1) {
            if (index[s] == 0) return;
            s = (s + 1) & indexMask;
        }
        // backward-shift deletion (Knuth 6.4 algorithm R): no tombstones, probes stay short
        int hole = s;
        for (int j = (hole + 1) & indexMask; index[j] != 0; j = (j + 1) & indexMask) {
            int home = homeAt(j);
            // move j into the hole unless its home lies cyclically in (hole, j]
            boolean between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
            if (!between) {
                index[hole] = withDistance(index[j], hole - home);
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
        return createHashed(hash(src, dst, sport << 16 | dport, protocol), hash(rs, rd, rsp << 16 | rdp, protocol),
                src, dst, sport, dport, rs, rd, rsp, rdp, protocol, initialState, nowNs, timeouts);
    }

    /**
     * A burst's new flows, first step (batched insertion, as rte_hash's bulk add prepares its
     * buckets): loads the home index slots both tuples will be inserted at, independent loads
     * across the burst so their misses overlap, before {@link #createHashed} inserts one by one.
     * {@code hash} and {@code replyHash} are the tuples' {@link #hash}es. Returns a word to fold
     * into a sink, which keeps the loads from being optimised away.
     */
    public int preloadCreate(int hash, int replyHash) {
        return index[hash & indexMask] ^ index[replyHash & indexMask];
    }

    /** {@link #create} with both tuples' {@link #hash}es already computed ({@code hash} of the original, {@code replyHash} of the reply). */
    public int createHashed(int hash, int replyHash, int src, int dst, int sport, int dport, int rs, int rd, int rsp, int rdp,
                            int protocol, int initialState, long nowNs, ConntrackTimeouts timeouts) {
        if (freeHead == NONE) evictOne(tick(nowNs));
        int f = freeHead;
        int r = f << 4;
        freeHead = rec[r + NEXT_FREE];
        int ports = sport << 16 | dport;
        int replyPorts = rsp << 16 | rdp;
        rec[r + O_SRC] = src;
        rec[r + O_DST] = dst;
        rec[r + O_PORTS] = ports;
        rec[r + O_SRC + KEY_STRIDE] = rs;
        rec[r + O_DST + KEY_STRIDE] = rd;
        rec[r + O_PORTS + KEY_STRIDE] = replyPorts;
        rec[r + META] = (protocol & 0xFF) | initialState << 8;
        rec[r + NAT_SRC] = 0;
        rec[r + NAT_PORT] = 0;
        rec[r + FORWARD] = 0; // a reused slot must not inherit its previous flow's forwarding
        rec[r + FORWARD + FORWARD_STRIDE] = 0;
        int expires = expiryTick(nowNs + timeouts.forState(initialState));
        rec[r + EXPIRES] = expires;
        due[f] = expires;
        indexInsert(f << 1, hash);
        indexInsert(f << 1 | 1, replyHash);
        live++;
        return f;
    }

    private int expires(int f) { return rec[f << 4 | EXPIRES]; }

    /** A tick that is never 0 (0 marks a free slot); one tick late at worst. */
    private static int expiryTick(long nanos) {
        int t = tick(nanos);
        return t == 0 ? 1 : t;
    }

    /** A full table's room for one more: see the class comment (expired, else unreplied, else closest to expiry). */
    private void evictOne(int now) {
        int victim = -1;
        int victimRank = 3;
        for (int k = 0; k < EVICTION_SAMPLE; k++) {
            int f = (hand + k) & (flowCapacity - 1);
            int e = expires(f);
            int rank = e - now < 0 ? 0 : assured(state(f)) ? 2 : 1;
            if (rank < victimRank || rank == victimRank && e - expires(victim) < 0) {
                victim = f;
                victimRank = rank;
            }
        }
        hand = (hand + EVICTION_SAMPLE) & (flowCapacity - 1);
        remove(victim);
        evicted++;
    }

    /** Seen both ways (an established TCP connection, a replied UDP flow): what early drop spares. */
    private static boolean assured(int state) { return state == FlowState.ESTABLISHED || state == FlowState.UDP_REPLIED; }

    public void remove(int f) {
        indexRemove(f << 1);
        indexRemove(f << 1 | 1);
        rec[f << 4 | META] = FlowState.INVALID << 8;
        rec[f << 4 | NEXT_FREE] = freeHead;
        rec[f << 4 | EXPIRES] = 0;
        due[f] = 0;
        freeHead = f;
        live--;
    }

    /** Checks up to {@code budget} flow slots at the clock hand; removes expired ones. Returns how many. */
    public int expire(long nowNs, int budget) {
        int removed = 0;
        int now = tick(nowNs);
        for (int k = 0; k < budget; k++) {
            int f = hand;
            hand = (hand + 1) & (flowCapacity - 1);
            int d = due[f];
            if (d != 0 && d - now < 0) { // the flow may have been touched since: its record says
                int e = expires(f);
                if (e - now < 0) {
                    remove(f);
                    removed++;
                } else {
                    due[f] = e;
                }
            }
        }
        expired += removed;
        return removed;
    }

    /** True when the flow's idle timeout has passed (the caller then removes it and treats the packet as new). */
    public boolean isExpired(int f, long nowNs) { return expires(f) - tick(nowNs) < 0; }

    /** Refreshes the flow for a packet in direction {@code reply}; returns the new state. */
    public int touch(int f, boolean reply, int tcpFlags, long nowNs, ConntrackTimeouts timeouts) {
        int r = f << 4;
        int meta = rec[r + META];
        int s = (meta >>> 8) & 0xFF;
        if ((meta & 0xFF) == ocelot.fastpath.packet.Ipv4.PROTO_TCP) {
            int packed = FlowState.tcpNext(s, meta >>> 16, reply, tcpFlags);
            s = packed & 0xFF;
            rec[r + META] = (meta & 0xFF) | s << 8 | (packed >>> 8) << 16;
        } else if (s == FlowState.UDP_UNREPLIED && reply) {
            s = FlowState.UDP_REPLIED;
            rec[r + META] = (meta & 0xFF) | s << 8;
        }
        rec[r + EXPIRES] = expiryTick(nowNs + timeouts.forState(s));
        return s;
    }

    /**
     * Remembers how the packet in direction {@code ref} was forwarded, valid while the
     * snapshot generation and the neighbour table version (together {@code tag}, never 0) and the
     * receiving port stay the same. Port slots are below 65536 ({@code FastpathConfig.MAX_PORTS_LIMIT}).
     */
    public void cacheForward(int ref, long tag, int rxPort, int outPort, long dstMac, int tunnel) {
        int c = ((ref >>> 1) << 4) + FORWARD + (ref & 1) * FORWARD_STRIDE;
        int e = epochOf(tag);
        if (tunnels != null) tunnels[ref] = tunnel;
        rec[c + 1] = (int) dstMac;
        rec[c + 2] = (int) (dstMac >>> 32) & 0xFFFF | outPort << 16;
        rec[c] = (tunnel != 0 ? 1 << 31 : 0) | e << 16 | rxPort & 0xFFFF;
    }

    /** True when {@code ref}'s cached forwarding was recorded under {@code tag} for a packet received on {@code rxPort}. */
    public boolean forwardCached(int ref, long tag, int rxPort) {
        int want = epochOf(tag) << 16 | rxPort & 0xFFFF; // first: a new epoch may clear the cached words
        int c = ((ref >>> 1) << 4) + FORWARD + (ref & 1) * FORWARD_STRIDE;
        return (rec[c] & 0x7FFF_FFFF) == want;
    }

    /**
     * The epoch standing for {@code tag}: a new one whenever the tag changes (a worker's tags
     * only move forward, so going back to an older tag is a miss, never a wrong hit). When the
     * 15 bits run out, every cached result is cleared and the epochs start again.
     */
    private int epochOf(long tag) {
        if (tag != epochTag || epoch == 0) {
            epochTag = tag;
            if (++epoch > MAX_EPOCH) {
                for (int f = 0; f < flowCapacity; f++) {
                    rec[f << 4 | FORWARD] = 0;
                    rec[f << 4 | FORWARD + FORWARD_STRIDE] = 0;
                }
                epoch = 1;
            }
        }
        return epoch;
    }

    /** The cached next-hop MAC (low 48 bits) and output port (bits 48..63) of {@code ref}. */
    public long cachedMacPort(int ref) {
        int c = ((ref >>> 1) << 4) + FORWARD + (ref & 1) * FORWARD_STRIDE;
        int hi = rec[c + 2];
        return (rec[c + 1] & 0xFFFF_FFFFL) | (long) (hi & 0xFFFF) << 32 | (long) (hi >>> 16) << 48;
    }

    /** The cached IPIP outer destination of {@code ref} (0 = none). */
    public int cachedTunnel(int ref) {
        int c = ((ref >>> 1) << 4) + FORWARD + (ref & 1) * FORWARD_STRIDE;
        return rec[c] < 0 ? tunnels[ref] : 0;
    }

    public void setNat(int f, int origSrc, int origPort) {
        rec[f << 4 | NAT_SRC] = origSrc;
        rec[f << 4 | NAT_PORT] = origPort;
    }

    public int natOrigSrc(int f) { return rec[f << 4 | NAT_SRC]; }

    public int natOrigPort(int f) { return rec[f << 4 | NAT_PORT]; }

    public int replySrc(int f) { return rec[f << 4 | (O_SRC + KEY_STRIDE)]; }

    public int replyDst(int f) { return rec[f << 4 | (O_DST + KEY_STRIDE)]; }

    public int replyDstPort(int f) { return rec[f << 4 | (O_PORTS + KEY_STRIDE)] & 0xFFFF; }

    public int state(int f) { return (rec[f << 4 | META] >>> 8) & 0xFF; }

    /** Flow slot {@code f}'s expiry in ticks of 2^20 ns (0 = a free slot). */
    public int expiryTick(int f) { return expires(f); }

    public int size() { return live; }

    public int capacity() { return flowCapacity; }

    public long evictedTotal() { return evicted; }

    public long expiredTotal() { return expired; }
}
