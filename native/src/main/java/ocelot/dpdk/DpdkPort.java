package ocelot.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One DPDK ethdev: a virtual device Ocelot creates ({@code net_ring0}, {@code net_null1,size=64},
 * {@code net_af_packet0,iface=veth1}...) or a port EAL already probed. Burst rx/tx are one
 * downcall each and allocate nothing.
 */
public final class DpdkPort implements AutoCloseable {
    public record Config(int rxQueues, int txQueues, int rxDescriptors, int txDescriptors, boolean promiscuous) {
        public Config {
            if (rxQueues < 1 || rxQueues > 64) throw new IllegalArgumentException("rxQueues must be 1..64, got " + rxQueues);
            if (txQueues < 1 || txQueues > 64) throw new IllegalArgumentException("txQueues must be 1..64, got " + txQueues);
            if (rxDescriptors < 1 || rxDescriptors > 16384) throw new IllegalArgumentException("rxDescriptors must be 1..16384, got " + rxDescriptors);
            if (txDescriptors < 1 || txDescriptors > 16384) throw new IllegalArgumentException("txDescriptors must be 1..16384, got " + txDescriptors);
        }

        public static Config defaults() { return new Config(1, 1, 1024, 1024, true); }
    }

    private final String name;
    private final short id;
    private final boolean ownsDevice;
    private boolean started;
    private Config config;

    private DpdkPort(String name, short id, boolean ownsDevice) {
        this.name = name;
        this.id = id;
        this.ownsDevice = ownsDevice;
    }

    /**
     * Creates the virtual device {@code name} with driver arguments {@code devArgs} (may be empty),
     * configures queues on {@code pool} and starts it.
     */
    public static DpdkPort createVdev(String name, String devArgs, Mempool pool, Config config) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = OcelotShim.ocelot_vdev_create(arena.allocateFrom(name), arena.allocateFrom(devArgs == null ? "" : devArgs));
            if (rc < 0) throw new DpdkException("creating vdev " + name + (devArgs == null || devArgs.isEmpty() ? "" : "," + devArgs), rc);
        }
        try {
            DpdkPort port = new DpdkPort(name, lookup(name), true);
            port.configureAndStart(pool, config);
            return port;
        } catch (RuntimeException e) {
            try (Arena arena = Arena.ofConfined()) { OcelotShim.ocelot_vdev_remove(arena.allocateFrom(name)); }
            throw e;
        }
    }

    /** Opens a port EAL probed at start (e.g. from a --vdev argument), configures and starts it. */
    public static DpdkPort open(String name, Mempool pool, Config config) {
        DpdkPort port = new DpdkPort(name, lookup(name), false);
        port.configureAndStart(pool, config);
        return port;
    }

    private static short lookup(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment id = arena.allocate(JAVA_SHORT);
            int rc = OcelotShim.ocelot_port_by_name(arena.allocateFrom(name), id);
            if (rc < 0) throw new DpdkException("finding port " + name, rc);
            return id.get(JAVA_SHORT, 0);
        }
    }

    private void configureAndStart(Mempool pool, Config c) {
        DpdkException.check("configuring port " + name, OcelotShim.ocelot_port_configure(id, (short) c.rxQueues(),
                (short) c.txQueues(), (short) c.rxDescriptors(), (short) c.txDescriptors(), pool.handle()));
        DpdkException.check("starting port " + name, OcelotShim.ocelot_port_start(id));
        started = true;
        config = c;
        if (c.promiscuous()) OcelotShim.ocelot_port_promiscuous(id, 1); // not every vdev supports it; not fatal
    }

    public String name() { return name; }

    public int id() { return id; }

    /** The rx queues it was configured with (queue ids 0..n-1). */
    public int rxQueues() { return config.rxQueues(); }

    /** The tx queues it was configured with; a tx queue must have one writer thread. */
    public int txQueues() { return config.txQueues(); }

    /** Receives up to burst.capacity() packets into slots [0, n); the caller owns them. */
    public int rxBurst(int queue, MbufBurst burst) {
        int n = Short.toUnsignedInt(OcelotShim.ocelot_rx_burst(id, (short) queue, burst.mbufs(), (short) burst.capacity()));
        burst.setCount(n);
        return n;
    }

    /** Sends slots [start, start+n); returns how many the device took; the caller still owns the rest. */
    public int txBurst(int queue, MbufBurst burst, int start, int n) {
        return Short.toUnsignedInt(OcelotShim.ocelot_tx_burst(id, (short) queue, burst.mbufs(), (short) start, (short) n));
    }

    /** Sends slots [start, start+n) and frees whatever the device did not take; returns the sent count. */
    public int txBurstOrFree(int queue, MbufBurst burst, int start, int n) {
        return Short.toUnsignedInt(OcelotShim.ocelot_tx_burst_or_free(id, (short) queue, burst.mbufs(), (short) start, (short) n));
    }

    public PortStats stats() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(OcelotShim.PORT_STATS);
            DpdkException.check("reading stats of " + name, OcelotShim.ocelot_port_stats(id, s));
            return new PortStats(f(s, "ipackets"), f(s, "opackets"), f(s, "ibytes"), f(s, "obytes"),
                    f(s, "imissed"), f(s, "ierrors"), f(s, "oerrors"), f(s, "rx_nombuf"));
        }
    }

    private static long f(MemorySegment s, String field) { return OcelotShim.portStatsField(s, field); }

    public void resetStats() { DpdkException.check("resetting stats of " + name, OcelotShim.ocelot_port_stats_reset(id)); }

    public LinkStatus link() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment l = arena.allocate(OcelotShim.LINK);
            DpdkException.check("reading link of " + name, OcelotShim.ocelot_port_link(id, l));
            return new LinkStatus(OcelotShim.linkUp(l), OcelotShim.linkSpeedMbps(l), OcelotShim.linkFullDuplex(l));
        }
    }

    public byte[] mac() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(6);
            DpdkException.check("reading MAC of " + name, OcelotShim.ocelot_port_mac(id, m));
            return m.toArray(JAVA_BYTE);
        }
    }

    public String macString() { return HexFormat.ofDelimiter(":").formatHex(mac()); }

    @Override
    public void close() {
        if (started) {
            OcelotShim.ocelot_port_stop(id);
            started = false;
            OcelotShim.ocelot_port_close(id);
            if (ownsDevice) {
                try (Arena arena = Arena.ofConfined()) { OcelotShim.ocelot_vdev_remove(arena.allocateFrom(name)); }
            }
        }
    }

    @Override
    public String toString() { return "DpdkPort[" + name + " id=" + id + "]"; }
}
