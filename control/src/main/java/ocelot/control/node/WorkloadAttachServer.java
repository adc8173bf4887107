package ocelot.control.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import ocelot.control.node.WorkloadAttachProtocol.Attach;
import ocelot.control.node.WorkloadAttachProtocol.Detach;
import ocelot.control.node.WorkloadAttachProtocol.Reply;
import ocelot.control.node.WorkloadAttachProtocol.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's side of {@code RUNDIR/cni.sock} ({@link WorkloadAttachProtocol}): reads one request
 * per line, hands it to the {@link Handler} that owns the workload ports, writes one reply line.
 * Each connection is served on its own virtual thread; the socket file is root-only (0600), as
 * it creates interfaces in any namespace.
 */
public final class WorkloadAttachServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadAttachServer.class);

    /** What attaches and detaches workload ports; exceptions become {@code {"ok":false,"error":message}}. */
    public interface Handler {
        /** Creates the port and the interface in the namespace; returns the MAC of the interface there. */
        String attach(Attach request) throws Exception;

        /** Removes the port; no error when it does not exist. */
        void detach(Detach request) throws Exception;
    }

    private final Path socket;
    private final ServerSocketChannel server;
    private final Handler handler;
    private final Thread acceptor;

    private WorkloadAttachServer(Path socket, ServerSocketChannel server, Handler handler) {
        this.socket = socket;
        this.server = server;
        this.handler = handler;
        this.acceptor = Thread.ofPlatform().daemon().name("ocelot-cni-socket").unstarted(this::acceptLoop);
    }

    /** Listens on {@code runDir/cni.sock}; a stale socket file (no node answering) is replaced. */
    public static WorkloadAttachServer open(Path runDir, Handler handler) throws IOException {
        Files.createDirectories(runDir);
        Path socket = runDir.resolve(WorkloadAttachClient.SOCKET_NAME);
        if (Files.exists(socket)) {
            if (answers(socket)) throw new IOException("another node is already serving workload attach on " + socket);
            Files.delete(socket);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        WorkloadAttachServer s = new WorkloadAttachServer(socket, server, handler);
        s.acceptor.start();
        return s;
    }

    public Path socket() { return socket; }

    private static boolean answers(Path socket) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().name("ocelot-cni-request").start(() -> serve(client));
            } catch (IOException e) {
                if (server.isOpen()) LOG.warn("workload attach socket {}: {}", socket, e.getMessage());
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) continue;
                ByteBuffer out = ByteBuffer.wrap((WorkloadAttachProtocol.encode(answer(line)) + "\n").getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) client.write(out);
            }
        } catch (IOException e) {
            LOG.debug("workload attach connection closed: {}", e.getMessage());
        }
    }

    /** One request line to one reply; never throws. */
    Reply answer(String line) {
        Request request;
        try {
            request = WorkloadAttachProtocol.decodeRequest(line);
        } catch (IllegalArgumentException e) {
            LOG.warn("workload attach: bad request refused: {}", e.getMessage());
            return Reply.failed("bad request: " + e.getMessage());
        }
        try {
            return switch (request) {
                case Attach a -> {
                    String mac = handler.attach(a);
                    LOG.info("workload {} attached: {} in {} as {} ({}), MAC {}", a.containerId(), a.hostIfName(), a.netns(), a.ifName(),
                            String.join(", ", a.addresses()), mac);
                    yield Reply.attached(mac);
                }
                case Detach d -> {
                    handler.detach(d);
                    LOG.info("workload port {} detached", d.hostIfName());
                    yield Reply.done();
                }
            };
        } catch (Exception e) {
            String what = request instanceof Attach a ? "attach " + a.hostIfName() : "detach " + ((Detach) request).hostIfName();
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.warn("workload {} failed: {}", what, reason);
            return Reply.failed(what + ": " + reason);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            acceptor.join(5_000);
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("workload attach socket {}: {}", socket, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
