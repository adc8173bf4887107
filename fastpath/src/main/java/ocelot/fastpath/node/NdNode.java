package ocelot.fastpath.node;

import ocelot.dpdk.MbufBurst;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.neighbour.NeighbourTable;
import ocelot.fastpath.packet.Checksum;
import ocelot.fastpath.packet.Ethernet;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.packet.Ipv6;
import ocelot.fastpath.packet.PacketMemory;
import ocelot.fastpath.packet.Transport;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.state.ForwardingSnapshot;
import ocelot.fastpath.state.Ipv6Forwarding;

/**
 * ip6-nd, the IPv6 counterpart of {@link ArpNode}: answers neighbour solicitations (RFC 4861
 * section 7.2.4) by turning the solicitation into the advertisement in place. On a workload
 * port it answers for any unicast target but the endpoint's own addresses (the proxy a Calico
 * host gives its cali interfaces, so the workload's gateway always resolves to the port's
 * MAC; its own address stays unanswered so duplicate-address detection passes). On fabric and
 * host ports only the node's IPv6 address is answered. Solicitations failing RFC 4861 section
 * 7.1.1 validation (hop limit 255, code 0, at least 24 bytes, ICMPv6 checksum, unicast target)
 * are dropped.
 * Advertisements arriving on fabric and host ports teach the neighbour table their target's
 * link-layer address (that is how a solicitation sent for an unresolved next hop gets its
 * answer) and then go on to the kernel. Without IPv6 state (nothing to answer for)
 * solicitations go to the kernel like other IPv6.
 */
public final class NdNode {
    static final int NS_LENGTH = 24;
    static final int NA_LENGTH = 32; // header + target + target link-layer address option
    static final int NA_FLAGS_ROUTER = 0x80000000, NA_FLAGS_SOLICITED = 0x40000000, NA_FLAGS_OVERRIDE = 0x20000000;
    static final int OPTION_TARGET_LL = 2;
    static final long ALL_NODES_HI = 0xFF02_0000_0000_0000L, ALL_NODES_LO = 1;

