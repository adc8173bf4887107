package ocelot.fastpath.node;

import ocelot.acl.HeaderBatch;
import ocelot.fastpath.conntrack.ConntrackTable;
import ocelot.fastpath.conntrack.ConntrackTimeouts;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.packet.Ipv6;
import ocelot.fastpath.packet.PacketMemory;
import ocelot.fastpath.packet.Transport;
import ocelot.fastpath.state.ForwardingSnapshot;

/**
 * ct-lookup: finds the flow of each IPv4 packet. A hit skips policy (replies and later packets
 * of allowed flows pass); a reply of a source-NATed flow gets its destination translated back
 * to the endpoint here, before routing, so the route lookup sees the real destination. An ICMP
 * error whose quoted datagram belongs to a tracked flow is related and passes too (RFC 1122
 * section 3.2.2). Expired entries found on the way are removed and the packet is treated as new.
 *
 * <p>Established-flow fast path (nftables' flowtable offload, VPP's session cache): a hit whose
 * direction carries a forwarding result cached under the current tag (snapshot generation and
 * neighbour table version) for the same receiving port, with TTL left to forward, takes that
 * result (out port, next-hop MAC, tunnel), skips route and policy and, unless it is tunnelled, is
 * rewritten right here ({@link RewriteNode#forwardPlain}): every input those used
 * for a tracked packet (destination, flow hash, snapshot, neighbours, rx port and source for
 * anti-spoofing) is part of the key or the tag, so the answer is theirs. Anything else takes
 * the full path, whose rewrite refreshes the cache.
 */
public final class ConntrackNode {
    /** @param ct6 the worker's IPv6 flows (replies to NATed ones translated back here too; related ICMPv6 errors pass like ICMP ones) */
    public void run(PacketVector v, ForwardingSnapshot s, ConntrackTable ct, ConntrackTable ct6, ConntrackTimeouts timeouts, long nowNs, long tag,
                    CounterRecord counters) {
        HeaderBatch h = v.headers;
        int hits = 0;
        int cached = 0;
        for (int i = 0; i < v.count; i++) {
            if (!v.live(i)) continue;
            if (v.kind[i] == PacketVector.KIND_IPV6) {
                if (track6(v, i, ct6, timeouts, nowNs, counters)) hits++;
                continue;
            }
            if (v.kind[i] != PacketVector.KIND_IPV4) continue;
            v.cacheFill[i] = false;
            v.snat[i] = false;
            v.flow[i] = -1;
            int proto = h.protocol[i];
            int ref = ct.lookup(h.srcV4[i], h.dstV4[i], v.flowPorts[i], proto);
            if (ref != ConntrackTable.NONE && ct.isExpired(ref >>> 1, nowNs)) {
                ct.remove(ref >>> 1);
                counters.increment(Counter.CT_EXPIRED);
                ref = ConntrackTable.NONE;
            }
            if (ref == ConntrackTable.NONE) {
                if (proto == Ipv4.PROTO_ICMP && Transport.isIcmpError(v.icmpType[i])) related(v, i, ct, counters);
                continue;
            }
            int f = ref >>> 1;
            boolean reply = (ref & 1) != 0;
            ct.touch(f, reply, v.tcpFlags[i], nowNs, timeouts);
            v.flow[i] = ref;
            hits++;
            int natSrc = ct.natOrigSrc(f);
            if (natSrc != 0) {
                if (reply) reverseNat(v, i, natSrc, ct.natOrigPort(f), counters);
                else v.snat[i] = true;
            }
            v.cacheFill[i] = true;
            // TTL 1 must take the full path to its ICMP time exceeded
            if (v.ttl[i] > 1 && ct.forwardCached(ref, tag, v.rxPort)) {
                long macPort = ct.cachedMacPort(ref);
                v.outPort[i] = (int) (macPort >>> 48);
                v.dstMac[i] = macPort & 0xFFFF_FFFF_FFFFL;
                int tunnel = ct.cachedTunnel(ref);
                v.tunnel[i] = tunnel;
                cached++;
                if (tunnel == 0) {
                    RewriteNode.forwardPlain(v, i, s, ct, counters); // finished here, while its header is at hand
                } else {
                    v.headroomWanted++; // the outer header needs the burst's head adjustment: rewrite does it
                    v.verdict[i] = PacketVector.CACHED;
                }
            }
        }
        v.cached = cached;
        // one off-heap counter store per burst, not per packet
        if (hits > 0) counters.add(Counter.CT_HIT, hits);
        if (cached > 0) counters.add(Counter.FLOW_CACHE_HIT, cached);
    }

