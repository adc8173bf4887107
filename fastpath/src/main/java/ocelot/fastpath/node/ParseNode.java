package ocelot.fastpath.node;

import java.util.Arrays;

import ocelot.acl.HeaderBatch;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.packet.Checksum;
import ocelot.fastpath.packet.Ethernet;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.packet.Ipv6;
import ocelot.fastpath.packet.PacketMemory;
import ocelot.fastpath.packet.Transport;

/**
 * ethernet-input + ip4-input + ip6-input: reads Ethernet (one or two VLAN tags), ARP, IPv4
 * (options skipped by IHL), IPv6 (extension headers walked) and the first bytes of TCP, UDP,
 * ICMP and ICMPv6 into the {@link PacketVector}, and drops what fails validation with a
 * counted reason (RFC 1812 section 5.2.2 checks: version, IHL, total length against the
 * frame, header checksum; plus truncated transport headers and fragments, which the
 * fastpath does not reassemble). Every read is bounds-checked against the mbuf's length
 * first, so no input can make it read outside the packet.
 */
public final class ParseNode {
    /** Upper bound on IPv6 extension headers walked before giving up (a loop of them is an attack). */
    static final int MAX_IPV6_EXTENSIONS = 8;

    /** @param portMac frames to other unicast MACs are dropped; 0 accepts any (the exception port's kernel side). */
    public void run(PacketVector v, long portMac) {
        HeaderBatch h = v.headers;
        v.arpSeen = 0;
        v.ipipSeen = 0;
        v.ndSeen = 0;
        v.headroomWanted = 0;
        int n = v.count;
        // column-wise resets (vectorised fills) instead of scalar stores in the per-packet
        // loop: ParseNode.run's share of a perf profile fell from 13.1% to 9.9% (64-byte UDP,
        // burst 64, AMD EPYC). Only columns some node reads without having written them for
        // that packet are reset: icmpType and tcpFlags are written by the IP parsers for every
        // IP packet, flow and snat by conntrack for every live one, nextHop is read only after
        // route wrote it.
        Arrays.fill(v.verdict, 0, n, PacketVector.CONTINUE);
        Arrays.fill(v.headDelta, 0, n, (short) 0);
        Arrays.fill(v.icmpError, 0, n, -1);
        Arrays.fill(v.tunnel, 0, n, 0);
        Arrays.fill(v.arpTarget, 0, n, 0);
        Arrays.fill(v.solicit, 0, n, false);
        Arrays.fill(v.dstEndpoint, 0, n, -1);
        Arrays.fill(v.outPort, 0, n, -1);
        Arrays.fill(h.ipVersion, 0, n, (byte) 0);
        for (int i = 0; i < n; i++) {
            if (v.segments[i] != 1) {
                v.drop(i, Counter.DROP_MULTI_SEGMENT);
                continue;
            }
            parse(v, i, portMac);
        }
    }

    /** Parses packet i from its frame start; used again after decapsulation. */
    public void parse(PacketVector v, int i, long portMac) {
        long frame = v.address[i];
        int len = v.length[i];
        if (len < Ethernet.HEADER_LENGTH) {
            v.drop(i, Counter.DROP_RUNT);
            return;
        }
        long dmac = Ethernet.dst(frame);
        if (portMac != 0 && !Ethernet.isMulticast(dmac) && dmac != portMac) {
            v.drop(i, Counter.DROP_L2_NOT_FOR_US);
            return;
        }
        int off = Ethernet.TYPE_OFFSET;
        int type = PacketMemory.u16(frame + off);
        for (int tags = 0; (type == Ethernet.TYPE_VLAN || type == Ethernet.TYPE_QINQ) && tags < 2; tags++) {
            off += Ethernet.VLAN_TAG_LENGTH;
            if (off + 2 > len) {
                v.drop(i, Counter.DROP_RUNT);
                return;
            }
            type = PacketMemory.u16(frame + off);
        }
        int l3 = off + 2;
        v.l3Offset[i] = l3;
        switch (type) {
            case Ethernet.TYPE_IPV4 -> parseIpv4(v, i, frame, len, l3);
            case Ethernet.TYPE_IPV6 -> parseIpv6(v, i, frame, len, l3);
            case Ethernet.TYPE_ARP -> {
                v.kind[i] = PacketVector.KIND_ARP;
                v.arpSeen++;
                if (l3 + ocelot.fastpath.packet.Arp.LENGTH > len) v.drop(i, Counter.DROP_ARP);
            }
            default -> v.drop(i, Counter.DROP_ETHERTYPE);
        }
    }

