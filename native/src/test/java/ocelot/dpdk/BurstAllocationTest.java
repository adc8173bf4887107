package ocelot.dpdk;

import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The burst rx -> tx loop must not allocate on the Java heap: the thread's allocation counter proves it. */
@Tag("dpdk")
class BurstAllocationTest {

    @Test
    void forwardingAMillionPacketsAllocatesNothing() {
        Eal.initInMemory(512);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().threadId();
        try (Mempool pool = Mempool.create("alloc_test_pool", 2047, 0, Mempool.DEFAULT_DATA_ROOM);
             DpdkPort src = DpdkPort.createVdev("net_null_alloc_src", "size=64", pool, DpdkPort.Config.defaults());
             DpdkPort dst = DpdkPort.createVdev("net_null_alloc_dst", "no-rx=1", pool, DpdkPort.Config.defaults())) {
            IoForwarder fwd = new IoForwarder(src, dst, 32);
            fwd.forward(2_000_000, Long.MAX_VALUE); // warm-up: class init, JIT
            long before = threads.getThreadAllocatedBytes(self);
            long forwarded = fwd.forward(1_000_000, Long.MAX_VALUE);
            long after = threads.getThreadAllocatedBytes(self);
            fwd.close();
            assertTrue(forwarded >= 1_000_000);
            assertEquals(0, after - before, "bytes allocated while forwarding " + forwarded + " packets");
            assertEquals(fwd.rxPackets(), fwd.txPackets() + fwd.dropped());
        }
    }
}
