package ocelot.dpdk;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end through real DPDK: EAL without hugepages, two net_ring ports (a net_ring vdev is a
 * loopback: what is sent on it is received on it), packets built from Java, sent, received,
 * forwarded to the second port, received again and compared byte for byte; counters checked.
 */
@Tag("dpdk")
class DpdkSmokeTest {
    static Mempool pool;
    static DpdkPort a;
    static DpdkPort b;

    @BeforeAll
    static void up() {
        Eal.initInMemory(512);
        pool = Mempool.create("smoke_test_pool", 4095, 0, Mempool.DEFAULT_DATA_ROOM);
        a = DpdkPort.createVdev("net_ring_smoke_a", "", pool, DpdkPort.Config.defaults());
        b = DpdkPort.createVdev("net_ring_smoke_b", "", pool, DpdkPort.Config.defaults());
    }

    @AfterAll
    static void down() {
        if (a != null) a.close();
        if (b != null) b.close();
        if (pool != null) pool.close();
    }

    @Test
    void packetsSentFromJavaComeBackThroughTwoPortsIntact() {
        int n = 32;
        int baselineInUse = pool.inUse();
        a.resetStats();
        b.resetStats();
        try (MbufBurst out = new MbufBurst(n); MbufBurst in = new MbufBurst(64)) {
            assertTrue(pool.allocate(out, n));
            out.refresh();
            for (int i = 0; i < n; i++) {
                int len = 60 + i;
                for (int j = 0; j < len; j++) NativeMemory.ALL.set(java.lang.foreign.ValueLayout.JAVA_BYTE, out.dataAddress(i) + j, (byte) (i * 7 + j));
                out.setDataLength(i, len);
            }
            assertEquals(0, out.applyLengths());
            assertEquals(n, a.txBurst(0, out, 0, n));
            out.setCount(0);

            assertEquals(n, a.rxBurst(0, in));
            assertEquals(n, b.txBurstOrFree(0, in, 0, n));
            in.setCount(0);

            assertEquals(n, b.rxBurst(0, in));
            in.refresh();
            for (int i = 0; i < n; i++) {
                assertEquals(60 + i, in.dataLength(i), "length of packet " + i);
                assertEquals(60 + i, in.packetLength(i));
                assertEquals(1, in.segments(i));
                for (int j = 0; j < 60 + i; j++) {
                    assertEquals((byte) (i * 7 + j), NativeMemory.ALL.get(java.lang.foreign.ValueLayout.JAVA_BYTE, in.dataAddress(i) + j),
                            "packet " + i + " byte " + j);
                }
            }
            in.freeAll();
        }
        PortStats sa = a.stats();
        PortStats sb = b.stats();
        assertEquals(n, sa.txPackets());
        assertEquals(n, sa.rxPackets());
        assertEquals(n, sb.txPackets());
        assertEquals(n, sb.rxPackets());
        assertEquals(0, sa.rxErrors() + sb.txErrors());
        assertEquals(baselineInUse, pool.inUse(), "every mbuf went back to the pool");
    }

    @Test
    void linkAndMacAreReadable() {
        assertTrue(a.link().up());
        assertEquals(17, a.macString().length());
    }

    @Test
    void badDeviceNamesGiveAClearError() {
        DpdkException e = assertThrows(DpdkException.class,
                () -> DpdkPort.createVdev("net_nosuchdriver0", "", pool, DpdkPort.Config.defaults()));
        assertTrue(e.getMessage().contains("net_nosuchdriver0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DpdkPort.Config(0, 1, 512, 512, false));
        assertThrows(IllegalArgumentException.class, () -> new MbufBurst(0));
    }

    @Test
    void reinitialisingWithOtherArgumentsIsRefused() {
        assertThrows(IllegalStateException.class, () -> Eal.init("other", "--no-huge"));
    }
}
