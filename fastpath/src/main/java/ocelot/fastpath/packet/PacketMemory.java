package ocelot.fastpath.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import ocelot.dpdk.NativeMemory;

/**
 * Network-order reads and writes at absolute packet addresses (mbuf data addresses) through
 * {@link NativeMemory#ALL}: no segment per packet, nothing allocated. Callers check lengths
 * against what DPDK reported before reading; these accessors do not.
 */
public final class PacketMemory {
    private PacketMemory() {}

    static final MemorySegment M = NativeMemory.ALL;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    public static int u8(long address) { return M.get(ValueLayout.JAVA_BYTE, address) & 0xFF; }

    public static int u16(long address) { return M.get(U16, address) & 0xFFFF; }

    public static int u32(long address) { return M.get(U32, address); }

    public static long u64(long address) { return M.get(U64, address); }

    public static void u8(long address, int value) { M.set(ValueLayout.JAVA_BYTE, address, (byte) value); }

    public static void u16(long address, int value) { M.set(U16, address, (short) value); }

    public static void u32(long address, int value) { M.set(U32, address, value); }

    public static void u64(long address, long value) { M.set(U64, address, value); }

    /** A MAC address is kept as the low 48 bits of a long, first octet most significant. */
    public static long mac(long address) { return ((long) u16(address) << 32) | (u32(address + 2) & 0xFFFFFFFFL); }

    public static void mac(long address, long mac) {
        u16(address, (int) (mac >>> 32));
        u32(address + 2, (int) mac);
    }

    /** Copies {@code length} bytes between packet addresses; regions may overlap. */
    public static void copy(long from, long to, int length) {
        MemorySegment.copy(M, from, M, to, length);
    }
}
