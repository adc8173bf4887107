package ocelot.lab;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ocelot.lab.fabric.LabException;
import ocelot.lab.fabric.RunId;
import ocelot.lab.fabric.Shell;

/**
 * Traffic between workload namespaces: pings counted by ping's own summary, and a TCP transfer
 * of {@link #TCP_BYTES} by two small python3 programs (a receiver that counts what arrives until
 * EOF, a sender that retries until the receiver listens).
 */
final class Traffic {
    static final int TCP_BYTES = 1 << 20;
    static final int TCP_PORT = 5201;
    private static final Pattern RECEIVED = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    private static final String RECEIVER = """
            import socket
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('0.0.0.0', %d)); s.listen(1); s.settimeout(30)
            c, _ = s.accept(); c.settimeout(30); n = 0
            while True:
                b = c.recv(65536)
                if not b: break
                n += len(b)
            print(n)
            """.formatted(TCP_PORT);
    private static final String SENDER = """
            import socket, sys, time
            deadline = time.time() + 10
            while True:
                try:
                    c = socket.create_connection((sys.argv[1], %d), timeout=5); break
                except OSError:
                    if time.time() > deadline: raise
                    time.sleep(0.2)
            c.settimeout(30); c.sendall(b'x' * %d); c.shutdown(socket.SHUT_WR); c.recv(1); c.close()
            """.formatted(TCP_PORT, TCP_BYTES);

    private final Shell shell;

    Traffic(Shell shell) {
        this.shell = shell;
    }

    record Pings(int sent, int received) {
        @Override
        public String toString() {
            return received + "/" + sent;
        }
    }

    Pings ping(String fromNamespace, String address, int count) {
        Shell.Result r = shell.tryExec(List.of("ip", "netns", "exec", fromNamespace, "ping", "-n", "-q", "-c", Integer.toString(count),
                "-i", "0.2", "-W", "2", address), 10 + 3 * count);
        Matcher m = RECEIVED.matcher(r.output());
        if (!m.find()) throw new LabException("ping from " + fromNamespace + " to " + address + ": " + r.output().strip());
        return new Pings(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** Pings once a second until one answer comes (or not), up to {@code timeoutMs}; true if answered. */
    boolean awaitReachable(String fromNamespace, String address, boolean reachable, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if ((ping(fromNamespace, address, 1).received() == 1) == reachable) return true;
        }
        return false;
    }

    /** Sends {@link #TCP_BYTES} from one namespace to an address in another; returns bytes received. */
    long tcp(RunId run, String fromNamespace, String toNamespace, String toAddress) {
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", toNamespace, "python3", "-c", RECEIVER).redirectErrorStream(true);
        pb.environment().put(RunId.ENV, run.prefix());
        try {
            Process receiver = pb.start();
            try {
                Shell.Result sent = shell.tryExec(List.of("ip", "netns", "exec", fromNamespace, "python3", "-c", SENDER, toAddress), 60);
                if (!sent.ok()) throw new LabException("TCP sender in " + fromNamespace + " failed: " + sent.output().strip());
                if (!receiver.waitFor(30, TimeUnit.SECONDS)) throw new LabException("TCP receiver in " + toNamespace + " did not finish");
                String out = new String(receiver.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!out.matches("\\d+")) throw new LabException("TCP receiver in " + toNamespace + ": " + out);
                return Long.parseLong(out);
            } finally {
                receiver.destroyForcibly();
                receiver.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (java.io.IOException e) {
            throw new LabException("TCP receiver: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
    }
}