    private static void parseIpv4(PacketVector v, int i, long frame, int len, int l3) {
        v.kind[i] = PacketVector.KIND_IPV4;
        long ip = frame + l3;
        if (l3 + Ipv4.MIN_HEADER_LENGTH > len) {
            v.drop(i, Counter.DROP_IP_HEADER_LENGTH);
            return;
        }
        // The 20-byte fixed header in three big-endian loads (4 + 8 + 8 bytes), each read once:
        // the fields below and the checksum come from these registers.
        int w0 = PacketMemory.u32(ip);
        long w12 = PacketMemory.u64(ip + 4);
        long addresses = PacketMemory.u64(ip + Ipv4.SRC_OFFSET);
        int w1 = (int) (w12 >>> 32);
        int w2 = (int) w12;
        int src = (int) (addresses >>> 32);
        int dst = (int) addresses;
        if (w0 >>> 28 != 4) {
            v.drop(i, Counter.DROP_IP_VERSION);
            return;
        }
        int ihl = ((w0 >>> 24) & 0x0F) << 2;
        if (ihl < Ipv4.MIN_HEADER_LENGTH || l3 + ihl > len) {
            v.drop(i, Counter.DROP_IP_HEADER_LENGTH);
            return;
        }
        int total = w0 & 0xFFFF;
        if (total < ihl || l3 + total > len) {
            v.drop(i, Counter.DROP_IP_LENGTH);
            return;
        }
        // RFC 1071 over the five words: one's-complement sums are order-free, so the halves of
        // the two 64-bit loads are added as they come
        boolean checksumOk = ihl == Ipv4.MIN_HEADER_LENGTH
                ? Checksum.fold((w0 & 0xFFFFFFFFL) + (w12 >>> 32) + (w12 & 0xFFFFFFFFL) + (addresses >>> 32) + (addresses & 0xFFFFFFFFL)) == 0xFFFF
                : Checksum.verify(ip, ihl);
        if (!checksumOk) {
            v.drop(i, Counter.DROP_IP_CHECKSUM);
            return;
        }
        if ((w1 & Ipv4.FRAGMENT_MASK) != 0) {
            v.drop(i, Counter.DROP_FRAGMENT);
            return;
        }
        int srcTop = src >>> 24;
        // RFC 1812 5.3.7: martian sources (0/8, 127/8, class D/E, limited broadcast) are never forwarded
        if (srcTop == 0 || srcTop == 127 || srcTop >= 224) {
            v.drop(i, Counter.DROP_IP_SOURCE);
            return;
        }
        if (Ipv4.martianDestination(dst)) {
            v.drop(i, Counter.DROP_IP_DESTINATION);
            return;
        }
        int proto = (w2 >>> 16) & 0xFF;
        int l4 = l3 + ihl;
        int l4Len = total - ihl;
        v.l4Offset[i] = l4;
        v.ttl[i] = w2 >>> 24;
        int sport = 0;
        int dport = 0;
        int flowPorts = 0;
        int tcpFlags = 0;
        int icmpType = -1;
        long t = frame + l4;
        switch (proto) {
            case Ipv4.PROTO_TCP -> {
                if (l4Len < Transport.TCP_MIN_LENGTH || Transport.tcpDataOffset(t) < Transport.TCP_MIN_LENGTH
                        || Transport.tcpDataOffset(t) > l4Len) {
                    v.drop(i, Counter.DROP_L4_TRUNCATED);
                    return;
                }
                sport = Transport.srcPort(t);
                dport = Transport.dstPort(t);
                tcpFlags = Transport.tcpFlags(t);
            }
            case Ipv4.PROTO_UDP -> {
                if (l4Len < Transport.UDP_LENGTH) {
                    v.drop(i, Counter.DROP_L4_TRUNCATED);
                    return;
                }
                int ports = PacketMemory.u32(t); // both ports in one load
                sport = ports >>> 16;
                dport = ports & 0xFFFF;
            }
            case Ipv4.PROTO_ICMP -> {
                if (l4Len < Transport.ICMP_LENGTH) {
                    v.drop(i, Counter.DROP_L4_TRUNCATED);
                    return;
                }
                int typeCode = PacketMemory.u16(t); // type and code in one load
                int type = typeCode >>> 8;
                icmpType = type;
                // the classifier sees type/code (Calico's icmp match); conntrack the echo id
                sport = type;
                dport = typeCode & 0xFF;
                if (Transport.isIcmpQuery(type)) {
                    int id = Transport.icmpId(t);
                    flowPorts = id << 16 | id;
                }
            }
            case Ipv4.PROTO_IPIP -> v.ipipSeen++;
            default -> { }
        }
        if (proto != Ipv4.PROTO_ICMP) flowPorts = sport << 16 | dport;
        v.flowPorts[i] = flowPorts;
        v.tcpFlags[i] = tcpFlags;
        v.icmpType[i] = icmpType;
        v.headers.setV4(i, src, dst, sport, dport, proto);
    }

