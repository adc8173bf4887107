package ocelot.fastpath.node;

import ocelot.fastpath.conntrack.ConntrackTable;
import ocelot.fastpath.conntrack.ConntrackTimeouts;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.packet.Checksum;
import ocelot.fastpath.packet.Ethernet;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.packet.PacketMemory;
import ocelot.fastpath.packet.Transport;
import ocelot.fastpath.state.ForwardingSnapshot;

/**
 * The common case in one pass (VPP's ip4-input + session fast path, nftables' flowtable): for
 * each packet of the burst, the minimal Ethernet/IPv4 checks, the 5-tuple, the conntrack
 * lookup and, when the flow's direction has a forwarding result cached under the burst's tag
 * for this rx port, the touch, the rewrite (TTL with the RFC 1624 patch, source NAT, MACs) and
 * the verdict. No column is written for such a packet but its verdict.
 *
 * <p>Everything else goes to the full graph unchanged, by index ({@link #slow}): the fast
 * pass mutates nothing (no touch, no counter) for a packet it hands on. It accepts exactly what
 * parse + conntrack would forward from the cache: unicast to the port's MAC, untagged IPv4 with
 * IHL 5, a valid checksum and lengths, not a fragment, no martian source, TCP or UDP with a
 * whole header, TTL > 1, a live flow, no tunnel (source NAT and its reverse are done here).
 *
 * <p>Order: conntrack touches of one flow must happen in burst order, as the full graph does
 * them. A packet handed on whose flow is known (looked up here: TTL 1, no cached result,
 * expired) lists that flow, and later packets of it are handed on too; one whose
 * flow cannot be known here (VLAN-tagged, IP options, IPIP to decapsulate, multicast MAC) stops
 * the pass for the rest of the burst ({@link #STOP}). Packets that never touch a TCP/UDP flow
 * (ARP, IPv6, ICMP, new flows, frames parse drops) do neither. Flows the full graph creates
 * or evicts in this burst it does so after every lookup of the burst, in both arrangements.
 */
public final class EstablishedFlowNode {
    /** Forwarded here. */
    static final int DONE = -1;
    /** For the full graph; touches no TCP/UDP flow (dropped by parse, ARP, IPv6, ICMP, a new flow). */
    static final int PASS = -2;
    /** For the full graph, and so is the rest of the burst: it may touch a flow not known here. */
    static final int STOP = -3;
    // any other result: for the full graph, which will touch that flow (index >= 0)

    /** Indices (ascending) of the packets the full graph must process, [0, slowCount). */
    public final int[] slow;
    public int slowCount;

    /** System property: live flows from which a burst is preloaded (default 32,768; 0 = always, for tests and A/B runs). */
    public static final String PRELOAD_MIN_FLOWS_PROPERTY = "ocelot.fastpath.preloadMinFlows";

    /**
     * Live flows from which the burst's index slots and records are loaded ahead of the pass
     * ({@link #preload}): below it the table sits in the caches and the extra pass costs more
     * than it hides (measured in the 1,024-flow benchmark, fastpath/README.md).
     */
    private final int preloadMinFlows = Integer.getInteger(PRELOAD_MIN_FLOWS_PROPERTY, 1 << 15);

    /** Per packet of the burst, its tuple's hash when {@link #preload} ran. */
    private final int[] hashes;
    /** Per packet, its home index slot's entry (the preload's first step). */
    private final int[] homeEntries;
    /** Where the preloaded words go, so the loads are not optimised away. */
    private int preloadSink;

    /** Flows the full graph will touch in this burst, [0, touchedCount): their later packets go there too. */
    private final int[] touched;
    private int touchedCount;

    public EstablishedFlowNode(int capacity) {
        slow = new int[capacity];
        touched = new int[capacity];
        hashes = new int[capacity];
        homeEntries = new int[capacity];
    }

    /** Returns how many packets it forwarded; their verdicts are set, the rest are listed in {@link #slow}. */
    public int run(PacketVector v, ForwardingSnapshot s, ConntrackTable ct, ConntrackTimeouts timeouts, long nowNs, long tag,
                   CounterRecord counters) {
        return run(v, s, ct, timeouts, nowNs, tag, counters, false);
    }

