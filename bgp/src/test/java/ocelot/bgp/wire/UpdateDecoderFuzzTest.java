package ocelot.bgp.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The message decoder under Jazzer. Input: message type octet, then the body; the test frames it
 * (marker, length) as {@link BgpFrameDecoder} would pass it on, and decodes it as a 4-octet iBGP,
 * a 4-octet eBGP and a 2-octet eBGP session would. A decode may only end in a message or a
 * {@link BgpWireException} (a NOTIFICATION); a decoded UPDATE must re-encode, and decode again
 * to the same routes and attributes. Anything else is a finding.
 *
 * <p>Seed corpus and regression vectors: {@code UpdateDecoderFuzzTestInputs/decode/} (every
 * message vector of MessageCodecTest and Rfc7606Test, exported by
 * {@code -Docelot.bgp.writeSeeds=DIR}; a crash found is copied there as {@code crash-*} and
 * replayed by every plain test run). {@code bin/test} fuzzes for a fixed short time;
 * {@code -Docelot.fuzz.duration=10m} fuzzes longer (bgp/README.md).
 */
class UpdateDecoderFuzzTest {
    private static final List<CodecOptions> SESSIONS = List.of(
            CodecOptions.FOUR_OCTET_IBGP,
            new CodecOptions(true, true, 65001, IpAddresses.inet("10.0.0.1")),
            new CodecOptions(false, true, 65001));

    @FuzzTest(maxDuration = "20s")
    void decode(byte[] input) {
        if (input.length == 0 || input.length - 1 > MessageCodec.MAX_LENGTH - MessageCodec.HEADER_LENGTH) return;
        byte[] frame = frame(input[0] & 0xff, input, 1, input.length - 1);
        for (CodecOptions o : SESSIONS) {
            BgpMessage m;
            try {
                m = decode(frame, o);
            } catch (BgpWireException e) {
                continue; // a NOTIFICATION: the expected end of a malformed message
            }
            if (m instanceof BgpMessage.Update u) reencodes(u);
        }
    }

    static byte[] frame(int type, byte[] body, int off, int len) {
        byte[] f = new byte[MessageCodec.HEADER_LENGTH + len];
        java.util.Arrays.fill(f, 0, 16, (byte) 0xff);
        f[16] = (byte) (f.length >>> 8);
        f[17] = (byte) f.length;
        f[18] = (byte) type;
        System.arraycopy(body, off, f, MessageCodec.HEADER_LENGTH, len);
        return f;
    }

    private static BgpMessage decode(byte[] frame, CodecOptions o) {
        ByteBuf b = Unpooled.wrappedBuffer(frame);
        try {
            return MessageCodec.decode(b, o, MessageCodec.allFamilies());
        } finally {
            b.release();
        }
    }

    private static List<String> sorted(List<Prefix> l) {
        return l.stream().map(Prefix::toString).sorted().toList();
    }

    /** What we accepted we can send on, and a peer decoding it sees the same UPDATE. */
    private static void reencodes(BgpMessage.Update u) {
        ByteBuf out = Unpooled.buffer();
        byte[] wire;
        try {
            MessageCodec.encode(u, out, true);
            wire = new byte[out.readableBytes()];
            out.readBytes(wire);
        } finally {
            out.release();
        }
        BgpMessage.Update again = (BgpMessage.Update) decode(wire, CodecOptions.FOUR_OCTET_IBGP);
        // IPv4 withdrawals go in the withdrawn field, IPv6 ones in MP_UNREACH_NLRI: same set, not same order.
        assertEquals(sorted(u.withdrawn()), sorted(again.withdrawn()));
        assertEquals(List.copyOf(u.nlri()), List.copyOf(again.nlri()));
        assertEquals(List.copyOf(u.mpNlri()), List.copyOf(again.mpNlri()));
        assertEquals(u.attributes(), again.attributes());
    }
}
