package ocelot.fastpath.node;

import ocelot.acl.HeaderBatch;
import ocelot.dpdk.MbufBurst;
import ocelot.fastpath.conntrack.ConntrackTable;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.packet.Arp;
import ocelot.fastpath.packet.Checksum;
import ocelot.fastpath.packet.Ethernet;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.packet.Ipv6;
import ocelot.fastpath.packet.PacketMemory;
import ocelot.fastpath.packet.Transport;
import ocelot.fastpath.state.ForwardingSnapshot;

/**
 * ip4-rewrite + ipip4-encap + ip4-icmp-error + ip4-arp: the only node that changes packet bytes
 * on the forwarding path. Pass one stages head room (20 bytes for an IPIP outer header, 28 for
 * an ICMP error's IP+ICMP headers) and applies it in one downcall; pass two writes: TTL
 * decrement with an RFC 1624 checksum patch, source NAT, MACs, the outer header; or turns the
 * packet into its ICMP error (RFC 792 quoting the IP header + 8 bytes, RFC 1812 4.3.2.7
 * suppression rules) or into an ARP request for an unresolved next hop.
 */
public final class RewriteNode {
    static final int ICMP_ERROR_HEADROOM = Ipv4.MIN_HEADER_LENGTH + Transport.ICMP_LENGTH;
    static final int ICMP6_ERROR_HEADROOM = Ipv6.HEADER_LENGTH + Transport.ICMP_LENGTH;
    /** RFC 4443 section 2.4(c): an ICMPv6 error quotes as much of the packet as fits the minimum MTU. */
    static final int IPV6_MIN_MTU = 1280;
    static final int IPIP_HEADROOM = Ipv4.MIN_HEADER_LENGTH;
    static final int MIN_FRAME = 60;
    static final int TUNNEL_TTL = 64;

    private final HeadAdjuster heads;
    private int ipId;

    public RewriteNode(HeadAdjuster heads) {
        this.heads = heads;
    }

