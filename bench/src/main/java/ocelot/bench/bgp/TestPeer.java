package ocelot.bench.bgp;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal BGP peer on a blocking socket for the scale benchmark: it opens a session (hold time
 * 0, so no keepalives), can blast pre-encoded UPDATEs, and counts the distinct IPv4 prefixes it
 * receives in [{@code base}, {@code base + span}) without building objects, so it is never the
 * bottleneck of what it measures. The same peers drive Ocelot and BIRD.
 */
final class TestPeer implements AutoCloseable {
    final String localIp;
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final BitSet seen;
    private final int base;
    private final int ignoreFrom;
    private final int ignoreTo;
    final AtomicInteger distinct = new AtomicInteger();
    /** Prefixes received and then withdrawn (each counted once). */
    final AtomicInteger withdrawn = new AtomicInteger();
    private volatile boolean endOfRib;
    private Thread reader;

    TestPeer(String localIp, String dutIp, int dutPort, long localAs, int base, int span, int ignoreFrom, int ignoreTo)
            throws IOException {
        this.localIp = localIp;
        this.base = base;
        this.seen = new BitSet(span);
        this.ignoreFrom = ignoreFrom;
        this.ignoreTo = ignoreTo;
        socket = connect(localIp, dutIp, dutPort);
        out = socket.getOutputStream();
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
        out.write(UpdateBuilder.open(localAs, InetAddress.getByName(localIp)));
        out.flush();
    }

    /** BIRD opens its listening socket a moment after its control socket: retry refused connects for 20 s. */
    private static Socket connect(String localIp, String dutIp, int dutPort) throws IOException {
        long end = System.nanoTime() + 20_000_000_000L;
        while (true) {
            Socket s = new Socket();
            try {
                s.setReuseAddress(true);
                s.setTcpNoDelay(true);
                s.setReceiveBufferSize(1 << 20);
                s.setSendBufferSize(1 << 20);
                s.bind(new InetSocketAddress(InetAddress.getByName(localIp), 0));
                s.connect(new InetSocketAddress(InetAddress.getByName(dutIp), dutPort), 10_000);
                return s;
            } catch (java.net.ConnectException e) {
                s.close();
                if (System.nanoTime() > end) throw e;
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Reads until the peer's OPEN and KEEPALIVE arrived, answers, then keeps reading in a thread. */
    void establish() throws IOException {
        boolean open = false;
        while (true) {
            int type = readFrame();
            if (type == 1) {
                open = true;
                out.write(UpdateBuilder.keepalive());
                out.flush();
            } else if (type == 4 && open) {
                break;
            } else if (type == 3) {
                throw new IOException(localIp + ": NOTIFICATION during OPEN exchange");
            }
        }
        reader = Thread.ofPlatform().daemon().name("peer-" + localIp).start(() -> {
            try {
                while (!socket.isClosed()) readFrame();
            } catch (IOException e) {
                // closed by close() or by the DUT at the end of the run
            }
        });
    }

    private byte[] body = new byte[4096];

    private int readFrame() throws IOException {
        in.skipNBytes(16);
        int len = in.readUnsignedShort();
        int type = in.readUnsignedByte();
        in.readFully(body, 0, len - 19);
        if (type == 2) countUpdate(len - 19);
        return type;
    }

    /** Walks withdrawn and NLRI lengths only; IPv4 prefixes of the trailing NLRI field are counted. */
    private void countUpdate(int n) {
        int wl = (body[0] & 0xff) << 8 | (body[1] & 0xff);
        int al = (body[2 + wl] & 0xff) << 8 | (body[3 + wl] & 0xff);
        int p = 4 + wl + al;
        if (wl == 0 && al == 0 && p == n) endOfRib = true;
        for (int w = 2; w < 2 + wl; ) {
            int bits = body[w++] & 0xff;
            int bytes = (bits + 7) >>> 3;
            int a = 0;
            for (int i = 0; i < bytes; i++) a |= (body[w + i] & 0xff) << (24 - 8 * i);
            w += bytes;
            int idx = a - base;
            if (idx >= 0 && idx < seen.size() && seen.get(idx)) {
                seen.clear(idx);
                withdrawn.incrementAndGet();
            }
        }
        while (p < n) {
            int bits = body[p++] & 0xff;
            int bytes = (bits + 7) >>> 3;
            int a = 0;
            for (int i = 0; i < bytes; i++) a |= (body[p + i] & 0xff) << (24 - 8 * i);
            p += bytes;
            int idx = a - base;
            if (idx >= 0 && idx < seen.size() && !(idx >= ignoreFrom && idx < ignoreTo) && !seen.get(idx)) {
                seen.set(idx);
                distinct.incrementAndGet();
            }
        }
    }

    boolean sawEndOfRib() {
        return endOfRib;
    }

    void send(byte[] messages) throws IOException {
        out.write(messages);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
