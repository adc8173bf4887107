package ocelot.fastpath.node;

import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.neighbour.NeighbourTable;
import ocelot.fastpath.packet.Arp;
import ocelot.fastpath.packet.Ethernet;
import ocelot.fastpath.port.PortRole;
import ocelot.fastpath.state.ForwardingSnapshot;

/**
 * arp-input: answers requests in place and learns from replies. On a workload port every
 * request is answered with the port's MAC, whatever address it asks for (Calico's proxy-ARP
 * on cali interfaces: the workload's default gateway, 169.254.1.1, exists nowhere else), except
 * a workload asking for its own address (duplicate-address detection must see no answer). On
 * fabric and host ports only the node's own addresses are answered. Every valid ARP teaches the
 * neighbour table its sender (RFC 826 "merge" step).
 */
public final class ArpNode {
    public void run(PacketVector v, ForwardingSnapshot s, NeighbourTable neighbours, CounterRecord counters) {
        if (v.arpSeen == 0) return;
        int port = v.rxPort;
        PortRole role = s.portRoles[port];
        long portMac = s.portMacs[port];
        for (int i = 0; i < v.count; i++) {
            if (v.kind[i] != PacketVector.KIND_ARP || !v.live(i)) continue;
            long frame = v.address[i];
            long arp = frame + v.l3Offset[i];
            if (!Arp.isEthernetIpv4(arp)) {
                v.drop(i, Counter.DROP_ARP);
                continue;
            }
            int op = Arp.op(arp);
            int sender = Arp.senderIp(arp);
            long senderMac = Arp.senderMac(arp);
            int target = Arp.targetIp(arp);
            if (sender != 0 && role != PortRole.WORKLOAD && senderMac != 0 && !Ethernet.isMulticast(senderMac)) {
                if (neighbours.get(sender) != NeighbourTable.pack(senderMac, port)) {
                    neighbours.put(sender, senderMac, port);
                    counters.increment(Counter.NEIGHBOURS_LEARNED);
                }
            }
            if (op == Arp.OP_REPLY) {
                v.drop(i, Counter.DROP_ARP_REPLY_CONSUMED);
                continue;
            }
            boolean answer = op == Arp.OP_REQUEST && (role == PortRole.WORKLOAD || role == PortRole.EXCEPTION
                    ? target != sender && (s.portEndpoint[port] < 0 || s.endpointByAddress.get(target) != s.portEndpoint[port])
                    : s.localAddresses.containsKey(target));
            if (!answer) {
                v.drop(i, Counter.DROP_ARP);
                continue;
            }
            Ethernet.dst(frame, senderMac);
            Ethernet.src(frame, portMac);
            Arp.write(arp, Arp.OP_REPLY, portMac, target, senderMac, sender);
            v.verdict[i] = port;
            counters.increment(Counter.ARP_REPLIES);
        }
    }
}