    /**
     * @param tag the burst's cache tag (snapshot generation, neighbour version): plain IPv4 forwards of tracked flows are cached under it
     * @param ct6 the worker's IPv6 flows: a NATed one's node address and port
     */
    public void run(MbufBurst burst, PacketVector v, ForwardingSnapshot s, ConntrackTable ct, ConntrackTable ct6, long tag, CounterRecord counters) {
        int adjust = 0;
        boolean lengths = false;
        // headDelta is all zero on entry (parse clears it, decap clears what it used); most bursts
        // carry no ICMP error and no tunnelled packet and skip this pass
        int staging = v.headroomWanted > 0 ? v.count : 0;
        for (int i = 0; i < staging; i++) {
            v.headDelta[i] = 0;
            if (v.icmpError[i] >= 0) {
                if (v.verdict[i] != PacketVector.CONTINUE) continue;
                if (suppressIcmpError(v, i)) {
                    v.verdict[i] = PacketVector.DROP; // reason set by whoever asked for the error
                    continue;
                }
                v.headDelta[i] = (short) -(v.kind[i] == PacketVector.KIND_IPV6 ? ICMP6_ERROR_HEADROOM : ICMP_ERROR_HEADROOM);
                adjust++;
            } else if (v.forwarding(i) && v.kind[i] == PacketVector.KIND_IPV4 && v.arpTarget[i] == 0 && v.tunnel[i] != 0) {
                v.headDelta[i] = (short) -IPIP_HEADROOM;
                adjust++;
            }
        }
        if (adjust > 0) heads.apply(burst, v);
        // The node's kernel behind the exception port is this host itself, sending on its uplink:
        // its packets are not forwarded by us and keep their TTL (BFD and GTSM BGP need 255 on the wire).
        boolean fromKernel = v.rxPort == s.exceptionPort;
        for (int i = 0; i < v.count; i++) {
            if (v.icmpError[i] >= 0) {
                if (v.verdict[i] != PacketVector.CONTINUE || v.headDelta[i] == 0) continue;
                if (v.kind[i] == PacketVector.KIND_IPV6) icmp6Error(burst, v, i, s, ct6, counters);
                else icmpError(burst, v, i, s, ct, counters);
                lengths = true;
                continue;
            }
            if (!v.forwarding(i) || v.outPort[i] < 0) continue;
            if (v.kind[i] == PacketVector.KIND_IPV6) {
                if (v.solicit[i]) {
                    solicit(burst, v, i, s);
                    lengths = true;
                    continue;
                }
                long frame = v.address[i];
                long ip = frame + v.l3Offset[i];
                if (!fromKernel) Ipv6.hopLimit(ip, Ipv6.hopLimit(ip) - 1); // no header checksum in IPv6 (RFC 8200 section 3)
                if (v.snat[i]) {
                    Nat6.snat(ip, frame + v.l4Offset[i], v.headers.protocol[i], v.flow[i] >>> 1, ct6);
                    counters.increment(Counter.SNAT);
                }
                Ethernet.addresses(frame, v.dstMac[i], s.portMacs[v.outPort[i]]);
                v.verdict[i] = v.outPort[i];
                continue;
            }
            if (v.kind[i] != PacketVector.KIND_IPV4) continue;
            if (v.arpTarget[i] != 0) {
                arpRequest(burst, v, i, s);
                lengths = true;
                continue;
            }
            long frame = v.address[i];
            int l3 = v.l3Offset[i];
            if (v.headDelta[i] != 0) {
                // IPIP: the L2 header moves to the new start; the inner packet stays where it was
                PacketMemory.copy(frame + IPIP_HEADROOM, frame, l3);
            }
            long ip = frame + l3 + (v.headDelta[i] != 0 ? IPIP_HEADROOM : 0);
            if (!fromKernel) Ipv4.decrementTtl(ip);
            if (v.snat[i]) snat(v, i, ip, s, ct, counters);
            if (v.headDelta[i] != 0) {
                Ipv4.write(frame + l3, 0, Ipv4.totalLength(ip) + IPIP_HEADROOM, nextId(), TUNNEL_TTL, Ipv4.PROTO_IPIP, s.nodeAddress, v.tunnel[i]);
                counters.increment(Counter.IPIP_ENCAP);
            }
            Ethernet.addresses(frame, v.dstMac[i], s.portMacs[v.outPort[i]]);
            if (v.cacheFill[i] && v.verdict[i] == PacketVector.CONTINUE) {
                ct.cacheForward(v.flow[i], tag, v.rxPort, v.outPort[i], v.dstMac[i], v.tunnel[i]);
            }
            v.verdict[i] = v.outPort[i];
        }
        if (lengths) burst.applyLengths();
    }

    private int nextId() { return ipId = (ipId + 1) & 0xFFFF; }

    /**
     * The whole rewrite of an IPv4 packet forwarded without a tunnel (TTL with its checksum
     * patch, source NAT, MACs), done by conntrack itself for an established flow's cached
     * forwarding so the packet is finished in the pass that found its flow.
     */
    static void forwardPlain(PacketVector v, int i, ForwardingSnapshot s, ConntrackTable ct, CounterRecord counters) {
        long frame = v.address[i];
        long ip = frame + v.l3Offset[i];
        if (v.rxPort != s.exceptionPort) Ipv4.decrementTtl(ip); // the node's own packets keep their TTL (run's comment)
        if (v.snat[i]) snat(v, i, ip, s, ct, counters);
        int out = v.outPort[i];
        Ethernet.addresses(frame, v.dstMac[i], s.portMacs[out]);
        v.verdict[i] = out;
    }

    private static void snat(PacketVector v, int i, long ip, ForwardingSnapshot s, ConntrackTable ct, CounterRecord counters) {
        long l4 = v.address[i] + v.l4Offset[i] + (v.headDelta[i] != 0 ? IPIP_HEADROOM : 0);
        snat(ip, l4, v.headers.protocol[i], v.flow[i] >>> 1, ct, counters);
    }

