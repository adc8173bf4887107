package ocelot.bgp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Stateless, shared encoder for records. Route UPDATEs for many peers are instead pre-encoded
 * once per update group as a {@link ByteBuf} and written as retained duplicates, so they pass
 * this handler untouched (FRR's update-group lesson, DESIGN.md field notes).
 */
@ChannelHandler.Sharable
public final class BgpMessageEncoder extends MessageToByteEncoder<BgpMessage> {
    public static final BgpMessageEncoder FOUR_OCTET = new BgpMessageEncoder(true);
    public static final BgpMessageEncoder TWO_OCTET = new BgpMessageEncoder(false);

    private final boolean fourOctet;

    private BgpMessageEncoder(boolean fourOctet) {
        super(BgpMessage.class);
        this.fourOctet = fourOctet;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, BgpMessage msg, ByteBuf out) {
        MessageCodec.encode(msg, out, fourOctet);
    }
}
