package ocelot.bench.pktgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** pktgen's frames: checksums verified from scratch, distinct flows, the stamp where the receiver looks. */
class FrameWriterTest {
    static StreamSpec spec(int size, boolean ipv6, int proto, int flows) {
        return new StreamSpec(size, flows, ipv6, proto, 0x0200_0000_0001L, 0x0200_0000_0002L,
                StreamSpec.Addresses.parse(ipv6 ? "fd00:1::/120" : "10.1.0.0/24", ipv6),
                StreamSpec.Addresses.parse(ipv6 ? "fd00:2::1-fd00:2::4" : "10.2.0.1-10.2.0.4", ipv6),
                StreamSpec.parsePorts("1024-65535"), StreamSpec.parsePorts("7000"), StreamSpec.LINE_RATE);
    }

    @ParameterizedTest
    @CsvSource({"64,false,17", "74,false,6", "1518,false,17", "82,true,17", "94,true,6", "1500,true,6", "65,false,17"})
    void everyFrameCarriesValidChecksumsAndItsStamp(int size, boolean ipv6, int proto) {
        StreamSpec s = spec(size, ipv6, proto, 5000);
        FrameWriter w = new FrameWriter(s);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment frame = arena.allocate(w.length());
            Set<String> tuples = new HashSet<>();
            for (int flow = 0; flow < 5000; flow += 7) {
                long nanos = 0x0123_4567_89AB_CDEFL + flow * 1_000_003L;
                w.write(frame.address(), flow, 3, nanos, flow * 31);
                byte[] b = frame.toArray(ValueLayout.JAVA_BYTE);
                int l3 = 14, l4 = ipv6 ? 54 : 34, l4Length = b.length - l4;
                if (!ipv6) assertEquals(0xFFFF, FrameWriter.fold(FrameWriter.sum(b, l3, 20)), "IPv4 header checksum, flow " + flow);
                long pseudo = FrameWriter.sum(b, ipv6 ? l3 + 8 : l3 + 12, ipv6 ? 32 : 8) + proto + l4Length;
                assertEquals(0xFFFF, FrameWriter.fold(pseudo + FrameWriter.sum(b, l4, l4Length)), "L4 checksum, flow " + flow);
                int off = Pktgen.payloadOffset(frame.address(), b.length);
                assertEquals(w.payloadOffset(), off);
                assertEquals(StreamSpec.MAGIC | 3, frame.get(FrameWriter.BE32, off));
                long stamp = ((long) frame.get(FrameWriter.BE32, off + 4) << 32) | (frame.get(FrameWriter.BE32, off + 8) & 0xFFFF_FFFFL);
                assertEquals(nanos, stamp);
                assertEquals(flow * 31, frame.get(FrameWriter.BE32, off + 12));
                String tuple = java.util.HexFormat.of().formatHex(b, ipv6 ? l3 + 8 : l3 + 12, l4 + 4);
                assertTrue(tuples.add(tuple), "flow " + flow + " repeats a 5-tuple");
            }
        }
    }

    @Test
    void refusesWhatCannotBeSentNamingIt() {
        var e = assertThrows(IllegalArgumentException.class, () -> spec(64, true, StreamSpec.UDP, 1));
        assertTrue(e.getMessage().contains("frame size 64 outside 82..9018 for IPv6/UDP"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> spec(64, false, StreamSpec.UDP, 1_000_000_000));
        assertTrue(e.getMessage().contains("distinct 5-tuples"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StreamSpec.Addresses.parse("fd00::/64", true));
        assertTrue(e.getMessage().contains("IPv6 address range 'fd00::/64': prefix length 64 outside 96..128"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StreamSpec.Addresses.parse("10.0.0.300", false));
        assertTrue(e.getMessage().contains("'10.0.0.300' is not an address literal"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StreamSpec.Addresses.parse("fd00::1-fd01::1", true));
        assertTrue(e.getMessage().contains("differ above the low 32 bits"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StreamSpec.parsePorts("70000"));
        assertTrue(e.getMessage().contains("port range '70000'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Pktgen.parse(new String[] {"--vdev", "x", "--rates", "1"}));
        assertTrue(e.getMessage().contains("unknown option --rates"), e.getMessage());
    }

    @Test
    void histogramQuantilesWithinItsResolution() {
        LatencyHistogram h = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++) h.record(v * 10); // 10 ns .. 1 ms, uniform
        for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
            double exact = q * 1_000_000;
            assertEquals(exact, h.quantile(q), exact * 0.02, "quantile " + q);
        }
        assertEquals(1_000_000, h.max());
        assertEquals(10, h.min());
        for (long v : new long[] {0, 1, 127, 128, 129, 1000, 123_456_789L, Long.MAX_VALUE / 4}) {
            int i = LatencyHistogram.index(v);
            assertTrue(LatencyHistogram.upperBound(i) >= v && (i == 0 || LatencyHistogram.upperBound(i - 1) < v), "bucket of " + v);
        }
    }
}
