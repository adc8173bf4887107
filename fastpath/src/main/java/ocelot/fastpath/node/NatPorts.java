package ocelot.fastpath.node;

import ocelot.fastpath.conntrack.ConntrackTable;
import ocelot.fastpath.counter.Counter;
import ocelot.fastpath.counter.CounterRecord;
import ocelot.fastpath.packet.Ipv4;
import ocelot.fastpath.packet.Transport;

/**
 * Source ports (and ICMP echo ids) for nat-outgoing, one disjoint range per worker so workers
 * never hand out the same binding without talking to each other. A candidate is free when no
 * flow's reply tuple uses it (checked in the worker's own conntrack table); a cursor walks the
 * range so consecutive flows do not probe the same ports. Range default: Linux's
 * ip_local_port_range 32768-60999, split evenly.
 */
public final class NatPorts {
    static final int MAX_PROBES = 64;
    private final int low;
    private final int size;
    private int cursor;

    public NatPorts(int low, int high) {
        if (low < 1024 || high > 65535 || high <= low) throw new IllegalArgumentException("NAT port range " + low + "-" + high + " invalid (want 1024 <= low < high <= 65535)");
        this.low = low;
        this.size = high - low + 1;
    }

    /** Worker {@code worker} of {@code workers}' share of 32768-60999. */
    public static NatPorts share(int worker, int workers) {
        int total = 60999 - 32768 + 1;
        int per = total / workers;
        int lo = 32768 + worker * per;
        return new NatPorts(lo, lo + per - 1);
    }

    boolean translatable(int proto, int icmpType) {
        return proto == Ipv4.PROTO_TCP || proto == Ipv4.PROTO_UDP
                || (proto == Ipv4.PROTO_ICMP && icmpType == Transport.ICMP_ECHO_REQUEST);
    }

    /**
     * A free port for a flow to (dst, dport) translated to nodeAddress, or -1. A candidate held
     * by a flow that has timed out but was not swept yet is taken over (the flow removed,
     * counted as expired): an expired binding is free the moment it expires, not when the sweep
     * gets to it.
     */
    int allocate(ConntrackTable ct, int nodeAddress, int dst, int dport, int proto, long nowNs, CounterRecord counters) {
        for (int probe = 0; probe < MAX_PROBES; probe++) {
            int port = low + cursor;
            cursor = cursor + 1 == size ? 0 : cursor + 1;
            int replySport = proto == Ipv4.PROTO_ICMP ? port : dport;
            int ref = ct.lookup(dst, nodeAddress, replySport, port, proto);
            if (ref == ConntrackTable.NONE) return port;
            if (ct.isExpired(ref >>> 1, nowNs)) {
                ct.remove(ref >>> 1);
                counters.increment(Counter.CT_EXPIRED);
                return port;
            }
        }
        return -1;
    }

    /** IPv6: TCP, UDP and ICMPv6 echo requests (their id is the "port") can be translated. */
    boolean translatable6(int proto, int icmpType) {
        return proto == Ipv4.PROTO_TCP || proto == Ipv4.PROTO_UDP
                || (proto == Ipv4.PROTO_ICMPV6 && icmpType == Transport.ICMP6_ECHO_REQUEST);
    }

    /**
     * {@link #allocate} for IPv6, against the worker's IPv6 table. A candidate held by a flow
     * that has timed out but was not swept yet is taken over (the flow removed, counted as
     * expired): an expired binding is free the moment it expires, not when the sweep gets to it.
     */
    int allocate6(ConntrackTable ct6, long nodeHi, long nodeLo, long dstHi, long dstLo, int dport, int proto,
                  long nowNs, CounterRecord counters) {
        for (int probe = 0; probe < MAX_PROBES; probe++) {
            int port = low + cursor;
            cursor = cursor + 1 == size ? 0 : cursor + 1;
            int replySport = proto == Ipv4.PROTO_ICMPV6 ? port : dport;
            int ref = ct6.lookup6(dstHi, dstLo, nodeHi, nodeLo, replySport << 16 | port, proto);
            if (ref == ConntrackTable.NONE) return port;
            if (ct6.isExpired(ref >>> 1, nowNs)) {
                ct6.remove(ref >>> 1);
                counters.increment(Counter.CT_EXPIRED);
                return port;
            }
        }
        return -1;
    }
}
