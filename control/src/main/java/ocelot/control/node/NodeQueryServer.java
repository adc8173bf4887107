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
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code RUNDIR/query.sock}: the running node answers one named question per connection
 * ({@code dataplane}, {@code routes}, {@code metrics}: a request line, then text until the
 * node closes), for {@code node status}, {@code node routes} and {@code node diags}. Root only.
 */
public final class NodeQueryServer implements AutoCloseable {
    public static final String SOCKET_NAME = "query.sock";
    private static final Logger LOG = LoggerFactory.getLogger(NodeQueryServer.class);

    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread acceptor;

    private NodeQueryServer(Path socket, ServerSocketChannel server, Function<String, String> answers) {
        this.socket = socket;
        this.server = server;
        this.acceptor = Thread.ofPlatform().daemon().name("ocelot-query").unstarted(() -> serve(answers));
    }

    /** Listens on {@code runDir/query.sock}; {@code answers} maps a question to its text (IllegalArgumentException: unknown). */
    public static NodeQueryServer open(Path runDir, Function<String, String> answers) throws IOException {
        Files.createDirectories(runDir);
        Path socket = runDir.resolve(SOCKET_NAME);
        Files.deleteIfExists(socket); // the status socket already proved no other node runs here
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        NodeQueryServer s = new NodeQueryServer(socket, server, answers);
        s.acceptor.start();
        return s;
    }

    private void serve(Function<String, String> answers) {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().start(() -> answer(client, answers));
            } catch (IOException e) {
                if (server.isOpen()) LOG.warn("query socket {}: {}", socket, e.getMessage());
            }
        }
    }

    private void answer(SocketChannel client, Function<String, String> answers) {
        try (client) {
            String question = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8)).readLine();
            String text;
            try {
                text = answers.apply(question == null ? "" : question.strip());
            } catch (RuntimeException e) {
                text = "error: " + e.getMessage() + "\n";
            }
            ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) client.write(out);
        } catch (IOException e) {
            LOG.debug("query connection: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            acceptor.join(5_000);
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("query socket {}: {}", socket, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
