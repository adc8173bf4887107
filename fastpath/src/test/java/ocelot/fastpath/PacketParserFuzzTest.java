package ocelot.fastpath;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.provider.MethodSource;

import ocelot.fastpath.node.PacketVector;
import ocelot.fastpath.node.ParseNode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jazzer on the packet parser ({@link ParseNode}, Ethernet/VLAN/ARP/IPv4/IPv6/L4), one frame per
 * input, off-heap as an mbuf's data would be. Invariants: no exception; a dropped frame names a
 * reason; a kept IP frame's L3 and L4 offsets lie inside the frame. Out-of-bounds reads are caught
 * differentially: the frame is parsed twice, surrounded once by 0x00 and once by 0xFF bytes, and
 * every column the parser writes must come out the same (a read past the frame's length would see
 * the difference). Seeds: MalformedPacketFuzzTest's frames.
 */
@Tag("jazzer")
class PacketParserFuzzTest {
    static final int GUARD = 256;
    static final Arena ARENA = Arena.ofAuto();
    static final MemorySegment ZEROS = ARENA.allocate(GUARD + 4096 + GUARD), ONES = ARENA.allocate(GUARD + 4096 + GUARD);
    static final ParseNode PARSE = new ParseNode();
    static final PacketVector A = new PacketVector(1), B = new PacketVector(1);

    static Stream<byte[]> seeds() {
        try (Topology t = new Topology()) {
            t.ipv6 = Nat66Test.plane(true);
            t.publish();
            return Arrays.stream(MalformedPacketFuzzTest.seeds(t)).toList().stream();
        }
    }

    @MethodSource("seeds")
    @FuzzTest
    void parsesWithinTheFrame(byte[] frame) {
        if (frame.length > 4096) return;
        long[] a = parse(ZEROS, (byte) 0, frame, A), b = parse(ONES, (byte) -1, frame, B);
        assertArrayEquals(a, b, "the parser read outside the frame (results depend on the bytes around it)");
        int verdict = A.verdict[0];
        if (verdict == PacketVector.DROP) return;
        if (A.kind[0] == PacketVector.KIND_IPV4 || A.kind[0] == PacketVector.KIND_IPV6) {
            assertTrue(A.l3Offset[0] >= 14 && A.l3Offset[0] <= frame.length, "l3Offset " + A.l3Offset[0] + " of a " + frame.length + "-byte frame");
            assertTrue(A.l4Offset[0] >= A.l3Offset[0] && A.l4Offset[0] <= frame.length, "l4Offset " + A.l4Offset[0] + " of a " + frame.length + "-byte frame");
        }
    }

    /** The frame between two guards filled with {@code fill}; the columns the parser wrote, as numbers. */
    static long[] parse(MemorySegment buffer, byte fill, byte[] frame, PacketVector v) {
        buffer.fill(fill);
        MemorySegment.copy(frame, 0, buffer, ValueLayout.JAVA_BYTE, GUARD, frame.length);
        v.count = 1;
        v.address[0] = buffer.address() + GUARD;
        v.length[0] = frame.length;
        v.rawLength[0] = (short) frame.length;
        v.segments[0] = 1;
        Arrays.fill(v.kind, (byte) 0);
        Arrays.fill(v.l4Offset, 0);
        Arrays.fill(v.dropReason, (short) 0);
        PARSE.run(v, 0); // 0: any destination MAC (the exception port's rule), so parsing goes deep
        var h = v.headers;
        return new long[] {v.verdict[0], v.verdict[0] == PacketVector.DROP ? v.dropReason[0] : -1, v.kind[0], v.l3Offset[0],
                v.l4Offset[0], v.ttl[0], v.tcpFlags[0], v.icmpType[0], v.flowPorts[0], v.arpSeen, v.ipipSeen, v.ndSeen, v.icmpError[0],
                v.solicit[0] ? 1 : 0, h.ipVersion[0], h.srcV4[0], h.dstV4[0], h.srcV6Hi[0], h.srcV6Lo[0], h.dstV6Hi[0], h.dstV6Lo[0],
                h.srcPort[0], h.dstPort[0], h.protocol[0]};
    }
}
