package ocelot.control.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import ocelot.bgp.speaker.PeerStatus;

/** Asks a running node for its peer table through {@code RUNDIR/ocelot.ctl}. */
public final class NodeStatusClient {
    private NodeStatusClient() {
    }

    /** The node's peers, or empty when no node answers on {@code runDir} (no socket, or a stale one). */
    public static Optional<List<PeerStatus>> query(Path runDir) {
        Path socket = runDir.resolve(NodeStatusServer.SOCKET_NAME);
        if (!Files.exists(socket)) return Optional.empty();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (ch.read(buf) >= 0) {
                bytes.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return Optional.of(PeerStatusLines.read(bytes.toString(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return Optional.empty(); // connection refused: the node that made the socket is gone
        }
    }

    /** True when a node answers on {@code runDir}'s status socket. */
    public static boolean running(Path runDir) {
        return query(runDir).isPresent();
    }
}
