package ocelot.bgp.session;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import ocelot.bgp.wire.BgpMessage;
import ocelot.bgp.wire.BgpWireException;

/** The last handler of a session's pipeline: hands records, errors and closes to the {@link Session}. */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    private final Session session;
    private final Connection connection;

    ConnectionHandler(Session session, Connection connection) {
        this.session = session;
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        session.onMessage(connection, (BgpMessage) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        session.onReadComplete(connection);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.onClosed(connection, "connection closed by peer");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof BgpWireException e) {
            session.onWireError(connection, e);
        } else {
            session.onClosed(connection, "I/O error: " + c);
        }
    }
}
