package ocelot.dpdk;

/**
 * The simplest forwarding loop, testpmd's io mode: rx a burst from one port, tx it to the
 * other, free what tx refused. It proves the binding end to end and is the ceiling every
 * real pipeline is compared with. Allocates nothing per burst.
 */
public final class IoForwarder {
    private final DpdkPort in;
    private final DpdkPort out;
    private final MbufBurst burst;
    private long rxPackets;
    private long txPackets;
    private long dropped;

    public IoForwarder(DpdkPort in, DpdkPort out, int burstSize) {
        this.in = in;
        this.out = out;
        this.burst = new MbufBurst(burstSize);
    }

    /** One duty cycle: returns the number of packets received (0 = idle). */
    public int poll() {
        int n = in.rxBurst(0, burst);
        if (n == 0) return 0;
        int sent = out.txBurstOrFree(0, burst, 0, n);
        burst.setCount(0);
        rxPackets += n;
        txPackets += sent;
        dropped += n - sent;
        return n;
    }

    /** Polls until at least {@code packets} have been received or {@code deadlineNanos} passes. */
    public long forward(long packets, long deadlineNanos) {
        long start = rxPackets;
        int polls = 0;
        while (rxPackets - start < packets) {
            poll();
            // nanoTime every 256 polls keeps the clock off the per-burst cost
            if ((++polls & 0xFF) == 0 && System.nanoTime() > deadlineNanos) break;
        }
        return rxPackets - start;
    }

    public long rxPackets() { return rxPackets; }

    public long txPackets() { return txPackets; }

    public long dropped() { return dropped; }

    public void close() { burst.close(); }
}
