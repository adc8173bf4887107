package ocelot.fastpath.conntrack;

import java.util.concurrent.TimeUnit;

/**
 * Idle timeouts per flow state, in nanoseconds. Defaults are Linux nf_conntrack's
 * ({@code nf_conntrack_tcp_timeout_*}, {@code udp_timeout[_stream]}, {@code icmp_timeout}) so a
 * flow behaves as it would through Felix's iptables dataplane.
 */
public record ConntrackTimeouts(long synSentNs, long synRecvNs, long establishedNs, long finWaitNs,
                                long timeWaitNs, long closeNs, long udpUnrepliedNs, long udpRepliedNs,
                                long icmpNs, long otherNs) {
    public ConntrackTimeouts {
        long[] all = {synSentNs, synRecvNs, establishedNs, finWaitNs, timeWaitNs, closeNs, udpUnrepliedNs, udpRepliedNs, icmpNs, otherNs};
        for (long t : all) if (t <= 0) throw new IllegalArgumentException("conntrack timeouts must be positive: " + this);
    }

    public static ConntrackTimeouts linuxDefaults() {
        return new ConntrackTimeouts(s(120), s(60), s(432_000), s(120), s(120), s(10), s(30), s(120), s(30), s(600));
    }

    private static long s(long seconds) { return TimeUnit.SECONDS.toNanos(seconds); }

    long forState(int state) {
        return switch (state) {
            case FlowState.SYN_SENT -> synSentNs;
            case FlowState.SYN_RECV -> synRecvNs;
            case FlowState.ESTABLISHED -> establishedNs;
            case FlowState.FIN_WAIT -> finWaitNs;
            case FlowState.TIME_WAIT -> timeWaitNs;
            case FlowState.CLOSE -> closeNs;
            case FlowState.UDP_UNREPLIED -> udpUnrepliedNs;
            case FlowState.UDP_REPLIED -> udpRepliedNs;
            case FlowState.ICMP -> icmpNs;
            default -> otherNs;
        };
    }
}