    /** Source NAT of flow {@code f}'s original-direction packet at {@code ip} / {@code l4} to its reply destination. */
    static void snat(long ip, long l4, int protocol, int f, ConntrackTable ct, CounterRecord counters) {
        int oldSrc = Ipv4.src(ip);
        int newSrc = ct.replyDst(f);
        PacketMemory.u32(ip + Ipv4.SRC_OFFSET, newSrc);
        Ipv4.checksum(ip, Checksum.update32(Ipv4.checksum(ip), oldSrc, newSrc));
        Nat.rewriteL4(protocol, l4, oldSrc, newSrc, Transport.SRC_PORT_OFFSET, ct.replyDstPort(f));
        counters.increment(Counter.SNAT);
    }

    /** RFC 1812 4.3.2.7: no error about an ICMP error, nor about a packet to a multicast/broadcast address. */
    private static boolean suppressIcmpError(PacketVector v, int i) {
        if (v.kind[i] == PacketVector.KIND_IPV6) {
            // RFC 4443 2.4(e): not about an ICMPv6 error (types < 128), nor to a multicast
            // destination, nor back to an unspecified or multicast source
            HeaderBatch h = v.headers;
            if (h.protocol[i] == Ipv4.PROTO_ICMPV6 && v.icmpType[i] < 128) return true;
            if ((h.dstV6Hi[i] >>> 56) == 0xFF || (h.srcV6Hi[i] >>> 56) == 0xFF) return true;
            return h.srcV6Hi[i] == 0 && h.srcV6Lo[i] == 0;
        }
        if (v.kind[i] != PacketVector.KIND_IPV4) return true;
        if (v.headers.protocol[i] == Ipv4.PROTO_ICMP && !Transport.isIcmpQuery(v.icmpType[i])) return true;
        int dst = v.headers.dstV4[i];
        return (dst >>> 28) == 0xE || dst == -1;
    }

    /**
     * The packet, shifted by the 28 bytes prepended, becomes [L2][IP][ICMP][quoted IP header + 8 bytes].
     * A reply of a source-NATed flow was translated back to the endpoint by conntrack before
     * routing found why it cannot pass (its TTL): the quote is put back as the sender sent it,
     * to the node's address and port (RFC 5508 section 7, as Linux translates its own errors
     * about a conntracked packet), so the endpoint's pool address never leaves the node.
     */
    private static void icmpError(MbufBurst burst, PacketVector v, int i, ForwardingSnapshot s, ConntrackTable ct, CounterRecord counters) {
        long frame = v.address[i];
        int l3 = v.l3Offset[i];
        long quoted = frame + l3 + ICMP_ERROR_HEADROOM;
        // L2 header from its old place (28 bytes further in), addressed back to the sender
        PacketMemory.copy(frame + ICMP_ERROR_HEADROOM, frame, l3);
        long senderMac = Ethernet.src(frame);
        Ethernet.dst(frame, senderMac);
        Ethernet.src(frame, s.portMacs[v.rxPort]);
        int quote = Math.min(Ipv4.headerLength(quoted) + 8, Ipv4.totalLength(quoted));
        int ref = v.flow[i];
        if (ref >= 0 && (ref & 1) != 0 && ct.natOrigSrc(ref >>> 1) != 0) {
            // IP and L4 checksums patched back too (a TCP checksum lies beyond the 8 quoted bytes, in the packet's own tail: cut off below)
            Nat.reverse(quoted, quoted + Ipv4.headerLength(quoted), v.headers.protocol[i], ct.replyDst(ref >>> 1), ct.replyDstPort(ref >>> 1));
        }
        int total = ICMP_ERROR_HEADROOM + quote;
        long icmp = frame + l3 + Ipv4.MIN_HEADER_LENGTH;
        PacketMemory.u8(icmp, v.icmpError[i] >>> 8);
        PacketMemory.u8(icmp + 1, v.icmpError[i] & 0xFF);
        PacketMemory.u16(icmp + 2, 0);
        PacketMemory.u32(icmp + 4, 0);
        PacketMemory.u16(icmp + 2, Checksum.compute(icmp, Transport.ICMP_LENGTH + quote));
        Ipv4.write(frame + l3, 0xC0, total, 0, 64, Ipv4.PROTO_ICMP, s.nodeAddress, Ipv4.src(quoted));
        int len = Math.max(MIN_FRAME, l3 + total);
        burst.setDataLength(i, len);
        for (int p = l3 + total; p < len; p++) PacketMemory.u8(frame + p, 0);
        v.verdict[i] = v.rxPort;
        counters.increment(Counter.ICMP_ERRORS);
        // the original did not pass: count why, though its mbuf leaves as the error (tx, not drop)
        counters.addByOrdinal(v.dropReason[i], 1);
    }

