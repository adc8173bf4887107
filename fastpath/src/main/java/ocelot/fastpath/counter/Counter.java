package ocelot.fastpath.counter;

import java.util.HashSet;
import java.util.Set;

/**
 * Every counter a worker keeps, Aeron {@code SystemCounterDescriptor} style: a stable id, a
 * metric-friendly name and a description. Drop reasons are counters of kind {@link Kind#DROP};
 * a packet's drop reason is its counter's ordinal, so one {@code short} per packet names why it
 * died. Ids and names are checked unique at class load.
 */
public enum Counter {
    // Drop-kind counters count packets that did not pass for that reason. When an ICMP error
    // is sent in a packet's place its mbuf leaves as tx, so dropped_packets (mbufs freed) is
    // the sum of drop reasons minus icmp_errors_sent.
    RX(0, "rx_packets", Kind.TRAFFIC, "packets received from any port"),
    TX(1, "tx_packets", Kind.TRAFFIC, "packets handed to a port's transmit queue"),
    DROPPED(2, "dropped_packets", Kind.TRAFFIC, "packets freed, all reasons"),
    PUNTED(3, "punted_packets", Kind.TRAFFIC, "packets sent to the host kernel through the exception port"),
    ARP_REPLIES(4, "arp_replies_sent", Kind.TRAFFIC, "ARP requests answered (proxy-ARP for endpoint gateways, node addresses)"),
    ARP_REQUESTS(5, "arp_requests_sent", Kind.TRAFFIC, "ARP requests sent to resolve a fabric next hop"),
    NEIGHBOURS_LEARNED(6, "neighbours_learned", Kind.TRAFFIC, "neighbour entries learned from ARP and IPv6 neighbour advertisements"),
    ICMP_ERRORS(7, "icmp_errors_sent", Kind.TRAFFIC, "ICMP time-exceeded / unreachable messages generated"),
    IPIP_ENCAP(8, "ipip_encapsulated", Kind.TRAFFIC, "packets encapsulated IPv4-in-IPv4 to a remote node"),
    IPIP_DECAP(9, "ipip_decapsulated", Kind.TRAFFIC, "IPv4-in-IPv4 packets for this node decapsulated"),
    SNAT(10, "snat_packets", Kind.TRAFFIC, "packets source-translated to the node address (nat-outgoing)"),
    SNAT_REVERSE(11, "snat_reverse_packets", Kind.TRAFFIC, "reply packets translated back to the endpoint address"),
    CT_NEW(12, "conntrack_created", Kind.TRAFFIC, "connection-tracking entries created"),
    CT_HIT(13, "conntrack_hits", Kind.TRAFFIC, "packets matching an existing flow (policy skipped)"),
    CT_EXPIRED(14, "conntrack_expired", Kind.TRAFFIC, "entries removed on timeout"),
    CT_EVICTED(15, "conntrack_evicted", Kind.TRAFFIC, "live entries evicted to make room in a full table"),
    POLICY_ALLOWED(16, "policy_allowed", Kind.TRAFFIC, "new flows allowed by policy"),
    ICMP_RELATED(17, "icmp_related", Kind.TRAFFIC, "ICMP errors passed because they quote a tracked flow"),
    ND_SOLICITS(19, "nd_solicits_sent", Kind.TRAFFIC, "IPv6 neighbour solicitations sent to resolve a fabric next hop"),
    ND_ADVERTS(18, "nd_adverts_sent", Kind.TRAFFIC, "IPv6 neighbour solicitations answered (proxy for endpoint gateways, the node address)"),
    FLOW_CACHE_HIT(20, "flow_cache_hits", Kind.TRAFFIC, "packets of established flows forwarded from the result cached in their conntrack entry (route and policy skipped)"),
    FLOW_FUSED(21, "flow_fused_forwards", Kind.TRAFFIC, "flow cache hits forwarded by the fused one-pass path (parse, lookup and rewrite together) rather than by the node graph"),
    STATELESS_FORWARDS(22, "stateless_forwards", Kind.TRAFFIC, "packets routed by the stateless path: no policy, NAT or tunnel applies to either end, so no conntrack (l3fwd's work: checks, LPM, TTL, MACs)"),