    private static void parseIpv6(PacketVector v, int i, long frame, int len, int l3) {
        v.kind[i] = PacketVector.KIND_IPV6;
        long ip = frame + l3;
        if (l3 + Ipv6.HEADER_LENGTH > len) {
            v.drop(i, Counter.DROP_IP_HEADER_LENGTH);
            return;
        }
        if (Ipv6.version(ip) != 6) {
            v.drop(i, Counter.DROP_IP_VERSION);
            return;
        }
        int end = l3 + Ipv6.HEADER_LENGTH + Ipv6.payloadLength(ip);
        if (end > len) {
            v.drop(i, Counter.DROP_IP_LENGTH);
            return;
        }
        int next = Ipv6.nextHeader(ip);
        int off = l3 + Ipv6.HEADER_LENGTH;
        int walked = 0;
        while (Ipv6.isExtension(next)) {
            if (next == Ipv6.EXT_FRAGMENT) {
                v.drop(i, Counter.DROP_FRAGMENT);
                return;
            }
            if (++walked > MAX_IPV6_EXTENSIONS || off + 8 > end) {
                v.drop(i, Counter.DROP_IPV6_HEADER_CHAIN);
                return;
            }
            int hdrLen = next == Ipv6.EXT_AH ? (PacketMemory.u8(frame + off + 1) + 2) << 2 : (PacketMemory.u8(frame + off + 1) + 1) << 3;
            next = PacketMemory.u8(frame + off);
            off += hdrLen;
        }
        if (off > end) {
            v.drop(i, Counter.DROP_IPV6_HEADER_CHAIN);
            return;
        }
        v.l4Offset[i] = off;
        v.ttl[i] = Ipv6.hopLimit(ip);
        int l4Len = end - off;
        long t = frame + off;
        int sport = 0;
        int dport = 0;
        int flowPorts = 0;
        v.tcpFlags[i] = 0;
        v.icmpType[i] = -1;
        if (next == Ipv4.PROTO_TCP || next == Ipv4.PROTO_UDP) {
            if (l4Len < (next == Ipv4.PROTO_TCP ? Transport.TCP_MIN_LENGTH : Transport.UDP_LENGTH)) {
                v.drop(i, Counter.DROP_L4_TRUNCATED);
                return;
            }
            sport = Transport.srcPort(t);
            dport = Transport.dstPort(t);
            if (next == Ipv4.PROTO_TCP) v.tcpFlags[i] = Transport.tcpFlags(t);
        } else if (next == Ipv4.PROTO_ICMPV6) {
            if (l4Len < Transport.ICMP_LENGTH) {
                v.drop(i, Counter.DROP_L4_TRUNCATED);
                return;
            }
            int type = Transport.icmpType(t);
            v.icmpType[i] = type;
            if (type == Transport.ICMP6_NEIGHBOR_SOLICIT || type == Transport.ICMP6_NEIGHBOR_ADVERT) v.ndSeen++;
            sport = type;
            dport = Transport.icmpCode(t);
            if (type == Transport.ICMP6_ECHO_REQUEST || type == Transport.ICMP6_ECHO_REPLY) {
                int id = Transport.icmpId(t);
                flowPorts = id << 16 | id;
            }
        }
        if (next != Ipv4.PROTO_ICMPV6) flowPorts = sport << 16 | dport;
        v.flowPorts[i] = flowPorts;
        v.headers.setV6(i, Ipv6.srcHi(ip), Ipv6.srcLo(ip), Ipv6.dstHi(ip), Ipv6.dstLo(ip), sport, dport, next);
    }
}
