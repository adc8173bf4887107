package ocelot.bgp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PrefixListTest {
    /** Random NLRI of every length, both families: the columns read what Prefix.read reads. */
    @Test
    void readsWhatPrefixReadReads() {
        Random r = new Random(7);
        for (AddressFamily f : AddressFamily.values()) {
            ByteBuf wire = Unpooled.buffer();
            List<Prefix> expected = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                int len = r.nextInt(f.maxPrefixLength + 1);
                wire.writeByte(len);
                byte[] b = new byte[(len + 7) >>> 3];
                r.nextBytes(b); // host bits set on purpose: both readers must clear them
                wire.writeBytes(b);
            }
            ByteBuf copy = wire.duplicate();
            while (copy.isReadable()) expected.add(Prefix.read(copy, f));
            PrefixList.Builder builder = new PrefixList.Builder(f);
            while (wire.isReadable()) builder.read(wire);
            PrefixList got = builder.build();
            PrefixList.Builder bulk = new PrefixList.Builder(f);
            bulk.readAll(copy.resetReaderIndex());
            assertEquals(expected, bulk.build(), "readAll, " + f);
            assertEquals(expected, got);
            assertEquals(got, expected);
            assertEquals(expected.hashCode(), got.hashCode());
            for (int i = 0; i < got.size(); i++) {
                assertEquals(expected.get(i).low(), got.low(i));
                assertEquals(expected.get(i).high(), got.high(i));
                assertEquals(expected.get(i).length(), got.length(i));
            }
        }
    }

    @Test
    void malformedEntriesFailAsPrefixReadDoes() {
        PrefixList.Builder b = new PrefixList.Builder(AddressFamily.IPV4_UNICAST);
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> b.read(Unpooled.wrappedBuffer(new byte[]{33, 1, 2, 3, 4, 5})));
        assertEquals("NLRI length 33 exceeds 32", tooLong.getMessage());
        IllegalArgumentException shortBytes = assertThrows(IllegalArgumentException.class, () -> b.read(Unpooled.wrappedBuffer(new byte[]{24, 10, 0})));
        assertEquals("NLRI /24 needs 3 octets, 2 left", shortBytes.getMessage());
        assertEquals(0, b.size());
        // readAll: the same errors, after the good entries before them
        PrefixList.Builder bulk = new PrefixList.Builder(AddressFamily.IPV4_UNICAST);
        IllegalArgumentException bulkTooLong = assertThrows(IllegalArgumentException.class,
                () -> bulk.readAll(Unpooled.wrappedBuffer(new byte[]{8, 10, 33, 1, 2, 3, 4, 5})));
        assertEquals("NLRI length 33 exceeds 32", bulkTooLong.getMessage());
        IllegalArgumentException bulkShort = assertThrows(IllegalArgumentException.class,
                () -> bulk.readAll(Unpooled.wrappedBuffer(new byte[]{24, 10, 0})));
        assertEquals("NLRI /24 needs 3 octets, 2 left", bulkShort.getMessage());
        assertEquals(1, bulk.size());
    }
}