    /**
     * As {@link #run(PacketVector, ForwardingSnapshot, ConntrackTable, ConntrackTimeouts, long, long, CounterRecord)};
     * with {@code decidedBefore} the burst came through {@link StatelessRouteNode} first: packets
     * whose verdict is no longer {@link PacketVector#CONTINUE} are its own, skipped here and
     * counted in the return value as finished.
     */
    public int run(PacketVector v, ForwardingSnapshot s, ConntrackTable ct, ConntrackTimeouts timeouts, long nowNs, long tag,
                   CounterRecord counters, boolean decidedBefore) {
        int n = v.count;
        int port = v.rxPort;
        long portMac = port == s.exceptionPort ? 0 : s.portMacs[port];
        int slowN = 0;
        int done = 0;
        int decided = 0;
        boolean open = portMac != 0; // the exception port's parse accepts any MAC: always the full graph
        touchedCount = 0;
        boolean preloaded = open && n > 1 && ct.size() >= preloadMinFlows;
        if (preloaded) preload(v, ct, n);
        // The per-packet pass is written into the loop, not called: C2 refuses to inline a body
        // this size ("hot method too big"), and as a call per packet every field and array it
        // uses (the packet columns, the conntrack arrays) was reloaded for each packet.
        for (int i = 0; i < n; i++) {
            if (decidedBefore && v.verdict[i] != PacketVector.CONTINUE) {
                decided++; // forwarded or dropped by the stateless path: touches no flow
                continue;
            }
            int r;
            packet:
            {
                if (!open) {
                    r = STOP;
                    break packet;
                }
                int len = v.length[i];
                // parse drops multi-segment frames and anything shorter than Ethernet + IPv4 that could be IPv4
                if (v.segments[i] != 1 || len < Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH) { r = PASS; break packet; }
                long frame = v.address[i];
                long dmac = PacketMemory.u64(frame) >>> 16;
                if (dmac != portMac) { r = Ethernet.isMulticast(dmac) ? STOP : PASS; break packet; }
                int type = PacketMemory.u16(frame + Ethernet.TYPE_OFFSET);
                if (type != Ethernet.TYPE_IPV4) { r = type == Ethernet.TYPE_ARP || type == Ethernet.TYPE_IPV6 ? PASS : STOP; break packet; }
                long ip = frame + Ethernet.HEADER_LENGTH;
                int w0 = PacketMemory.u32(ip);
                long w12 = PacketMemory.u64(ip + 4);
                long addresses = PacketMemory.u64(ip + Ipv4.SRC_OFFSET);
                if (w0 >>> 28 != 4) { r = PASS; break packet; }
                if ((w0 >>> 24) != 0x45) { r = STOP; break packet; } // options: the full graph's parse reads them
                int total = w0 & 0xFFFF;
                if (total < Ipv4.MIN_HEADER_LENGTH || Ethernet.HEADER_LENGTH + total > len) { r = PASS; break packet; }
                if (Checksum.fold((w0 & 0xFFFFFFFFL) + (w12 >>> 32) + (w12 & 0xFFFFFFFFL) + (addresses >>> 32) + (addresses & 0xFFFFFFFFL)) != 0xFFFF) { r = PASS; break packet; }
                int w1 = (int) (w12 >>> 32);
                int w2 = (int) w12;
                if ((w1 & Ipv4.FRAGMENT_MASK) != 0) { r = PASS; break packet; }
                int src = (int) (addresses >>> 32);
                int srcTop = src >>> 24;
                if (srcTop == 0 || srcTop == 127 || srcTop >= 224) { r = PASS; break packet; } // RFC 1812 5.3.7 martian, as parse
                if (Ipv4.martianDestination((int) addresses)) { r = PASS; break packet; } // as parse: dropped there
                int proto = (w2 >>> 16) & 0xFF;
                int l4Len = total - Ipv4.MIN_HEADER_LENGTH;
                long t = ip + Ipv4.MIN_HEADER_LENGTH;
                int tcpFlags = 0;
                if (proto == Ipv4.PROTO_UDP) {
                    if (l4Len < Transport.UDP_LENGTH) { r = PASS; break packet; }
                } else if (proto == Ipv4.PROTO_TCP) {
                    if (l4Len < Transport.TCP_MIN_LENGTH) { r = PASS; break packet; }
                    int dataOffset = Transport.tcpDataOffset(t);
                    if (dataOffset < Transport.TCP_MIN_LENGTH || dataOffset > l4Len) { r = PASS; break packet; }
                    tcpFlags = Transport.tcpFlags(t);
                } else if (proto == Ipv4.PROTO_ICMP) {
                    r = PASS; // echo flows are ICMP flows; related errors touch nothing
                    break packet;
                } else {
                    r = STOP; // IPIP (the inner packet is decapsulated into any flow), others
                    break packet;
                }
                int ports = PacketMemory.u32(t);
                int ref = preloaded ? ct.lookupHashed(hashes[i], src, (int) addresses, ports, proto) : ct.lookup(src, (int) addresses, ports, proto);
                if (ref == ConntrackTable.NONE) { r = PASS; break packet; } // a new flow: created after every lookup of the burst
                int f = ref >>> 1;
                boolean reply = (ref & 1) != 0;
                int natSrc = ct.natOrigSrc(f);
                if (w2 >>> 24 <= 1 // TTL expiry: its ICMP error
                        || ct.isExpired(f, nowNs) || !ct.forwardCached(ref, tag, v.rxPort) || ct.cachedTunnel(ref) != 0
                        || wasTouched(f)) { r = f; break packet; }

                // committed: from here on exactly what conntrack + RewriteNode.forwardPlain do, in their order
                ct.touch(f, reply, tcpFlags, nowNs, timeouts);
                if (natSrc != 0 && reply) {
                    Nat.reverse(ip, t, proto, natSrc, ct.natOrigPort(f)); // a reply to a source-NATed flow, back to its endpoint
                    counters.increment(Counter.SNAT_REVERSE);
                    Ipv4.decrementTtl(ip); // the checksum changed: not from the registers
                } else {
                    int oldTtlProto = w2 >>> 16;
                    int newTtlProto = oldTtlProto - 0x0100;
                    PacketMemory.u32(ip + Ipv4.TTL_OFFSET, newTtlProto << 16 | Checksum.update16(w2 & 0xFFFF, oldTtlProto, newTtlProto));
                    if (natSrc != 0) RewriteNode.snat(ip, t, proto, f, ct, counters);
                }
                long macPort = ct.cachedMacPort(ref);
                int out = (int) (macPort >>> 48);
                Ethernet.addresses(frame, macPort & 0xFFFF_FFFF_FFFFL, s.portMacs[out]);
                v.verdict[i] = out;
                r = DONE;
            }
            if (r == DONE) {
                done++;
                continue;
            }
            slow[slowN++] = i;
            if (r == STOP) open = false;
            else if (r >= 0) touched[touchedCount++] = r;
        }
        slowCount = slowN;
        if (done > 0) {
            counters.add(Counter.CT_HIT, done);
            counters.add(Counter.FLOW_CACHE_HIT, done);
            counters.add(Counter.FLOW_FUSED, done);
        }
        return done + decided;
    }

