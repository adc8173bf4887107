package ocelot.bgp.bfd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Single-hop BFD on one local IPv4 address (RFC 5881): receives on {@code port} (3784 in
 * production), sends from one source port in 49152-65535 (§4) with TTL 255, and discards what
 * arrives with any other TTL (§5). One thread runs every session: it waits for a datagram or the
 * next due timer (at most {@link #MAX_WAIT_MILLIS}), dispatches by Your Discriminator (or by source
 * address while it is 0, §6.8.6), and sends what the sessions' timers owe. Sessions are added and
 * removed from any thread; listeners run on this thread and must hand work elsewhere.
 */
public final class BfdEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BfdEndpoint.class);
    /** Upper bound on one wait, so added sessions and close are seen soon. */
    static final int MAX_WAIT_MILLIS = 10;

    private final InetAddress local;
    private final int port;
    /** The sending socket: opened, used and closed by the endpoint's thread only. */
    private BfdSocket tx;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Consumer<Long>> commands = new ConcurrentLinkedQueue<>();
    private final Map<InetAddress, BfdSession> byPeer = new HashMap<>();
    private final Map<Integer, BfdSession> byDiscriminator = new HashMap<>();
    private final Map<InetAddress, Integer> peerPorts = new HashMap<>();
    private volatile boolean running = true;
    private final AtomicLong discardedTtl = new AtomicLong();
    private final AtomicLong discardedInvalid = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    private volatile Map<InetAddress, BfdState> states = Map.of();

    /** Binds {@code local}:{@code port} and starts the thread. */
    public BfdEndpoint(InetAddress local, int port) {
        this(local, port, null);
    }

    /**
     * The same inside network namespace {@code netns} ({@code ip netns} name; null: the process's
     * own): the thread enters it before opening its sockets, so BFD runs where that namespace's
     * links are (a node whose uplink lives in a namespace; the veth tests).
     */
    public BfdEndpoint(InetAddress local, int port, String netns) {
        this.local = local;
        this.port = port;
        java.util.concurrent.CompletableFuture<BfdSocket[]> opened = new java.util.concurrent.CompletableFuture<>();
        this.thread = Thread.ofPlatform().daemon().name("bfd-" + local.getHostAddress()).start(() -> {
            BfdSocket[] sockets;
            try {
                if (netns != null) BfdSocket.enterNetns(netns);
                sockets = open(local, port);
            } catch (RuntimeException e) {
                opened.completeExceptionally(e);
                return;
            }
            tx = sockets[1];
            opened.complete(sockets);
            run(sockets[0], sockets[1]);
        });
        try {
            opened.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The receiving socket on {@code port} and a sending one on a free source port in 49152-65535. */
    private static BfdSocket[] open(InetAddress local, int port) {
        BfdSocket rx = new BfdSocket(local, port);
        for (int attempt = 0; ; attempt++) {
            int source = ThreadLocalRandom.current().nextInt(49152, 65536);
            try {
                return new BfdSocket[] {rx, new BfdSocket(local, source)};
            } catch (IllegalStateException e) {
                if (attempt >= 20) {
                    rx.close();
                    throw new IllegalStateException("BFD on " + local.getHostAddress() + ": no free source port in 49152-65535: " + e.getMessage(), e);
                }
            }
        }
    }

    /** Starts a session to {@code peer} (whose BFD listens on {@code peerPort}, 3784 in production). */
    public void add(InetAddress peer, int peerPort, BfdConfig config, BfdSession.Listener listener) {
        commands.add(now -> {
            if (byPeer.containsKey(peer)) throw new IllegalArgumentException("BFD session to " + peer.getHostAddress() + " exists");
            int discriminator;
            do {
                discriminator = ThreadLocalRandom.current().nextInt();
            } while (discriminator == 0 || byDiscriminator.containsKey(discriminator));
            BfdSession s = new BfdSession(peer, discriminator, config, listener, now);
            byPeer.put(peer, s);
            byDiscriminator.put(discriminator, s);
            peerPorts.put(peer, peerPort);
        });
    }

    /** Ends the session to {@code peer}, telling it AdminDown first (§6.8.16). */
    public void remove(InetAddress peer) {
        commands.add(now -> {
            BfdSession s = byPeer.remove(peer);
            if (s == null) return;
            byDiscriminator.remove(s.localDiscriminator());
            send(s.disable(now), peer);
            peerPorts.remove(peer);
        });
    }

    /** The sessions' states as last seen by the thread. */
    public Map<InetAddress, BfdState> states() {
        return states;
    }

    public BfdState state(InetAddress peer) {
        return states.get(peer);
    }

    /** Datagrams discarded for a TTL other than 255 (RFC 5881 §5). */
    public long discardedForTtl() {
        return discardedTtl.get();
    }

    public long discardedInvalid() {
        return discardedInvalid.get();
    }

    /** Sends the kernel refused (link down, no route): not fatal, the peer's silence is what BFD detects. */
    public long sendErrors() {
        return sendErrors.get();
    }

    private void run(BfdSocket rx, BfdSocket tx) {
        try {
            while (running) {
                long now = System.nanoTime();
                for (Consumer<Long> c; (c = commands.poll()) != null; ) {
                    try {
                        c.accept(now);
                    } catch (RuntimeException e) {
                        LOG.warn("BFD on {}: {}", local.getHostAddress(), e.getMessage());
                    }
                }
                long due = Long.MAX_VALUE;
                for (BfdSession s : byPeer.values()) due = Math.min(due, s.nextDueNanos());
                long waitMillis = due == Long.MAX_VALUE ? MAX_WAIT_MILLIS : Math.max(0, (due - now + 999_999) / 1_000_000);
                if (rx.awaitReadable((int) Math.min(MAX_WAIT_MILLIS, waitMillis))) {
                    for (BfdSocket.Datagram d; (d = rx.receive()) != null; ) dispatch(d, System.nanoTime());
                }
                now = System.nanoTime();
                for (BfdSession s : byPeer.values()) send(s.tick(now), s.peer());
                publishStates();
            }
        } catch (RuntimeException e) {
            LOG.error("BFD on {} stopped", local.getHostAddress(), e);
        } finally {
            rx.close();
            tx.close();
        }
    }

    private void dispatch(BfdSocket.Datagram d, long now) {
        if (d.ttl() != 255) {
            discardedTtl.incrementAndGet(); // RFC 5881 §5: single hop, sent with 255, so anything else came from further
            return;
        }
        BfdPacket p;
        try {
            p = BfdPacket.decode(d.data(), d.data().length);
        } catch (IllegalArgumentException e) {
            discardedInvalid.incrementAndGet();
            LOG.debug("BFD from {}: {}", d.source().getHostAddress(), e.getMessage());
            return;
        }
        BfdSession s = p.yourDiscriminator() != 0 ? byDiscriminator.get(p.yourDiscriminator()) : byPeer.get(d.source());
        if (s == null || !s.peer().equals(d.source())) {
            discardedInvalid.incrementAndGet();
            return;
        }
        send(s.received(p, now), s.peer());
    }

    private void send(BfdPacket p, InetAddress peer) {
        if (p == null) return;
        Integer peerPort = peerPorts.get(peer);
        int errno = tx.send(p.encode(), peer, peerPort == null ? port : peerPort);
        if (errno != 0 && sendErrors.getAndIncrement() % 1000 == 0) {
            LOG.warn("BFD to {}: sendto failed, errno {} ({} failures so far)", peer.getHostAddress(), errno, sendErrors.get());
        }
    }

    private void publishStates() {
        boolean changed = states.size() != byPeer.size();
        if (!changed) for (BfdSession s : byPeer.values()) if (states.get(s.peer()) != s.state()) changed = true;
        if (!changed) return;
        Map<InetAddress, BfdState> m = new HashMap<>();
        for (BfdSession s : byPeer.values()) m.put(s.peer(), s.state());
        states = Map.copyOf(m);
    }

    @Override
    public void close() {
        List<InetAddress> peers = new ArrayList<>();
        commands.add(now -> {
            peers.addAll(byPeer.keySet());
            for (InetAddress p : peers) {
                BfdSession s = byPeer.get(p);
                send(s.disable(now), p);
            }
            running = false;
        });
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running = false;
    }
}
