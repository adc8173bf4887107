package ocelot.fastpath.node;

import ocelot.dpdk.MbufBurst;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.packet.PacketMemory;
import ocelot.fastpath.state.ForwardingSnapshot;

/**
 * ipip4-input: IPv4-in-IPv4 (RFC 2003) addressed to one of the node's addresses, from a known
 * tunnel peer, is decapsulated: the L2 header slides forward over the outer IP header, the
 * mbuf head moves by the outer header length (one downcall for the burst), and the inner
 * packet is parsed again as if it had arrived bare.
 */
public final class DecapNode {
    private final HeadAdjuster heads;
    private final ParseNode parse;

    public DecapNode(HeadAdjuster heads, ParseNode parse) {
        this.heads = heads;
        this.parse = parse;
    }

    public void run(MbufBurst burst, PacketVector v, ForwardingSnapshot s, CounterRecord counters) {
        if (v.ipipSeen == 0) return;
        int found = 0;
        for (int i = 0; i < v.count; i++) {
            if (!v.live(i) || v.kind[i] != PacketVector.KIND_IPV4 || v.headers.protocol[i] != Ipv4.PROTO_IPIP) continue;
            if (!s.isLocal(v.headers.dstV4[i])) continue;
            if (!s.tunnelPeers.containsKey(v.headers.srcV4[i])) {
                v.drop(i, Counter.DROP_BAD_ENCAP);
                continue;
            }
            long frame = v.address[i];
            int l3 = v.l3Offset[i];
            int ihl = Ipv4.headerLength(frame + l3);
            int innerEnd = l3 + Ipv4.totalLength(frame + l3);
            if (innerEnd - (l3 + ihl) < Ipv4.MIN_HEADER_LENGTH) {
                v.drop(i, Counter.DROP_BAD_ENCAP);
                continue;
            }
            PacketMemory.copy(frame, frame + ihl, l3);
            v.headDelta[i] = (short) ihl;
            found++;
        }
        if (found == 0) return;
        heads.apply(burst, v);
        for (int i = 0; i < v.count; i++) {
            if (v.headDelta[i] == 0) continue;
            v.headDelta[i] = 0;
            counters.increment(Counter.IPIP_DECAP);
            parse.parse(v, i, ocelot.fastpath.packet.Ethernet.dst(v.address[i]));
            if (v.live(i) && v.kind[i] != PacketVector.KIND_IPV4) v.drop(i, Counter.DROP_BAD_ENCAP);
        }
    }
}