    /**
     * The table's lines for the whole burst before the pass touches any (issue 24: with a
     * million flows each packet's index slot and record are cache misses, ~100 ns each when taken
     * one after another): the tuple hash of every packet that could be IPv4 TCP/UDP without
     * options (the pass checks the rest; a hash of anything else is harmless), then every home
     * index slot, then every record those name, each loop's loads independent of each other.
     */
    private void preload(PacketVector v, ConntrackTable ct, int n) {
        for (int i = 0; i < n; i++) {
            long ip = v.address[i] + Ethernet.HEADER_LENGTH;
            int hash = 0;
            if (v.length[i] >= Ethernet.HEADER_LENGTH + Ipv4.MIN_HEADER_LENGTH + 4) {
                long addresses = PacketMemory.u64(ip + Ipv4.SRC_OFFSET);
                int proto = (PacketMemory.u32(ip + 8) >>> 16) & 0xFF;
                hash = ConntrackTable.hash((int) (addresses >>> 32), (int) addresses, PacketMemory.u32(ip + Ipv4.MIN_HEADER_LENGTH), proto);
            }
            hashes[i] = hash;
        }
        for (int i = 0; i < n; i++) homeEntries[i] = ct.preloadIndex(hashes[i]);
        int sink = 0;
        for (int i = 0; i < n; i++) sink += ct.preloadRecord(homeEntries[i]);
        preloadSink += sink;
    }

    private boolean wasTouched(int f) {
        for (int k = 0; k < touchedCount; k++) if (touched[k] == f) return true;
        return false;
    }
}
