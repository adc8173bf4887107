package ocelot.fastpath.port;

import ocelot.dpdk.DpdkPort;
import ocelot.dpdk.MbufBurst;

/** A DPDK ethdev (real NIC or vdev: net_pcap, net_af_packet, net_tap, net_ring, net_null...) as a fastpath port. */
public final class DpdkEthPort implements Port {
    private final String name;
    private final DpdkPort port;
    private final PortRole role;
    private final long mac;

    public DpdkEthPort(DpdkPort port, PortRole role) { this(port.name(), port, role); }

    /** @param name the name the control plane uses for this port (e.g. "eth0", "cali1234"), not the DPDK device name */
    public DpdkEthPort(String name, DpdkPort port, PortRole role) {
        this(name, port, role, macOf(port));
    }

    /**
     * With the MAC the fastpath uses for this port (frames it accepts, source of what it sends)
     * set explicitly: for devices without a real link layer of their own (net_pcap, net_null),
     * where the driver's address is arbitrary.
     */
    public DpdkEthPort(String name, DpdkPort port, PortRole role, long mac) {
        if ((mac >>> 48) != 0) throw new IllegalArgumentException("port " + name + ": MAC must fit 48 bits");
        this.name = name;
        this.port = port;
        this.role = role;
        this.mac = mac;
    }

    private static long macOf(DpdkPort port) {
        long v = 0;
        for (byte b : port.mac()) v = (v << 8) | (b & 0xFF);
        return v;
    }

    public DpdkPort device() { return port; }

    @Override public String name() { return name; }

    @Override public PortRole role() { return role; }

    @Override public long mac() { return mac; }

    @Override public int rxQueues() { return port.rxQueues(); }

    @Override public int txQueues() { return port.txQueues(); }

    @Override public int receive(int queue, MbufBurst burst) { return port.rxBurst(queue, burst); }

    @Override public int transmit(int queue, MbufBurst burst, int start, int n) {
        return n == 0 ? 0 : port.txBurstOrFree(queue, burst, start, n);
    }

    @Override public void close() { port.close(); }

    @Override public String toString() { return "DpdkEthPort[" + name + "=" + port.name() + " " + role + "]"; }
}
