package ocelot.control.node;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import ocelot.bgp.speaker.PeerStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running node's status socket, {@code RUNDIR/ocelot.ctl} (a unix domain socket, as BIRD's
 * {@code bird.ctl} that calicoctl reads): each connection gets the peer table as
 * {@link PeerStatusLines} and is closed. File permissions keep it to root, like BIRD's.
 */
public final class NodeStatusServer implements AutoCloseable {
    public static final String SOCKET_NAME = "ocelot.ctl";
    private static final Logger LOG = LoggerFactory.getLogger(NodeStatusServer.class);

    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread acceptor;

    private NodeStatusServer(Path socket, ServerSocketChannel server, Supplier<List<PeerStatus>> status) {
        this.socket = socket;
        this.server = server;
        this.acceptor = Thread.ofPlatform().daemon().name("ocelot-status").unstarted(() -> serve(status));
    }

    /** Creates {@code runDir} if needed and listens on its socket; a stale socket file of a dead node is replaced. */
    public static NodeStatusServer open(Path runDir, Supplier<List<PeerStatus>> status) throws IOException {
        Files.createDirectories(runDir);
        Path socket = runDir.resolve(SOCKET_NAME);
        if (Files.exists(socket)) {
            if (NodeStatusClient.running(runDir)) throw new IOException("another node is already running on " + socket);
            Files.delete(socket);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        NodeStatusServer s = new NodeStatusServer(socket, server, status);
        s.acceptor.start();
        return s;
    }

    public Path socket() {
        return socket;
    }

    private void serve(Supplier<List<PeerStatus>> status) {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                ByteBuffer out = ByteBuffer.wrap(PeerStatusLines.write(status.get()).getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) client.write(out);
            } catch (IOException e) {
                if (server.isOpen()) LOG.warn("status socket {}: {}", socket, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("status socket {}: status not available: {}", socket, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            acceptor.join(5_000);
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("status socket {}: {}", socket, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