    DROP_RUNT(32, "drop_runt", Kind.DROP, "frame shorter than its Ethernet/VLAN header"),
    DROP_MULTI_SEGMENT(33, "drop_multi_segment", Kind.DROP, "chained mbuf (jumbo) not supported by the pipeline"),
    DROP_ETHERTYPE(34, "drop_ethertype", Kind.DROP, "ethertype neither IPv4, IPv6 nor ARP"),
    DROP_IP_VERSION(35, "drop_ip_version", Kind.DROP, "IP version field does not match the ethertype"),
    DROP_IP_HEADER_LENGTH(36, "drop_ip_header_length", Kind.DROP, "IPv4 IHL < 5 or header longer than the frame"),
    DROP_IP_LENGTH(37, "drop_ip_length", Kind.DROP, "IP total/payload length disagrees with the frame"),
    DROP_IP_CHECKSUM(38, "drop_ip_checksum", Kind.DROP, "IPv4 header checksum wrong"),
    DROP_FRAGMENT(39, "drop_fragment", Kind.DROP, "IP fragment (no reassembly in the fastpath; policy needs ports)"),
    DROP_L4_TRUNCATED(40, "drop_l4_truncated", Kind.DROP, "transport header cut short"),
    DROP_IP_SOURCE(41, "drop_ip_source", Kind.DROP, "source address martian (multicast/broadcast/loopback) or spoofed by an endpoint"),
    DROP_TTL_EXPIRED(42, "drop_ttl_expired", Kind.DROP, "TTL/hop limit reached zero (ICMP time exceeded sent)"),
    DROP_NO_ROUTE(43, "drop_no_route", Kind.DROP, "no route to the destination (ICMP unreachable sent)"),
    DROP_POLICY_EGRESS(44, "drop_policy_egress", Kind.DROP, "denied by the source endpoint's egress policy"),
    DROP_POLICY_INGRESS(45, "drop_policy_ingress", Kind.DROP, "denied by the destination endpoint's ingress policy"),
    DROP_NO_NEIGHBOUR(46, "drop_no_neighbour", Kind.DROP, "next hop MAC unknown (ARP request sent)"),
    DROP_TX_FULL(47, "drop_tx_full", Kind.DROP, "output port queue full"),
    DROP_CONNTRACK_INVALID(48, "drop_conntrack_invalid", Kind.DROP, "TCP segment not valid for the tracked state (e.g. no SYN)"),
    DROP_NAT_EXHAUSTED(49, "drop_nat_exhausted", Kind.DROP, "no free source port for nat-outgoing"),
    DROP_ARP(50, "drop_arp", Kind.DROP, "ARP not for us or malformed"),
    DROP_IPV6_HEADER_CHAIN(51, "drop_ipv6_header_chain", Kind.DROP, "IPv6 extension header chain truncated or too long"),
    DROP_BAD_ENCAP(52, "drop_bad_encap", Kind.DROP, "IPIP from an unknown peer or with a malformed inner header"),
    DROP_BLACKHOLE(53, "drop_blackhole", Kind.DROP, "route to a blackhole next hop"),
    DROP_L2_NOT_FOR_US(54, "drop_l2_not_for_us", Kind.DROP, "unicast frame to another MAC"),
    DROP_NO_EXCEPTION_PORT(55, "drop_no_exception_port", Kind.DROP, "traffic for the node but no exception (TAP) port configured"),
    DROP_ICMP_ERROR_SUPPRESSED(56, "drop_icmp_error_suppressed", Kind.DROP, "an ICMP error was due but RFC 1812 4.3.2.7 forbids it"),
    DROP_ARP_REPLY_CONSUMED(57, "drop_arp_reply_consumed", Kind.DROP, "ARP reply absorbed after learning its sender"),
    DROP_POLICY_UNSUPPORTED_ACTION(58, "drop_policy_unsupported_action", Kind.DROP, "first matching rule is LOG, which the control plane must compile away (PASS goes on to the next stage)"),
    DROP_NO_HEADROOM(59, "drop_no_headroom", Kind.DROP, "no mbuf headroom to prepend an outer/ICMP header"),
    DROP_PUNT_LOOP(60, "drop_punt_loop", Kind.DROP, "host-bound traffic that came from the host's own exception port"),
    DROP_ND(61, "drop_nd", Kind.DROP, "neighbour solicitation malformed (RFC 4861 7.1.1: hop limit 255, code 0, length) or not for an address we answer"),
    DROP_IP_DESTINATION(63, "drop_ip_destination", Kind.DROP, "destination martian (RFC 1812 5.3.7: 0/8, 127/8, class E, limited broadcast): never forwarded"),
    DROP_IPV6_NO_PLANE(70, "drop_ipv6_no_plane", Kind.DROP, "IPv6 from the host's exception port while no IPv6 plane is configured (the kernel's own router and neighbour discovery)"),
    DROP_WORKER_ERROR(62, "drop_worker_error", Kind.DROP, "packets of a burst whose processing threw: freed, the worker went on with the next burst"),

    WORKER_ERRORS(96, "worker_errors", Kind.ERROR, "bursts abandoned because their processing threw (each one a bug, logged with its stack trace)");

    /** TRAFFIC and DROP count packets; ERROR counts failures of the dataplane itself. */
    public enum Kind { TRAFFIC, DROP, ERROR }

    private final int id;
    private final String metricName;
    private final Kind kind;
    private final String description;

    Counter(int id, String metricName, Kind kind, String description) {
        this.id = id;
        this.metricName = metricName;
        this.kind = kind;
        this.description = description;
    }

    /** Stable id for exporters; never reused for another meaning. */
    public int id() { return id; }

    public String metricName() { return metricName; }

    public Kind kind() { return kind; }

    public String description() { return description; }

    static final Counter[] VALUES = values();

    static {
        Set<Integer> ids = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (Counter c : VALUES) {
            if (!ids.add(c.id)) throw new IllegalStateException("duplicate counter id " + c.id + " at " + c);
            if (!names.add(c.metricName)) throw new IllegalStateException("duplicate counter name " + c.metricName);
        }
    }

    public static Counter ofOrdinal(int ordinal) { return VALUES[ordinal]; }
}