    /**
     * The packet, shifted by the 48 bytes prepended, becomes [L2][IPv6][ICMPv6][as much of the
     * original as keeps the error within 1280 bytes], from the node's IPv6 address back to the
     * sender (RFC 4443 sections 3.1 and 3.3), checksummed over the pseudo-header. A reply of a
     * NATed flow is quoted as the sender sent it, as in {@link #icmpError}.
     */
    private static void icmp6Error(MbufBurst burst, PacketVector v, int i, ForwardingSnapshot s, ConntrackTable ct6, CounterRecord counters) {
        long frame = v.address[i];
        int l3 = v.l3Offset[i];
        long quoted = frame + l3 + ICMP6_ERROR_HEADROOM;
        PacketMemory.copy(frame + ICMP6_ERROR_HEADROOM, frame, l3);
        Ethernet.dst(frame, Ethernet.src(frame));
        Ethernet.src(frame, s.portMacs[v.rxPort]);
        int quote = Math.min(Ipv6.HEADER_LENGTH + Ipv6.payloadLength(quoted), IPV6_MIN_MTU - ICMP6_ERROR_HEADROOM);
        int ref = v.flow[i];
        if (ref >= 0 && (ref & 1) != 0 && ct6.natOrigSrc(ref >>> 1) != 0) {
            int f = ref >>> 1; // the transport header sits where parse found it, past any extension headers
            Nat6.reverse(quoted, quoted + (v.l4Offset[i] - l3), v.headers.protocol[i], ct6.replyDstHi(f), ct6.replyDstLo(f), ct6.replyDstPort(f));
        }
        int payload = Transport.ICMP_LENGTH + quote;
        long ip = frame + l3;
        PacketMemory.u32(ip, 0x6000_0000); // version 6, traffic class 0, flow label 0
        PacketMemory.u16(ip + Ipv6.PAYLOAD_LENGTH_OFFSET, payload);
        PacketMemory.u8(ip + Ipv6.NEXT_HEADER_OFFSET, Ipv4.PROTO_ICMPV6);
        Ipv6.hopLimit(ip, 64);
        PacketMemory.u64(ip + Ipv6.DST_OFFSET, PacketMemory.u64(quoted + Ipv6.SRC_OFFSET));
        PacketMemory.u64(ip + Ipv6.DST_OFFSET + 8, PacketMemory.u64(quoted + Ipv6.SRC_OFFSET + 8));
        PacketMemory.u64(ip + Ipv6.SRC_OFFSET, s.v6.nodeHi);
        PacketMemory.u64(ip + Ipv6.SRC_OFFSET + 8, s.v6.nodeLo);
        long icmp = ip + Ipv6.HEADER_LENGTH;
        PacketMemory.u8(icmp, v.icmpError[i] >>> 8);
        PacketMemory.u8(icmp + 1, v.icmpError[i] & 0xFF);
        PacketMemory.u16(icmp + 2, 0);
        PacketMemory.u32(icmp + 4, 0); // unused
        PacketMemory.u16(icmp + 2, Checksum.icmp6(ip, icmp, payload));
        int len = Math.max(MIN_FRAME, l3 + Ipv6.HEADER_LENGTH + payload);
        burst.setDataLength(i, len);
        for (int p = l3 + Ipv6.HEADER_LENGTH + payload; p < len; p++) PacketMemory.u8(frame + p, 0);
        v.verdict[i] = v.rxPort;
        counters.increment(Counter.ICMP_ERRORS);
        counters.addByOrdinal(v.dropReason[i], 1);
    }

