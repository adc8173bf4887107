package ocelot.fastpath.port;

import ocelot.dpdk.MbufBurst;

/**
 * A packet port as a worker sees it. Ownership: {@link #receive} hands the caller the mbufs in
 * burst slots [0, n); {@link #transmit} takes slots [start, start+n) for good, sending or
 * freeing each exactly once.
 */
public interface Port extends AutoCloseable {
    String name();

    PortRole role();

    /** The port's own MAC, low 48 bits. */
    long mac();

    /** Rx queues: worker {@code w} polls queue {@code w} when {@code w < rxQueues()} (so a 1-queue port is polled by worker 0). */
    default int rxQueues() { return 1; }

    /** Tx queues: every worker transmits on its own queue (DPDK's are single-writer), so a port needs one per worker. */
    default int txQueues() { return 1; }

    /** Receives into slots [0, n) of {@code burst} from rx queue {@code queue}; returns n. */
    int receive(int queue, MbufBurst burst);

    /** Sends slots [start, start+n) on tx queue {@code queue}, frees what the device refused; returns the sent count. */
    int transmit(int queue, MbufBurst burst, int start, int n);

    @Override
    void close();
}
