package ocelot.control.node;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import ocelot.control.node.WorkloadAttachProtocol.Attach;
import ocelot.control.node.WorkloadAttachProtocol.Detach;
import ocelot.control.node.WorkloadAttachProtocol.Reply;
import ocelot.control.node.WorkloadAttachProtocol.Request;

/**
 * The client side of {@code RUNDIR/cni.sock} ({@link WorkloadAttachProtocol}): what the CNI
 * plugin and {@code ocelotctl endpoint add|remove} call. One connection per request.
 */
public final class WorkloadAttachClient {
    /** Unix socket file name in the node's run directory. */
    public static final String SOCKET_NAME = "cni.sock";

    private final Path socket;
    private final Duration timeout;

    /** @param socket the node's {@code cni.sock}; see {@link #forRunDir} */
    public WorkloadAttachClient(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    public static WorkloadAttachClient forRunDir(Path runDir) {
        return new WorkloadAttachClient(runDir.resolve(SOCKET_NAME), Duration.ofSeconds(30));
    }

    public Path socket() { return socket; }

    /** Attaches a workload interface; returns the MAC of {@code ifName} inside the namespace. */
    public String attach(String containerId, String netns, String ifName, String hostIfName, List<String> addresses)
            throws WorkloadAttachException {
        Reply r = call(new Attach(containerId, netns, ifName, hostIfName, addresses));
        if (r.mac() == null) throw new WorkloadAttachException("node at " + socket + " attached " + hostIfName + " but sent no MAC");
        return r.mac();
    }

    /** Detaches; succeeds when the interface is already gone (CNI DEL is idempotent). */
    public void detach(String hostIfName) throws WorkloadAttachException {
        call(new Detach(hostIfName));
    }

    /** Sends one request and returns the node's ok reply; a refusal or no answer throws with the reason. */
    public Reply call(Request request) throws WorkloadAttachException {
        String line = WorkloadAttachProtocol.encode(request) + "\n";
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
             var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new WorkloadAttachException("no Ocelot node answers on " + socket + " (is 'ocelotctl node run' running?): " + e.getMessage());
            }
            Future<String> answer = executor.submit(() -> {
                ByteBuffer out = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) ch.write(out);
                return new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8)).readLine();
            });
            String text;
            try {
                text = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                ch.close(); // unblocks the reader
                throw new WorkloadAttachException("node at " + socket + " did not answer within " + timeout.toSeconds() + " s");
            } catch (ExecutionException e) {
                throw new WorkloadAttachException("talking to the node at " + socket + ": " + e.getCause().getMessage());
            }
            if (text == null) throw new WorkloadAttachException("node at " + socket + " closed the connection without a reply");
            Reply reply;
            try {
                reply = WorkloadAttachProtocol.decodeReply(text);
            } catch (IllegalArgumentException e) {
                throw new WorkloadAttachException("node at " + socket + " sent a bad reply: " + e.getMessage());
            }
            if (!reply.ok()) throw new WorkloadAttachException(reply.error() == null ? "node refused without a reason" : reply.error());
            return reply;
        } catch (IOException e) {
            throw new WorkloadAttachException("talking to the node at " + socket + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkloadAttachException("interrupted waiting for the node at " + socket);
        }
    }
}
