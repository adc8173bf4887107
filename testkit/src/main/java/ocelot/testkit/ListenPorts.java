package ocelot.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TCP ports for daemons a test starts (etcd, BIRD, FRR, a node's BGP listener) on loopback
 * addresses. Chosen below the kernel's ephemeral range: a port the kernel handed out for bind(0)
 * and then released can be taken again by any outgoing connection before the daemon binds it (CI
 * saw etcd fail with "address already in use" that way); ports outside the range are only ever
 * taken by explicit binds, which the random choice and the bind check make unlikely to collide.
 */
public final class ListenPorts {
    private static final int LOWEST = 10_000;

    private ListenPorts() {
    }

    /** A port free on every one of {@code addresses} right now, below the ephemeral range. */
    public static int free(InetAddress... addresses) throws IOException {
        if (addresses.length == 0) addresses = new InetAddress[] {InetAddress.getLoopbackAddress()};
        int highest = ephemeralLow() - 1;
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, highest + 1);
            if (freeOnAll(port, addresses)) return port;
        }
        throw new IOException("no TCP port in " + LOWEST + "-" + highest + " free on all of the test addresses after 500 tries");
    }

    /** As {@link #free(InetAddress...)}, for addresses written as text. */
    public static int free(String... addresses) throws IOException {
        InetAddress[] parsed = new InetAddress[addresses.length];
        for (int i = 0; i < addresses.length; i++) parsed[i] = InetAddress.getByName(addresses[i]);
        return free(parsed);
    }

    private static boolean freeOnAll(int port, InetAddress... addresses) {
        for (InetAddress a : addresses) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(a, port));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** The first port of net.ipv4.ip_local_port_range (32768 on Debian), or 32768 when unreadable. */
    static int ephemeralLow() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            int low = Integer.parseInt(range[0]);
            return low > LOWEST + 1000 ? low : 32768;
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }
}
