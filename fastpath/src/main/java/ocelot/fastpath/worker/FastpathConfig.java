package ocelot.fastpath.worker;

import ocelot.fastpath.conntrack.ConntrackTimeouts;

/**
 * The fastpath's one config record, validated here at the edge.
 *
 * @param burstSize packets per rx burst (VPP's vector size; 32..256 is the useful range)
 * @param conntrackCapacity flows per worker (power of two)
 * @param ruleCounterCapacity policy rule ids counted (rule userId must be below it)
 * @param flowFastPath established flows with a cached forwarding are forwarded in one fused pass
 *        ({@code EstablishedFlowNode}) before the graph; false runs every packet through the
 *        full graph (the reference the differential test compares the fused pass with)
 * @param maxPorts port slots (ports present at once, added and removed at runtime); counters
 *        and per-worker staging are sized by it. A real DPDK node is bounded lower by the
 *        DPDK build's RTE_MAX_ETHPORTS (32 in Debian's 22.11)
 * @param idle how workers started by {@link Fastpath#start()} wait when idle
 * @param statelessPath IPv4 between ports and hops no policy, NAT or tunnel applies to is routed
 *        without conntrack ({@code StatelessRouteNode}, issue 19); false tracks every flow (the
 *        reference the stateless differential test and the benchmark compare it with)
 */
public record FastpathConfig(int workers, int burstSize, int conntrackCapacity, int neighbourCapacity,
                             int ruleCounterCapacity, ConntrackTimeouts timeouts, boolean flowFastPath,
                             int maxPorts, IdleMode idle, boolean statelessPath) {
    public static final int DEFAULT_MAX_PORTS = 64;
    public static final int MAX_PORTS_LIMIT = 1 << 16;

    public FastpathConfig {
        if (workers < 1 || workers > 64) throw new IllegalArgumentException("workers must be 1..64, got " + workers);
        if (burstSize < 1 || burstSize > 256) throw new IllegalArgumentException("burstSize must be 1..256, got " + burstSize);
        if (conntrackCapacity < 16 || Integer.bitCount(conntrackCapacity) != 1) throw new IllegalArgumentException("conntrackCapacity must be a power of two >= 16, got " + conntrackCapacity);
        if (neighbourCapacity < 16 || Integer.bitCount(neighbourCapacity) != 1) throw new IllegalArgumentException("neighbourCapacity must be a power of two >= 16, got " + neighbourCapacity);
        if (ruleCounterCapacity < 0 || ruleCounterCapacity > 1 << 24) throw new IllegalArgumentException("ruleCounterCapacity must be 0..16M, got " + ruleCounterCapacity);
        if (timeouts == null) throw new IllegalArgumentException("conntrack timeouts missing");
        if (maxPorts < 1 || maxPorts > MAX_PORTS_LIMIT) throw new IllegalArgumentException("maxPorts must be 1.." + MAX_PORTS_LIMIT + ", got " + maxPorts);
        if (idle == null) throw new IllegalArgumentException("idle strategy missing (busy or backoff)");
    }

    public FastpathConfig(int workers, int burstSize, int conntrackCapacity, int neighbourCapacity,
                          int ruleCounterCapacity, ConntrackTimeouts timeouts) {
        this(workers, burstSize, conntrackCapacity, neighbourCapacity, ruleCounterCapacity, timeouts, true, DEFAULT_MAX_PORTS, IdleMode.BACKOFF, true);
    }

    /** The stateless path on (bench/fastpath's PipelineThroughput calls this one: it compiles against older builds too). */
    public FastpathConfig(int workers, int burstSize, int conntrackCapacity, int neighbourCapacity,
                          int ruleCounterCapacity, ConntrackTimeouts timeouts, boolean flowFastPath, int maxPorts, IdleMode idle) {
        this(workers, burstSize, conntrackCapacity, neighbourCapacity, ruleCounterCapacity, timeouts, flowFastPath, maxPorts, idle, true);
    }

    public static FastpathConfig defaults() {
        return new FastpathConfig(1, 64, 1 << 16, 1 << 12, 1 << 16, ConntrackTimeouts.linuxDefaults());
    }

    public FastpathConfig withFlowFastPath(boolean on) { return new FastpathConfig(workers, burstSize, conntrackCapacity, neighbourCapacity, ruleCounterCapacity, timeouts, on, maxPorts, idle, statelessPath); }

    public FastpathConfig withWorkers(int n) { return new FastpathConfig(n, burstSize, conntrackCapacity, neighbourCapacity, ruleCounterCapacity, timeouts, flowFastPath, maxPorts, idle, statelessPath); }

    public FastpathConfig withConntrackCapacity(int n) { return new FastpathConfig(workers, burstSize, n, neighbourCapacity, ruleCounterCapacity, timeouts, flowFastPath, maxPorts, idle, statelessPath); }

    public FastpathConfig withBurstSize(int n) { return new FastpathConfig(workers, n, conntrackCapacity, neighbourCapacity, ruleCounterCapacity, timeouts, flowFastPath, maxPorts, idle, statelessPath); }

    public FastpathConfig withMaxPorts(int n) { return new FastpathConfig(workers, burstSize, conntrackCapacity, neighbourCapacity, ruleCounterCapacity, timeouts, flowFastPath, n, idle, statelessPath); }

    public FastpathConfig withStatelessPath(boolean on) { return new FastpathConfig(workers, burstSize, conntrackCapacity, neighbourCapacity, ruleCounterCapacity, timeouts, flowFastPath, maxPorts, idle, on); }

    public FastpathConfig withIdle(IdleMode mode) { return new FastpathConfig(workers, burstSize, conntrackCapacity, neighbourCapacity, ruleCounterCapacity, timeouts, flowFastPath, maxPorts, mode, statelessPath); }
}
