package ocelot.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A DPDK packet-buffer pool ({@code rte_pktmbuf_pool_create}). */
public final class Mempool implements AutoCloseable {
    /** RTE_MBUF_DEFAULT_BUF_SIZE: 2048 bytes of data room plus 128 of headroom. */
    public static final int DEFAULT_DATA_ROOM = 2048 + 128;

    private final String name;
    private MemorySegment pool;

    private Mempool(String name, MemorySegment pool) {
        this.name = name;
        this.pool = pool;
    }

    /** @param mbufs pool size (DPDK prefers 2^n - 1); @param cache per-lcore cache size (≤ 512). */
    public static Mempool create(String name, int mbufs, int cache, int dataRoom) {
        if (mbufs <= 0) throw new IllegalArgumentException("mempool " + name + ": mbufs must be > 0, got " + mbufs);
        if (cache < 0 || cache > 512) throw new IllegalArgumentException("mempool " + name + ": cache must be 0..512, got " + cache);
        if (dataRoom < 128 || dataRoom > 65535) throw new IllegalArgumentException("mempool " + name + ": dataRoom must be 128..65535, got " + dataRoom);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = OcelotShim.ocelot_mempool_create(arena.allocateFrom(name), mbufs, cache, (short) dataRoom, -1);
            if (p.equals(MemorySegment.NULL)) throw new DpdkException("rte_pktmbuf_pool_create(" + name + ", " + mbufs + ")", -1);
            return new Mempool(name, p);
        }
    }

    public String name() { return name; }

    public MemorySegment handle() {
        if (pool == null) throw new IllegalStateException("mempool " + name + " is closed");
        return pool;
    }

    public int available() { return OcelotShim.ocelot_mempool_avail(handle()); }

    public int inUse() { return OcelotShim.ocelot_mempool_in_use(handle()); }

    public int dataRoom() { return Short.toUnsignedInt(OcelotShim.ocelot_mempool_data_room(handle())); }

    /** Allocates n mbufs into burst slots [0, n); all or nothing. Returns false when the pool is short. */
    public boolean allocate(MbufBurst burst, int n) {
        if (n < 0 || n > burst.capacity()) throw new IllegalArgumentException("n=" + n + " outside burst capacity " + burst.capacity());
        boolean ok = OcelotShim.ocelot_pktmbuf_alloc_bulk(handle(), burst.mbufs(), (short) n) == 0;
        burst.setCount(ok ? n : 0);
        return ok;
    }

    @Override
    public void close() {
        if (pool != null) {
            OcelotShim.ocelot_mempool_free(pool);
            pool = null;
        }
    }
}