    private static boolean track6(PacketVector v, int i, ConntrackTable ct6, ConntrackTimeouts timeouts, long nowNs, CounterRecord counters) {
        HeaderBatch h = v.headers;
        v.flow[i] = -1; // every live IPv6 packet's flow and snat columns are written here (parse does not reset them)
        v.snat[i] = false;
        int ref = ct6.lookup6(h.srcV6Hi[i], h.srcV6Lo[i], h.dstV6Hi[i], h.dstV6Lo[i], v.flowPorts[i], h.protocol[i]);
        if (ref == ConntrackTable.NONE) {
            // ICMPv6 errors are types 0-127 (RFC 4443 2.1); packet-too-big among them keeps path MTU discovery working
            if (h.protocol[i] == Ipv4.PROTO_ICMPV6 && v.icmpType[i] < 128) related6(v, i, ct6, counters);
            return false;
        }
        int f = ref >>> 1;
        if (ct6.isExpired(f, nowNs)) {
            ct6.remove(f);
            counters.increment(Counter.CT_EXPIRED);
            return false;
        }
        boolean reply = (ref & 1) != 0;
        ct6.touch(f, reply, v.tcpFlags[i], nowNs, timeouts);
        v.flow[i] = ref;
        if (ct6.natOrigSrc(f) != 0) {
            if (reply) reverseNat6(v, i, ct6, f, counters);
            else v.snat[i] = true; // rewrite translates the source
        }
        return true;
    }

    /** A reply to a NATed IPv6 flow: destination (and port / echo id) back to the endpoint's, before routing. */
    private static void reverseNat6(PacketVector v, int i, ConntrackTable ct6, int f, CounterRecord counters) {
        HeaderBatch h = v.headers;
        long frame = v.address[i];
        long origHi = ct6.natOrigSrcHi(f), origLo = ct6.natOrigSrcLo(f);
        int origPort = ct6.natOrigPort(f);
        Nat6.reverse(frame + v.l3Offset[i], frame + v.l4Offset[i], h.protocol[i], origHi, origLo, origPort);
        h.dstV6Hi[i] = origHi;
        h.dstV6Lo[i] = origLo;
        if (h.protocol[i] == Ipv4.PROTO_ICMPV6) {
            v.flowPorts[i] = origPort << 16 | origPort; // the echo id; the classifier's type/code stay
        } else {
            h.dstPort[i] = origPort;
            v.flowPorts[i] = (v.flowPorts[i] & 0xFFFF0000) | origPort;
        }
        counters.increment(Counter.SNAT_REVERSE);
    }

    /**
     * An ICMPv6 error quoting a tracked flow's packet (its IPv6 header then 4+ bytes of
     * transport) is related. For a NATed flow the quote is translated, so it matches one of the
     * flow's tuples only reversed: an error coming in to the node about a packet the flow sent
     * is translated back to the endpoint (and routes there); one the endpoint sends about a
     * reply it got is translated to the node's address and port ({@link Nat6#relatedError}).
     */
    private static void related6(PacketVector v, int i, ConntrackTable ct6, CounterRecord counters) {
        long frame = v.address[i];
        long ip = frame + v.l3Offset[i];
        int end = v.l3Offset[i] + Ipv6.HEADER_LENGTH + Ipv6.payloadLength(ip);
        int inner = v.l4Offset[i] + Transport.ICMP_LENGTH;
        if (inner + Ipv6.HEADER_LENGTH + 8 > end) return;
        long in = frame + inner;
        if (Ipv6.version(in) != 6) return;
        int proto = Ipv6.nextHeader(in);
        long t = in + Ipv6.HEADER_LENGTH;
        int ports;
        if (proto == Ipv4.PROTO_TCP || proto == Ipv4.PROTO_UDP) {
            ports = PacketMemory.u32(t);
        } else if (proto == Ipv4.PROTO_ICMPV6) {
            int type = Transport.icmpType(t);
            if (type != Transport.ICMP6_ECHO_REQUEST && type != Transport.ICMP6_ECHO_REPLY) return;
            int id = Transport.icmpId(t);
            ports = id << 16 | id;
        } else {
            return; // extension headers in the quote are not walked
        }
        long sHi = Ipv6.srcHi(in), sLo = Ipv6.srcLo(in), dHi = Ipv6.dstHi(in), dLo = Ipv6.dstLo(in);
        int ref = ct6.lookup6(sHi, sLo, dHi, dLo, ports, proto);
        if (ref == ConntrackTable.NONE) {
            // a quote as a NATed flow's packet left (or arrived, after its reverse translation), reversed, is one of its tuples
            ref = ct6.lookup6(dHi, dLo, sHi, sLo, ports << 16 | ports >>> 16, proto);
            if (ref == ConntrackTable.NONE || ct6.natOrigSrc(ref >>> 1) == 0) return;
            int f = ref >>> 1;
            HeaderBatch h = v.headers;
            long l4 = frame + v.l4Offset[i];
            if ((ref & 1) != 0) {
                // coming in: to the node, about a packet the flow sent out from the node
                if (h.dstV6Hi[i] != sHi || h.dstV6Lo[i] != sLo) return;
                long origHi = ct6.natOrigSrcHi(f), origLo = ct6.natOrigSrcLo(f);
                if (!Nat6.relatedError(ip, l4, frame + end, in, proto, Ipv6.DST_OFFSET, origHi, origLo, ct6.natOrigPort(f))) return;
                h.dstV6Hi[i] = origHi; // routed to the endpoint
                h.dstV6Lo[i] = origLo;
                counters.increment(Counter.SNAT_REVERSE);
            } else {
                // going out: from the endpoint, about a reply it received (the columns keep its address for anti-spoofing)
                if (h.srcV6Hi[i] != dHi || h.srcV6Lo[i] != dLo) return;
                if (!Nat6.relatedError(ip, l4, frame + end, in, proto, Ipv6.SRC_OFFSET, ct6.replyDstHi(f), ct6.replyDstLo(f), ct6.replyDstPort(f))) return;
                counters.increment(Counter.SNAT);
            }
        }
        v.flow[i] = ref;
        counters.increment(Counter.ICMP_RELATED);
    }

