package ocelot.fastpath.node;

import ocelot.acl.HeaderBatch;

/**
 * One burst's per-packet state as a structure of arrays, owned by one worker and reused for
 * every burst: each node reads the columns it needs and writes its results, VPP style. The
 * 5-tuple columns are the classifier's own {@link HeaderBatch}, so policy classifies without
 * a copy.
 *
 * <p>{@link #verdict} is the packet's fate so far: an output port index (>= 0),
 * {@link #DROP} (with {@link #dropReason} a {@link ocelot.fastpath.counter.Counter} ordinal),
 * {@link #PUNT} (to the exception port), {@link #CONTINUE} (still being processed) or
 * {@link #CACHED} (an established flow whose forwarding came from its conntrack entry: route
 * and policy skip it, rewrite sends it).
 */
public final class PacketVector {
    public static final int CONTINUE = -3;
    public static final int PUNT = -2;
    public static final int DROP = -1;
    /**
     * Forwarded from the flow's cached result through an IPIP tunnel (outPort, dstMac, tunnel set
     * by conntrack); only rewrite's encapsulation is left. Untunnelled cache hits are rewritten by
     * conntrack itself and leave it with their port as verdict.
     */
    public static final int CACHED = -4;

    /** Kinds of frame the parser recognises. */
    public static final byte KIND_IPV4 = 4;
    public static final byte KIND_IPV6 = 6;
    public static final byte KIND_ARP = 1;

    public final int capacity;
    public int count;
    public int rxPort;
    /**
     * ARP frames and IPIP packets the parser saw in this burst: the arp and decap passes skip
     * bursts with none (most of them) instead of testing every packet.
     */
    public int arpSeen;
    public int ipipSeen;
    /** IPv6 neighbour solicitations and advertisements the parser saw: the nd pass skips bursts with none. */
    public int ndSeen;
    /** Packets the route node marked for an ICMP error or an IPIP tunnel: only then does rewrite stage head room. */
    public int headroomWanted;
    /** Packets of this burst conntrack forwarded from a flow's cache ({@link #CACHED}). */
    public int cached;
    public final long[] address;
    public final int[] length;
    /** The rx descriptors' first-segment lengths and segment counts as copied in bulk (MbufBurst.copyInfo). */
    public final short[] rawLength;
    public final short[] segments;
    public final int[] verdict;
    public final short[] dropReason;
    public final byte[] kind;
    public final int[] l3Offset;
    public final int[] l4Offset;
    public final int[] ttl;
    public final int[] tcpFlags;
    /** ICMP type (or -1): replies and errors need it beyond the 5-tuple. */
    public final int[] icmpType;
    public final HeaderBatch headers;
    /**
     * The ports conntrack keys flows on, {@code sport << 16 | dport}: the TCP/UDP ports, the echo
     * id twice for ICMP queries (so request and reply share a flow), 0 for other ICMP. The
     * classifier's port columns in {@link #headers} differ for ICMP: type and code there, as
     * Calico's rules match them.
     */
    public final int[] flowPorts;
    public final int[] nextHop;
    /** Conntrack flow reference (flow << 1 | direction), or -1. */
    public final int[] flow;
    /** Head adjustment staged for the burst (negative = prepend), applied in one downcall. */
    public final short[] headDelta;
    public final int[] matches;
    public final int[] outPort;
    public final long[] dstMac;
    /** ICMP error to send instead of the packet: type << 8 | code, or -1. */
    public final int[] icmpError;
    /** Next-hop address to ARP for when its MAC is unknown (the packet becomes the request), or 0. */
    public final int[] arpTarget;
    /** IPv6 next hop unresolved: the packet becomes a neighbour solicitation for it (the IPv6 arpTarget). */
    public final boolean[] solicit;
    /** IPIP outer destination for this packet, or 0. */
    public final int[] tunnel;
    /** Endpoint the packet is delivered to (its ingress policy applies), or -1. */
    public final int[] dstEndpoint;
    /**
     * Conntrack matched the packet's own tuple (not a related ICMP error) or policy created its
     * flow: if it is forwarded plainly, rewrite caches the result in the flow. Written by
     * conntrack for every live IPv4 packet, so no reset is needed.
     */
    public final boolean[] cacheFill;
    /** Conntrack flow is source-NATed in the original direction: rewrite src on the way out. */
    public final boolean[] snat;

    public PacketVector(int capacity) {
        this.capacity = capacity;
        address = new long[capacity];
        length = new int[capacity];
        rawLength = new short[capacity];
        segments = new short[capacity];
        verdict = new int[capacity];
        dropReason = new short[capacity];
        kind = new byte[capacity];
        l3Offset = new int[capacity];
        l4Offset = new int[capacity];
        ttl = new int[capacity];
        tcpFlags = new int[capacity];
        icmpType = new int[capacity];
        headers = new HeaderBatch(capacity);
        flowPorts = new int[capacity];
        nextHop = new int[capacity];
        flow = new int[capacity];
        headDelta = new short[capacity];
        matches = new int[capacity];
        outPort = new int[capacity];
        dstMac = new long[capacity];
        icmpError = new int[capacity];
        tunnel = new int[capacity];
        arpTarget = new int[capacity];
        solicit = new boolean[capacity];
        dstEndpoint = new int[capacity];
        snat = new boolean[capacity];
        cacheFill = new boolean[capacity];
    }

    public void drop(int i, ocelot.fastpath.counter.Counter reason) {
        verdict[i] = DROP;
        dropReason[i] = (short) reason.ordinal();
    }

    public boolean live(int i) { return verdict[i] == CONTINUE; }

    /** Still to be sent by rewrite: being processed, or forwarded from a flow's cache. */
    public boolean forwarding(int i) { return verdict[i] == CONTINUE || verdict[i] == CACHED; }
}
