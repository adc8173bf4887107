package ocelot.bgp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Test-side encoding shortcuts shared by the session and rib tests. */
public final class MessageCodecAccess {
    private MessageCodecAccess() {
    }

    public static byte[] bytes(BgpMessage m) {
        ByteBuf b = Unpooled.buffer();
        try {
            MessageCodec.encode(m, b, true);
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }

    /** An iBGP UPDATE announcing {@code prefix} via 10.0.0.2, as annotated hex. */
    public static String update(String prefix) {
        Prefix p = Prefix.parse(prefix);
        BgpMessage.Update u = new BgpMessage.Update(java.util.List.of(), PathAttributes.builder().origin(0)
                .asPath(AsPath.EMPTY).nextHop(IpAddresses.inet("10.0.0.2")).localPref(100).build(), java.util.List.of(p), java.util.List.of());
        return Hex.hex(bytes(u));
    }
}