    /** Rewrites destination address (and port / echo id) of a reply back to the endpoint's. */
    static void reverseNat(PacketVector v, int i, int origAddr, int origPort, CounterRecord counters) {
        long frame = v.address[i];
        Nat.reverse(frame + v.l3Offset[i], frame + v.l4Offset[i], v.headers.protocol[i], origAddr, origPort);
        v.headers.dstV4[i] = origAddr;
        if (v.headers.protocol[i] == Ipv4.PROTO_ICMP) {
            v.flowPorts[i] = origPort << 16 | origPort; // the echo id; the classifier's type/code stay
        } else {
            v.headers.dstPort[i] = origPort;
            v.flowPorts[i] = (v.flowPorts[i] & 0xFFFF0000) | origPort;
        }
        counters.increment(Counter.SNAT_REVERSE);
    }

    /**
     * An ICMP error quoting a tracked flow's packet (its IP header then 4+ bytes of transport,
     * 8 for an echo) is related (RFC 1122 section 3.2.2). For a source-NATed flow the quote
     * matches one of the flow's tuples only reversed, and is translated the way the quoted
     * packet was ({@link Nat#relatedError}, RFC 5508 sections 7-8): an error coming in to the
     * node, e.g. fragmentation needed for path MTU discovery or a traceroute's time exceeded,
     * goes back to the endpoint; one the endpoint sends about a reply leaves as the node's.
     */
    private static void related(PacketVector v, int i, ConntrackTable ct, CounterRecord counters) {
        long frame = v.address[i];
        int l4 = v.l4Offset[i];
        int inner = l4 + Transport.ICMP_LENGTH;
        long ip = frame + v.l3Offset[i];
        int end = v.l3Offset[i] + Ipv4.totalLength(ip);
        if (inner + Ipv4.MIN_HEADER_LENGTH + 4 > end) return;
        long in = frame + inner;
        int ihl = Ipv4.headerLength(in);
        if (Ipv4.version(in) != 4 || ihl < Ipv4.MIN_HEADER_LENGTH || inner + ihl + 4 > end) return;
        int proto = Ipv4.protocol(in);
        int sport = 0;
        int dport = 0;
        if (proto == Ipv4.PROTO_TCP || proto == Ipv4.PROTO_UDP) {
            sport = Transport.srcPort(in + ihl);
            dport = Transport.dstPort(in + ihl);
        } else if (proto == Ipv4.PROTO_ICMP && inner + ihl + 8 <= end && Transport.isIcmpQuery(Transport.icmpType(in + ihl))) {
            sport = dport = Transport.icmpId(in + ihl);
        }
        int src = Ipv4.src(in), dst = Ipv4.dst(in);
        int ref = ct.lookup(src, dst, sport, dport, proto);
        if (ref == ConntrackTable.NONE) {
            // a quote as a NATed flow's packet left (or arrived, after its reverse translation), reversed, is one of its tuples
            ref = ct.lookup(dst, src, dport, sport, proto);
            if (ref == ConntrackTable.NONE || ct.natOrigSrc(ref >>> 1) == 0) return;
            int f = ref >>> 1;
            HeaderBatch h = v.headers;
            long icmp = frame + l4;
            if ((ref & 1) != 0) {
                // coming in: to the node, about a packet the flow sent out from the node (frag-needed, time exceeded...)
                if (h.dstV4[i] != src) return;
                int origAddr = ct.natOrigSrc(f);
                if (!Nat.relatedError(ip, icmp, frame + end, in, proto, true, origAddr, ct.natOrigPort(f))) return;
                h.dstV4[i] = origAddr; // routed to the endpoint
                counters.increment(Counter.SNAT_REVERSE);
            } else {
                // going out: from the endpoint, about a reply it received (the columns keep its address for anti-spoofing)
                if (h.srcV4[i] != dst) return;
                if (!Nat.relatedError(ip, icmp, frame + end, in, proto, false, ct.replyDst(f), ct.replyDstPort(f))) return;
                counters.increment(Counter.SNAT);
            }
        }
        v.flow[i] = ref;
        counters.increment(Counter.ICMP_RELATED);
    }
}