    /**
     * The packet becomes a neighbour solicitation (RFC 4861 section 4.3) for its next hop (the
     * route's gateway, or the destination when on-link): from the node's address to the
     * target's solicited-node multicast group (RFC 4291 section 2.7.1), with our MAC as the
     * source link-layer address option so the answer can come straight back.
     */
    private static void solicit(MbufBurst burst, PacketVector v, int i, ForwardingSnapshot s) {
        long frame = v.address[i];
        int l3 = v.l3Offset[i];
        int nh = v.nextHop[i];
        boolean onLink = s.v6.nhGatewayHi[nh] == 0 && s.v6.nhGatewayLo[nh] == 0;
        long targetHi = onLink ? v.headers.dstV6Hi[i] : s.v6.nhGatewayHi[nh];
        long targetLo = onLink ? v.headers.dstV6Lo[i] : s.v6.nhGatewayLo[nh];
        long mac = s.portMacs[v.outPort[i]];
        long low24 = targetLo & 0xFFFFFF;
        Ethernet.dst(frame, 0x3333_FF00_0000L | low24);
        Ethernet.src(frame, mac);
        long ip = frame + l3;
        int payload = 32;
        PacketMemory.u32(ip, 0x6000_0000);
        PacketMemory.u16(ip + Ipv6.PAYLOAD_LENGTH_OFFSET, payload);
        PacketMemory.u8(ip + Ipv6.NEXT_HEADER_OFFSET, Ipv4.PROTO_ICMPV6);
        Ipv6.hopLimit(ip, 255);
        PacketMemory.u64(ip + Ipv6.SRC_OFFSET, s.v6.nodeHi);
        PacketMemory.u64(ip + Ipv6.SRC_OFFSET + 8, s.v6.nodeLo);
        PacketMemory.u64(ip + Ipv6.DST_OFFSET, 0xFF02_0000_0000_0000L);
        PacketMemory.u64(ip + Ipv6.DST_OFFSET + 8, 0x0000_0001_FF00_0000L | low24);
        long icmp = ip + Ipv6.HEADER_LENGTH;
        PacketMemory.u32(icmp, Transport.ICMP6_NEIGHBOR_SOLICIT << 24);
        PacketMemory.u32(icmp + 4, 0);
        PacketMemory.u64(icmp + 8, targetHi);
        PacketMemory.u64(icmp + 16, targetLo);
        PacketMemory.u8(icmp + 24, 1); // source link-layer address option
        PacketMemory.u8(icmp + 25, 1);
        PacketMemory.mac(icmp + 26, mac);
        PacketMemory.u16(icmp + Transport.ICMP_CHECKSUM_OFFSET, Checksum.icmp6(ip, icmp, payload));
        burst.setDataLength(i, Math.max(MIN_FRAME, l3 + Ipv6.HEADER_LENGTH + payload));
        v.verdict[i] = v.outPort[i];
    }

    /** The packet becomes a broadcast ARP request for the next hop's address (the packet itself is lost, as in Linux when the queue overflows). */
    private static void arpRequest(MbufBurst burst, PacketVector v, int i, ForwardingSnapshot s) {
        long frame = v.address[i];
        int out = v.outPort[i];
        long mac = s.portMacs[out];
        Ethernet.dst(frame, Ethernet.BROADCAST);
        Ethernet.src(frame, mac);
        PacketMemory.u16(frame + Ethernet.TYPE_OFFSET, Ethernet.TYPE_ARP);
        long arp = frame + Ethernet.HEADER_LENGTH;
        Arp.write(arp, Arp.OP_REQUEST, mac, s.nodeAddress, 0, v.arpTarget[i]);
        for (int p = Ethernet.HEADER_LENGTH + Arp.LENGTH; p < MIN_FRAME; p++) PacketMemory.u8(frame + p, 0);
        burst.setDataLength(i, MIN_FRAME);
        v.verdict[i] = out;
    }
}
