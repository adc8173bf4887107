package ocelot.bgp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Turns framed messages into {@link BgpMessage} records. The session updates the options once
 * OPENs are exchanged (4-octet AS, external peer, negotiated families).
 */
public final class BgpMessageDecoder extends MessageToMessageDecoder<ByteBuf> {
    private volatile CodecOptions options = CodecOptions.FOUR_OCTET_IBGP;
    private volatile Set<AddressFamily> families = EnumSet.allOf(AddressFamily.class);

    public BgpMessageDecoder() {
        super(ByteBuf.class);
    }

    public void negotiated(CodecOptions options, Set<AddressFamily> families) {
        this.options = options;
        this.families = Set.copyOf(families);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        // MessageToMessageDecoder releases the frame after this returns; records copy what they keep.
        out.add(MessageCodec.decode(frame, options, families));
    }
}
