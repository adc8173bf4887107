package ocelot.bgp.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Cuts the byte stream into whole messages and checks the header (RFC 4271 §4.1, §6.1): marker
 * all ones, length 19..4096. Emits retained slices; a bad header raises {@link BgpWireException}
 * and the session handler answers it with a NOTIFICATION.
 */
public final class BgpFrameDecoder extends ByteToMessageDecoder {

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= MessageCodec.HEADER_LENGTH) {
            int start = in.readerIndex();
            if (in.getLong(start) != -1L || in.getLong(start + 8) != -1L) {
                in.skipBytes(in.readableBytes());
                throw new BgpWireException(NotificationCode.MESSAGE_HEADER, NotificationCode.HEADER_NOT_SYNCHRONIZED,
                        "marker is not all ones");
            }
            int length = in.getUnsignedShort(start + 16);
            if (length < MessageCodec.HEADER_LENGTH || length > MessageCodec.MAX_LENGTH) {
                in.skipBytes(in.readableBytes());
                throw new BgpWireException(NotificationCode.MESSAGE_HEADER, NotificationCode.HEADER_BAD_LENGTH,
                        new byte[]{(byte) (length >>> 8), (byte) length}, "message length " + length + " outside 19..4096");
            }
            if (in.readableBytes() < length) {
                return;
            }
            out.add(in.readRetainedSlice(length));
        }
    }
}
