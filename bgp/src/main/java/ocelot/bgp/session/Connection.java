package ocelot.bgp.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import ocelot.bgp.wire.BgpMessage;
import ocelot.bgp.wire.BgpMessageDecoder;

/**
 * One TCP connection of a session. A session can briefly own two (ours and the peer's) until
 * collision detection (RFC 4271 §6.8) closes one; each carries its own OPEN exchange state.
 */
public final class Connection {
    final Channel channel;
    final boolean outgoing;
    SessionState state = SessionState.OPEN_SENT;
    BgpMessage.Open remoteOpen;
    long holdDeadlineNanos;
    long keepaliveDueNanos;
    boolean closed;

    Connection(Channel channel, boolean outgoing) {
        this.channel = channel;
        this.outgoing = outgoing;
    }

    public Channel channel() {
        return channel;
    }

    public boolean outgoing() {
        return outgoing;
    }

    void send(BgpMessage m) {
        if (!closed) channel.writeAndFlush(m, channel.voidPromise());
    }

    /** Pre-encoded UPDATE bytes; ownership of {@code encoded} passes to the channel. */
    void write(ByteBuf encoded) {
        if (closed) {
            encoded.release();
        } else {
            channel.write(encoded, channel.voidPromise());
        }
    }

    void sendAndClose(BgpMessage m) {
        if (closed) return;
        closed = true;
        channel.writeAndFlush(m).addListener(ChannelFutureListener.CLOSE);
    }

    void close() {
        if (closed) return;
        closed = true;
        channel.close();
    }

    BgpMessageDecoder decoder() {
        return channel.pipeline().get(BgpMessageDecoder.class);
    }
}
