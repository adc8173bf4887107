package ocelot.control.node;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Asks a running node one question through {@code RUNDIR/query.sock} ({@link NodeQueryServer}). */
public final class NodeQueryClient {
    private NodeQueryClient() {}

    /** The answer, or empty when no node answers there. An "error: ..." answer is returned as text. */
    public static Optional<String> ask(Path runDir, String question) {
        Path socket = runDir.resolve(NodeQueryServer.SOCKET_NAME);
        if (!Files.exists(socket)) return Optional.empty();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer q = ByteBuffer.wrap((question + "\n").getBytes(StandardCharsets.UTF_8));
            while (q.hasRemaining()) ch.write(q);
            try (InputStream in = Channels.newInputStream(ch)) {
                return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