    public void run(MbufBurst burst, PacketVector v, ForwardingSnapshot s, NeighbourTable neighbours, CounterRecord counters) {
        if (v.ndSeen == 0 || s.v6 == null) return;
        Ipv6Forwarding six = s.v6;
        int port = v.rxPort;
        PortRole role = s.portRoles[port];
        long portMac = s.portMacs[port];
        boolean lengths = false;
        for (int i = 0; i < v.count; i++) {
            if (!v.live(i) || v.kind[i] != PacketVector.KIND_IPV6 || v.headers.protocol[i] != Ipv4.PROTO_ICMPV6) continue;
            if (v.icmpType[i] == Transport.ICMP6_NEIGHBOR_ADVERT) {
                if (role != PortRole.WORKLOAD) learn(v, i, port, neighbours, counters);
                continue; // then routed like any packet: to the node's kernel, which may be waiting for it too
            }
            if (v.icmpType[i] != Transport.ICMP6_NEIGHBOR_SOLICIT) continue;
            long frame = v.address[i];
            int l3 = v.l3Offset[i];
            long ip = frame + l3;
            long icmp = frame + v.l4Offset[i];
            int icmpLength = l3 + Ipv6.HEADER_LENGTH + Ipv6.payloadLength(ip) - v.l4Offset[i];
            long targetHi = PacketMemory.u64(icmp + 8);
            long targetLo = PacketMemory.u64(icmp + 16);
            // an NS behind extension headers is valid but rare; the in-place answer wants ICMPv6 right after the header
            if (Ipv6.hopLimit(ip) != 255 || Transport.icmpCode(icmp) != 0 || icmpLength < NS_LENGTH
                    || (targetHi >>> 56) == 0xFF || v.l4Offset[i] != l3 + Ipv6.HEADER_LENGTH
                    || Checksum.fold(Checksum.sum(icmp, icmpLength, Checksum.pseudoHeader6(ip, icmpLength, Ipv4.PROTO_ICMPV6))) != 0xFFFF) {
                v.drop(i, Counter.DROP_ND);
                continue;
            }
            int endpoint = s.portEndpoint[port];
            boolean answer = role == PortRole.WORKLOAD || role == PortRole.EXCEPTION
                    ? endpoint < 0 || !six.endpointOwns(endpoint, targetHi, targetLo)
                    : six.isNode(targetHi, targetLo);
            if (!answer) {
                v.drop(i, Counter.DROP_ND);
                continue;
            }
            long srcHi = Ipv6.srcHi(ip), srcLo = Ipv6.srcLo(ip);
            boolean dad = srcHi == 0 && srcLo == 0; // from ::, a duplicate-address probe: answer to all nodes, unsolicited
            long askerMac = Ethernet.src(frame);
            Ethernet.dst(frame, dad ? 0x3333_0000_0001L : askerMac);
            Ethernet.src(frame, portMac);
            PacketMemory.u16(ip + Ipv6.PAYLOAD_LENGTH_OFFSET, NA_LENGTH);
            Ipv6.hopLimit(ip, 255);
            PacketMemory.u64(ip + Ipv6.SRC_OFFSET, targetHi);
            PacketMemory.u64(ip + Ipv6.SRC_OFFSET + 8, targetLo);
            PacketMemory.u64(ip + Ipv6.DST_OFFSET, dad ? ALL_NODES_HI : srcHi);
            PacketMemory.u64(ip + Ipv6.DST_OFFSET + 8, dad ? ALL_NODES_LO : srcLo);
            PacketMemory.u32(icmp, Transport.ICMP6_NEIGHBOR_ADVERT << 24); // type, code 0, checksum 0
            PacketMemory.u32(icmp + 4, NA_FLAGS_ROUTER | NA_FLAGS_OVERRIDE | (dad ? 0 : NA_FLAGS_SOLICITED));
            PacketMemory.u8(icmp + NS_LENGTH, OPTION_TARGET_LL);
            PacketMemory.u8(icmp + NS_LENGTH + 1, 1); // length in units of 8 bytes
            PacketMemory.mac(icmp + NS_LENGTH + 2, portMac);
            PacketMemory.u16(icmp + Transport.ICMP_CHECKSUM_OFFSET, Checksum.icmp6(ip, icmp, NA_LENGTH));
            int frameLength = Math.max(RewriteNode.MIN_FRAME, l3 + Ipv6.HEADER_LENGTH + NA_LENGTH);
            if (frameLength != v.length[i]) {
                burst.setDataLength(i, frameLength);
                v.length[i] = frameLength;
                lengths = true;
            }
            v.verdict[i] = port;
            counters.increment(Counter.ND_ADVERTS);
        }
        if (lengths) burst.applyLengths();
    }

    /** RFC 4861 7.1.2 validation, then the target's link-layer address option (7.2.5) updates the table. */
    private static void learn(PacketVector v, int i, int port, NeighbourTable neighbours, CounterRecord counters) {
        long frame = v.address[i];
        long ip = frame + v.l3Offset[i];
        long icmp = frame + v.l4Offset[i];
        int icmpLength = v.l3Offset[i] + Ipv6.HEADER_LENGTH + Ipv6.payloadLength(ip) - v.l4Offset[i];
        if (Ipv6.hopLimit(ip) != 255 || Transport.icmpCode(icmp) != 0 || icmpLength < NS_LENGTH
                || Checksum.fold(Checksum.sum(icmp, icmpLength, Checksum.pseudoHeader6(ip, icmpLength, Ipv4.PROTO_ICMPV6))) != 0xFFFF) return;
        long targetHi = PacketMemory.u64(icmp + 8), targetLo = PacketMemory.u64(icmp + 16);
        if ((targetHi >>> 56) == 0xFF) return;
        for (int off = NS_LENGTH; off + 8 <= icmpLength; ) {
            int type = PacketMemory.u8(icmp + off);
            int units = PacketMemory.u8(icmp + off + 1);
            if (units == 0) return; // RFC 4861 4.6: a zero-length option invalidates the packet
            if (type == OPTION_TARGET_LL && units == 1) {
                long mac = PacketMemory.mac(icmp + off + 2);
                if (mac == 0 || Ethernet.isMulticast(mac)) return;
                if (neighbours.get6(targetHi, targetLo) != NeighbourTable.pack(mac, port)) {
                    neighbours.put6(targetHi, targetLo, mac, port);
                    counters.increment(Counter.NEIGHBOURS_LEARNED);
                }
                return;
            }
            off += units * 8;
        }
    }
}
