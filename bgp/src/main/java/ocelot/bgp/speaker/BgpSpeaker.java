package ocelot.bgp.speaker;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.UnixChannel;
import ocelot.bgp.bfd.BfdEndpoint;
import ocelot.bgp.bfd.BfdState;
import ocelot.bgp.rib.FibSink;
import ocelot.bgp.rib.Rib;
import ocelot.bgp.rib.RibConfig;
import ocelot.bgp.rib.RibPeer;
import ocelot.bgp.session.Dialer;
import ocelot.bgp.session.Session;
import ocelot.bgp.session.SessionListener;
import ocelot.bgp.session.SessionState;
import ocelot.bgp.session.TcpMd5;
import ocelot.bgp.session.TtlSecurity;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.BgpMessage;
import ocelot.bgp.wire.Capability;
import ocelot.bgp.wire.NotificationCode;
import ocelot.bgp.wire.Prefix;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A BGP speaker: one epoll event loop thread runs every session and timer, decodes and writes;
 * the RIB (decision process, Adj-RIBs-Out, encoding, the FIB hand-off) runs on its own
 * {@link RibThread}, fed by the loop in order, so the two overlap (or, with
 * {@code -Docelot.bgp.ribThread=off}, on the loop itself, as BIRD runs one process loop).
 * Session state is touched only on the loop, RIB state only on the RIB thread: nothing is
 * locked. Public methods may be called from any thread; they hop onto the loop, and those that
 * change or read the RIB return once the RIB has done it.
 */
public final class BgpSpeaker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BgpSpeaker.class);
    private static final long TICK_MILLIS = 200;

    private final SpeakerConfig config;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Rib rib;
    private final RibThread ribThread;
    private final Clock wallClock;
    private final Map<InetAddress, Peer> peers = new HashMap<>();
    /** RFC 4724 helper: the previous incarnation of a restarting peer, whose routes are stale. */
    private final Map<InetAddress, RibPeer> restarting = new HashMap<>();
    /** Locally originated routes and the extended communities each carries (empty: none). */
    private final java.util.Map<Prefix, List<Long>> localRoutes = new java.util.HashMap<>();
    private Channel server;
    private List<ListenRange> listenRanges = List.of();
    /** Single-hop BFD on the listen address, opened for the first peer that asks for it. */
    private BfdEndpoint bfd;
    /** Event loop only: BFD Up -> Down transitions that reset a session, per peer address. */
    private final Map<InetAddress, Long> bfdDowns = new HashMap<>();
    /** RFC 5881 §4: BFD Control packets go to UDP port 3784. */
    public static final int BFD_PORT = Integer.getInteger("ocelot.bgp.bfdPort", 3784);
    private ScheduledFuture<?> ticker;
    private int nextPeerId = 1;
    private final FibSink fib;
    /** RFC 4724 §4.1, restarting speaker: route selection and advertisement deferred, FIB kept. */
    private boolean deferring;
    private java.util.Set<Prefix> preserved = java.util.Set.of();
    private ScheduledFuture<?> deferralTimer;
    private final Runnable flushRib;
    /** How many batches a flush may wait at most ({@code -Docelot.bgp.maxDeferredFlushes}, 1 = after every batch). */
    static final int MAX_DEFERRED_FLUSHES = Integer.getInteger("ocelot.bgp.maxDeferredFlushes", 16);
    /** Flushes wait only while some update group has at least this many members. */
    static final int DEFER_FROM_MEMBERS = 4;
    /** RIB thread only: a flush is owed (see {@link #deferRibFlush}). */
    private boolean ribFlushPending;
    private int ribFlushesDeferred;
    private final Runnable handOff = this::handOffBatch;
    /** RIB work of the current loop iteration, not yet handed to the RIB thread; event loop only. */
    private ArrayList<Runnable> ribBatch = new ArrayList<>();
    /** Written by the RIB thread when the deferral's sweep ran. */
    private volatile int preservedSwept = -1;

    public BgpSpeaker(SpeakerConfig config, FibSink fib) {
        this(config, fib, Clock.systemUTC());
    }

    public BgpSpeaker(SpeakerConfig config, FibSink fib, Clock wallClock) {
        this(config, fib, wallClock, !"off".equals(System.getProperty("ocelot.bgp.ribThread", "on")));
    }

    /**
     * {@code ribThread}: the RIB on a thread of its own (the default; measured faster on the 1M
     * transit, bgp/README.md) or on the event loop (the system property
     * {@code ocelot.bgp.ribThread=off}: the benchmark's A/B switch and a 1-core node's choice).
     */
    public BgpSpeaker(SpeakerConfig config, FibSink fib, Clock wallClock, boolean ribThread) {
        this.config = config;
        this.ribThread = ribThread ? RibThread.started("bgp-rib-" + config.listenAddress().getHostAddress()) : RibThread.inline();
        this.wallClock = wallClock;
        this.group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        this.loop = group.next();
        this.fib = fib;
        this.rib = new Rib(new RibConfig(config.localAs(), config.routerId(), config.clusterId(), config.nextHopV4(),
                config.nextHopV6()), fib, PooledByteBufAllocator.DEFAULT);
        if (this.ribThread.threaded()) {
            this.flushRib = this::deferRibFlush;
            this.ribThread.onIdle(this::deferredRibFlush);
        } else {
            this.flushRib = rib::flush;
        }
    }

    /**
     * On the RIB thread, when an update group has {@link #DEFER_FROM_MEMBERS} members or more,
     * the flush after each batch waits until the ring runs empty (or {@link #MAX_DEFERRED_FLUSHES}
     * batches): while peers keep sending, one encoding and one write per member covers several batches. With 200 reflector clients each flush wrote to 200
     * sockets: the event loop's writes were most of the speaker's CPU (FRR waits a fixed 1 s
     * coalescing time instead; this waits only while there is more work queued).
     */
    private void deferRibFlush() {
        ribFlushPending = true;
        // Few members per group: little to save, and waiting holds more output at once (the 1M
        // transit's peak RSS rose 221 -> 238 MiB with every flush deferred).
        if (rib.widestUpdateGroup() < DEFER_FROM_MEMBERS || ++ribFlushesDeferred >= MAX_DEFERRED_FLUSHES) deferredRibFlush();
    }

    private void deferredRibFlush() {
        if (!ribFlushPending) return;
        ribFlushPending = false;
        ribFlushesDeferred = 0;
        rib.flush();
    }

    /** Binds the listening socket; returns the bound port. */
    public int start() {
        return start(null);
    }

    /**
     * Starts as the restarting speaker of RFC 4724 §4.1 when {@code restart} is not null: OPENs
     * carry the Restart State bit and the Forwarding State bit of every family, learned routes go
     * to the FIB as they arrive but nothing is advertised until every Established peer that does
     * graceful restart has sent End-of-RIB (or the selection deferral timer fires); then every
     * peer gets the table and End-of-RIB, and preserved routes nobody re-announced leave the FIB.
     */
    public int start(RestartState restart) {
        if (restart != null) {
            call(() -> {
                deferring = true;
                preserved = restart.preservedRoutes();
                deferralTimer = loop.schedule(() -> endDeferral("selection deferral timer (" + restart.selectionDeferralSeconds() + " s) expired"),
                        restart.selectionDeferralSeconds(), TimeUnit.SECONDS);
                LOG.info("graceful restart: {} routes preserved in the FIB; deferring selection up to {} s", preserved.size(),
                        restart.selectionDeferralSeconds());
                return null;
            });
        }
        ServerBootstrap b = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        InetAddress remote = ((InetSocketAddress) ch.remoteAddress()).getAddress();
                        Peer p = peers.get(remote);
                        if (p == null) p = dynamicNeighbour(remote, ch);
                        if (p == null) return;
                        int hops = p.settings.session().ttlSecurityHops();
                        if (hops > 0) {
                            // GTSM on the accepted socket: the handshake passed the shared listener, but from here
                            // on a segment with TTL < 256 - hops is dropped by the kernel (so is the peer's OPEN)
                            try {
                                TtlSecurity.apply(((UnixChannel) ch).fd().intValue(), remote, hops);
                            } catch (RuntimeException e) {
                                LOG.warn("connection from {} refused: {}", remote.getHostAddress(), e.getMessage());
                                ch.close();
                                return;
                            }
                        }
                        p.session.accept(ch);
                    }
                });
        server = b.bind(config.listenAddress(), config.listenPort()).syncUninterruptibly().channel();
        ticker = loop.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private void tick() {
        for (Peer p : List.copyOf(peers.values())) {
            p.session.tick();
            // A dynamic neighbour lives as long as its connection (BIRD removes its dynamic protocol too).
            if (p.range != null && p.session.state() == SessionState.ACTIVE) {
                if (peers.remove(p.settings.session().peerAddress(), p)) stopBfd(p);
                LOG.info("dynamic neighbour {} (range {}) gone: {}", p.session.peerName(), p.range, p.session.info());
            }
        }
    }

    /**
     * A connection from an address no configured peer has: a new dynamic neighbour if a listen
     * range holds the address (the longest such range) and is below its limit; otherwise refused
     * with Cease/Connection Rejected (RFC 4486 §4). Returns the new peer, or null when refused.
     */
    private Peer dynamicNeighbour(InetAddress remote, Channel ch) {
        ListenRange range = null;
        for (ListenRange r : listenRanges) {
            if (r.contains(remote) && (range == null || r.prefixLength() > range.prefixLength())) range = r;
        }
        if (range == null) {
            LOG.info("connection from unconfigured {} refused (no peer, no listen range)", remote.getHostAddress());
            Session.rejectUnwanted(ch);
            return null;
        }
        int current = 0;
        for (Peer q : peers.values()) if (range.equals(q.range)) current++;
        if (current >= range.limit()) {
            LOG.warn("connection from {} refused: listen range {} is at its limit of {} neighbours", remote.getHostAddress(), range,
                    range.limit());
            Session.rejectUnwanted(ch);
            return null;
        }
        Peer p = new Peer(range.settingsFor(remote), range);
        peers.put(remote, p);
        startBfd(p);
        p.session.start();
        LOG.info("dynamic neighbour {} accepted by listen range {} ({} of {})", remote.getHostAddress(), range, current + 1, range.limit());
        return p;
    }

    /**
     * Makes the listen ranges exactly {@code wanted}; dynamic neighbours of a range no longer
     * wanted are stopped (Cease/peer de-configured). Ranges may overlap: the longest wins.
     */
    public void applyListenRanges(List<ListenRange> wanted) {
        call(() -> {
            List<ListenRange> next = List.copyOf(wanted);
            for (Peer p : List.copyOf(peers.values())) {
                if (p.range != null && !next.contains(p.range)) {
                    peers.remove(p.settings.session().peerAddress());
                    stopBfd(p);
                    p.session.stop(NotificationCode.CEASE_PEER_DECONFIGURED, "listen range " + p.range + " removed");
                }
            }
            listenRanges = next;
            return null;
        });
    }

    /** Adds (and starts) a peer. Its MD5 key, if any, goes on the listening socket first. */
    public void addPeer(PeerSettings settings) {
        call(() -> {
            InetAddress addr = settings.session().peerAddress();
            Peer dynamic = peers.get(addr);
            if (dynamic != null && dynamic.range != null) {
                // A configured peer takes the address over from a dynamic neighbour (FRR does the same).
                peers.remove(addr);
                stopBfd(dynamic);
                dynamic.session.stop(NotificationCode.CEASE_PEER_DECONFIGURED, "configured as a peer of its own");
            }
            if (peers.containsKey(addr)) throw new IllegalArgumentException("peer " + addr.getHostAddress() + " already configured");
            if (settings.session().md5Password() != null) {
                TcpMd5.setKey(((UnixChannel) server).fd().intValue(), addr, settings.session().md5Password());
            }
            Peer p = new Peer(settings);
            peers.put(addr, p);
            startBfd(p);
            p.session.start();
            return null;
        });
    }

    /** Stops and forgets a peer (Cease / peer de-configured, RFC 4486). */
    public void removePeer(InetAddress address) {
        call(() -> {
            Peer p = peers.remove(address);
            if (p == null) throw new IllegalArgumentException("peer " + address.getHostAddress() + " is not configured");
            stopBfd(p);
            p.session.stop(NotificationCode.CEASE_PEER_DECONFIGURED, "peer removed");
            if (p.settings.session().md5Password() != null) {
                TcpMd5.setKey(((UnixChannel) server).fd().intValue(), address, null);
            }
            return null;
        });
    }

    /**
     * Makes the configured peers exactly {@code wanted}: new ones are added, missing ones removed,
     * changed ones restarted. What the control plane calls on every datastore change.
     */
    public void applyPeers(List<PeerSettings> wanted) {
        call(() -> {
            Map<InetAddress, PeerSettings> byAddress = new HashMap<>();
            for (PeerSettings w : wanted) {
                if (byAddress.put(w.session().peerAddress(), w) != null) {
                    throw new IllegalArgumentException("peer " + w.session().peerAddress().getHostAddress() + " listed twice");
                }
            }
            for (InetAddress a : List.copyOf(peers.keySet())) {
                if (peers.get(a).range != null) continue; // dynamic neighbours follow applyListenRanges
                PeerSettings w = byAddress.get(a);
                if (w == null || !w.equals(peers.get(a).settings)) removePeer(a);
            }
            for (PeerSettings w : wanted) {
                if (!peers.containsKey(w.session().peerAddress())) addPeer(w);
            }
            return null;
        });
    }

    /**
     * On the loop: a BFD session to the peer if its settings ask for one. Its Down (from Up, not
     * AdminDown) resets the BGP session and makes the peer's address an unreachable next hop, so
     * every path through it, also those learned from other peers (a reflector's), leaves the
     * decision process and the equal-cost sets at once; its Up makes it reachable again.
     */
    private void startBfd(Peer p) {
        if (p.settings.bfd() == null) return;
        InetAddress address = p.settings.session().peerAddress();
        if (bfd == null) bfd = new BfdEndpoint(config.listenAddress(), BFD_PORT);
        bfd.add(address, BFD_PORT, p.settings.bfd(), (session, from, to, diag) -> {
            boolean up = to == BfdState.UP;
            // RFC 5882 §3.2: AdminDown on either side is not a path failure, the BGP session stays
            boolean failed = from == BfdState.UP && !up && to != BfdState.ADMIN_DOWN && session.remoteState() != BfdState.ADMIN_DOWN;
            if (!up && !failed) return;
            try {
                loop.execute(() -> {
                    if (peers.get(address) != p) return; // removed or replaced meanwhile
                    if (failed) {
                        LOG.warn("peer {}: BFD down (diagnostic {}): session reset, its routes withdrawn, next hop {} unreachable",
                                address.getHostAddress(), diag, address.getHostAddress());
                        bfdDowns.merge(address, 1L, Long::sum);
                        nextHopReachable(address, false);
                        p.session.bfdDown();
                    } else {
                        nextHopReachable(address, true);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the speaker is closing
            }
        });
    }

    /** On the loop: next-hop tracking through the RIB (in order with the session's own withdrawals). */
    private void nextHopReachable(InetAddress address, boolean reachable) {
        onRib(() -> {
            int n = rib.nextHopReachable(address, reachable);
            if (n > 0) LOG.info("next hop {} {}: {} prefixes re-selected", address.getHostAddress(), reachable ? "reachable" : "unreachable", n);
            rib.flush();
        });
    }

    private void stopBfd(Peer p) {
        if (p.settings.bfd() != null && bfd != null) {
            InetAddress address = p.settings.session().peerAddress();
            bfd.remove(address);
            nextHopReachable(address, true); // no longer tracked: as without BFD
        }
    }

    /**
     * How many equal-cost paths a prefix may forward over (BIRD's {@code merge paths}, FRR's
     * {@code maximum-paths}; 1..64, 1 = best path only); prefixes already learned are re-installed.
     */
    public void setMaximumPaths(int n) {
        if (n < 1 || n > 64) throw new IllegalArgumentException("maximum paths " + n + " not in 1..64");
        call(() -> {
            onRib(() -> {
                rib.setMaxPaths(n);
                rib.flush();
            });
            return null;
        });
    }

    /** BFD session states by peer (empty when no peer uses BFD). */
    public java.util.Map<InetAddress, BfdState> bfdStates() {
        BfdEndpoint b = call(() -> bfd);
        return b == null ? java.util.Map.of() : b.states();
    }

    /** Makes the locally originated routes exactly {@code wanted} (endpoint /32s, affine IPAM blocks). */
    public void replaceLocalRoutes(java.util.Set<Prefix> wanted) {
        java.util.Map<Prefix, List<Long>> plain = new java.util.HashMap<>();
        for (Prefix p : wanted) plain.put(p, List.of());
        replaceLocalRoutes(plain);
    }

    /**
     * Makes the locally originated routes exactly the keys of {@code wanted}, each carrying the
     * extended communities it maps to (RFC 4360 values, {@code ExtendedCommunity.parse}; empty:
     * none). A route whose communities changed is announced again with the new ones.
     */
    public void replaceLocalRoutes(java.util.Map<Prefix, List<Long>> wanted) {
        java.util.Map<Prefix, List<Long>> copy = new java.util.HashMap<>();
        for (java.util.Map.Entry<Prefix, List<Long>> e : wanted.entrySet()) copy.put(e.getKey(), List.copyOf(e.getValue()));
        call(() -> {
            List<Prefix> gone = new ArrayList<>();
            java.util.Map<Prefix, long[]> announced = new java.util.LinkedHashMap<>();
            for (Prefix p : List.copyOf(localRoutes.keySet())) {
                if (!copy.containsKey(p)) {
                    gone.add(p);
                    localRoutes.remove(p);
                }
            }
            for (java.util.Map.Entry<Prefix, List<Long>> e : copy.entrySet()) {
                List<Long> old = localRoutes.put(e.getKey(), e.getValue());
                if (!e.getValue().equals(old)) announced.put(e.getKey(), e.getValue().stream().mapToLong(Long::longValue).toArray());
            }
            onRib(() -> {
                for (Prefix p : gone) rib.withdrawLocal(p);
                for (java.util.Map.Entry<Prefix, long[]> e : announced.entrySet()) rib.announceLocal(e.getKey(), e.getValue());
                rib.flush();
            });
            return null;
        });
        awaitRib();
    }

    public void announce(Prefix prefix) {
        call(() -> {
            if (localRoutes.putIfAbsent(prefix, List.of()) == null) onRib(() -> rib.announceLocal(prefix));
            onRib(rib::flush);
            return null;
        });
        awaitRib();
    }

    public void withdraw(Prefix prefix) {
        call(() -> {
            if (localRoutes.remove(prefix) != null) onRib(() -> rib.withdrawLocal(prefix));
            onRib(rib::flush);
            return null;
        });
        awaitRib();
    }

    /**
     * Runs {@code query} where the RIB lives, after everything the sessions handed it so far, and
     * returns its result.
     */
    public <T> T queryRib(Function<Rib, T> query) {
        if (!ribThread.threaded()) return call(() -> query.apply(rib));
        if (ribThread.inRibThread()) return query.apply(rib);
        java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
        call(() -> {
            onRib(() -> {
                try {
                    result.complete(query.apply(rib));
                } catch (RuntimeException | Error e) {
                    result.completeExceptionally(e);
                }
            });
            handOffBatch(); // now: a caller on the loop itself would otherwise wait for its own hand-off task
            return null;
        });
        return await(result);
    }

    /** Waits until the RIB has done what was queued for it so far. */
    private void awaitRib() {
        queryRib(r -> null);
    }

    /**
     * Queues RIB work behind everything queued before; on the event loop only (the one producer).
     * With a RIB thread, the work of one loop iteration (every UPDATE read from every socket in
     * one epoll round, each End-of-RIB, up, down) goes over as one batch, handed off by a task
     * that runs after the iteration's reads: one wake-up of the RIB thread per batch, not per
     * UPDATE. Per-UPDATE hand-off cost the RIB thread ~0.2 CPU-s more than the same work on the
     * loop on the 1M transit (futex wake-ups, cold caches; OCELOT_BENCH_THREADS).
     */
    private void onRib(Runnable task) {
        if (!ribThread.threaded()) {
            task.run();
            return;
        }
        if (ribBatch.isEmpty()) loop.execute(handOff);
        ribBatch.add(task);
    }

    /** Hands the loop's pending RIB work to the RIB thread (see {@link #onRib}). */
    private void handOffBatch() {
        if (ribBatch.isEmpty()) return;
        List<Runnable> batch = ribBatch;
        ribBatch = new ArrayList<>();
        ribThread.submit(() -> {
            for (Runnable task : batch) {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    // One bad task must not drop the rest of the batch (other peers' UPDATEs).
                    LOG.error("RIB task failed", e);
                }
            }
        });
    }

    public List<PeerStatus> status() {
        List<RibPeer> ribPeers = new ArrayList<>();
        List<PeerStatus> sessions = call(() -> {
            long nowNanos = System.nanoTime();
            Instant now = wallClock.instant();
            List<PeerStatus> out = new ArrayList<>();
            for (Peer p : peers.values()) {
                Session s = p.session;
                SessionState st = s.state();
                Instant since = now.minusNanos(Math.max(0, nowNanos - s.sinceNanos()));
                String info = st == SessionState.ESTABLISHED ? "Established"
                        : s.info().isEmpty() ? st.displayName : st.displayName + " " + s.info();
                ribPeers.add(p.ribPeer);
                InetAddress address = p.settings.session().peerAddress();
                BfdState bfdState = p.settings.bfd() == null || bfd == null ? null : bfd.state(address);
                String bfdText = p.settings.bfd() == null ? "" : bfdState == null ? "down" : PeerStatus.bfdText(bfdState);
                out.add(new PeerStatus(address.getHostAddress(), p.settings.peerType(),
                        st.displayName, since, info, st == SessionState.ESTABLISHED, 0, s.updatesReceived(),
                        s.establishedTransitions(), s.connectAttempts(), bfdText, bfdDowns.getOrDefault(address, 0L)));
            }
            return out;
        });
        // Route counts from the RIB's thread, after what the sessions handed it so far.
        int[] prefixes = queryRib(r -> ribPeers.stream().mapToInt(p -> p == null ? 0 : r.routesFrom(p)).toArray());
        List<PeerStatus> out = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            PeerStatus s = sessions.get(i);
            out.add(new PeerStatus(s.peerAddress(), s.peerType(), s.state(), s.since(), s.info(), s.established(), prefixes[i],
                    s.updatesReceived(), s.timesEstablished(), s.connectAttempts(), s.bfd(), s.bfdDowns()));
        }
        out.sort((a, b) -> a.peerAddress().compareTo(b.peerAddress()));
        return out;
    }

    /** Per configured peer, its RFC 7606 UPDATE error counts (the node's metrics read this). */
    public java.util.Map<InetAddress, ocelot.bgp.session.UpdateErrors> updateErrors() {
        return call(() -> {
            java.util.Map<InetAddress, ocelot.bgp.session.UpdateErrors> out = new java.util.LinkedHashMap<>();
            for (Peer p : peers.values()) out.put(p.settings.session().peerAddress(), p.session.updateErrors());
            return out;
        });
    }

    public PeerStatus status(InetAddress peer) {
        String a = peer.getHostAddress();
        for (PeerStatus s : status()) if (s.peerAddress().equals(a)) return s;
        return null;
    }

    public SessionState state(InetAddress peer) {
        return call(() -> {
            Peer p = peers.get(peer);
            return p == null ? null : p.session.state();
        });
    }

    private <T> T call(Callable<T> c) {
        if (loop.inEventLoop()) {
            try {
                return c.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return await(loop.submit(c));
    }

    /** The caller waits for the loop's (or the RIB's) answer; their RuntimeExceptions reach it as thrown. */
    private static <T> T await(java.util.concurrent.Future<T> result) {
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** True while a restart's route selection is deferred (see {@link #start(RestartState)}). */
    public boolean selectionDeferred() {
        return call(() -> deferring);
    }

    /** Preserved routes removed from the FIB when the deferral ended; -1 before (or without a restart). */
    public int preservedRoutesSwept() {
        return queryRib(r -> preservedSwept);
    }

    private void maybeEndDeferral() {
        if (!deferring) return;
        for (Peer p : peers.values()) {
            if (p.session.state() != SessionState.ESTABLISHED || p.awaitingEndOfRib) return;
        }
        endDeferral("End-of-RIB from every peer");
    }

    private void endDeferral(String why) {
        if (!deferring) return;
        deferring = false;
        if (deferralTimer != null) deferralTimer.cancel(false);
        List<RibPeer> joining = new ArrayList<>();
        List<List<AddressFamily>> joiningFamilies = new ArrayList<>();
        for (Peer p : peers.values()) {
            p.session.gracefulRestartState(false, false);
            if (p.joinPending) {
                p.joinPending = false;
                joining.add(p.ribPeer);
                joiningFamilies.add(ordered(p.session.families()));
            }
        }
        java.util.Set<Prefix> kept = preserved;
        preserved = java.util.Set.of();
        onRib(() -> {
            for (int i = 0; i < joining.size(); i++) rib.peerUp(joining.get(i), joiningFamilies.get(i));
            int swept = 0;
            for (Prefix x : kept) {
                ocelot.bgp.rib.Path best = rib.best(x);
                if (best == null || best.source().isLocal()) {
                    fib.remove(x);
                    swept++;
                }
            }
            preservedSwept = swept;
            rib.flush();
            LOG.info("graceful restart: selection deferral over ({}); {} stale preserved routes removed from the FIB, table and End-of-RIB sent",
                    why, swept);
        });
    }

    /**
     * Stops like a process that dies or is restarted: connections closed without a NOTIFICATION
     * (so graceful-restart helpers keep our routes, RFC 4724 §4.2) and the FIB left as it is, for
     * the next incarnation to start from with {@link #start(RestartState)}.
     */
    public void closeForRestart() {
        try {
            call(() -> {
                if (ticker != null) ticker.cancel(false);
                if (deferralTimer != null) deferralTimer.cancel(false);
                for (Peer p : peers.values()) p.session.abandon("speaker restarting");
                if (server != null) server.close();
                handOffBatch(); // what the sessions' ends queued, before the RIB thread stops
                return null;
            });
        } finally {
            if (bfd != null) bfd.close();
            ribThread.close(); // its last writes still reach the loop, which stops after
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Override
    public void close() {
        try {
            call(() -> {
                if (ticker != null) ticker.cancel(false);
                for (Peer p : peers.values()) p.session.stop(NotificationCode.CEASE_ADMIN_SHUTDOWN, "speaker shut down");
                if (server != null) server.close();
                handOffBatch(); // what the sessions' ends queued, before the RIB thread stops
                return null;
            });
        } finally {
            if (bfd != null) bfd.close();
            ribThread.close(); // its last writes still reach the loop, which stops after
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** One configured peer: its session, and its RIB identity while Established. */
    private final class Peer implements SessionListener, Dialer {
        final PeerSettings settings;
        final Session session;
        RibPeer ribPeer;
        /** Counts Established sessions and their ends: RIB output meant for an earlier one is dropped. */
        int incarnation;
        ScheduledFuture<?> staleTimer;
        /** Established during a restart's deferral: joins its update group when the deferral ends. */
        boolean joinPending;
        boolean awaitingEndOfRib;
        int endOfRibs;

        /** The listen range that accepted this dynamic neighbour; null for a configured peer. */
        final ListenRange range;

        Peer(PeerSettings settings) {
            this(settings, null);
        }

        Peer(PeerSettings settings, ListenRange range) {
            this.settings = settings;
            this.range = range;
            this.session = new Session(settings.session(), System::nanoTime, this, this);
            session.gracefulRestartState(deferring, deferring);
        }

        @Override
        public void dial(Session s) {
            var cfg = s.config();
            Bootstrap b = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.max(1000, cfg.connectRetrySeconds() * 1000))
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                        }
                    });
            ChannelFuture reg = b.register();
            reg.addListener(f -> {
                if (!f.isSuccess()) {
                    s.connectFailed(f.cause());
                    return;
                }
                Channel ch = reg.channel();
                try {
                    if (cfg.md5Password() != null) {
                        TcpMd5.setKey(((UnixChannel) ch).fd().intValue(), cfg.peerAddress(), cfg.md5Password());
                    }
                    if (cfg.ttlSecurityHops() > 0) {
                        // before connect: the SYN leaves with TTL 255 and a SYN-ACK below the minimum is dropped
                        TtlSecurity.apply(((UnixChannel) ch).fd().intValue(), cfg.peerAddress(), cfg.ttlSecurityHops());
                    }
                } catch (RuntimeException e) {
                    ch.close();
                    s.connectFailed(e);
                    return;
                }
                ChannelFuture bound = cfg.localAddress() == null ? ch.newSucceededFuture()
                        : ch.bind(new InetSocketAddress(cfg.localAddress(), 0));
                bound.addListener(bf -> {
                    if (!bf.isSuccess()) {
                        ch.close();
                        s.connectFailed(bf.cause());
                        return;
                    }
                    ch.connect(new InetSocketAddress(cfg.peerAddress(), cfg.peerPort())).addListener(cf -> {
                        if (cf.isSuccess()) {
                            s.connected(ch);
                        } else {
                            ch.close();
                            s.connectFailed(cf.cause());
                        }
                    });
                });
            });
        }

        @Override
        public void established(Session s) {
            // Next-hop-self uses the address this TCP session actually runs from (RFC 4271 §5.1.3).
            InetAddress localAddress = s.localAddress();
            var cfg = s.config(); // a dynamic neighbour's AS is the one its OPEN carried
            RibPeer rp = new RibPeer(nextPeerId++, cfg.peerAddress(), cfg.peerAs(), s.remoteOpen().bgpIdentifier(),
                    !cfg.external(), settings.routeReflectorClient(), settings.nextHopSelf(), localAddress,
                    s.fourOctetAs(), new PeerOutput(++incarnation));
            ribPeer = rp;
            RibPeer old = restarting.remove(cfg.peerAddress());
            Capability.GracefulRestart gr = s.remoteOpen().capability(Capability.GracefulRestart.class);
            if (old != null) {
                if (staleTimer != null) staleTimer.cancel(false);
                // RFC 4724 §4.2: no capability now, or the F bit clear for a family: that family's
                // stale routes go at once instead of waiting for End-of-RIB.
                java.util.Set<AddressFamily> lost = java.util.EnumSet.allOf(AddressFamily.class);
                if (gr != null) gr.preserved().forEach(lost::remove);
                String name = s.peerName();
                onRib(() -> {
                    rib.adoptStale(old, rp);
                    int swept = rib.sweepStale(rp, lost);
                    if (swept > 0) LOG.info("peer {}: restarted without forwarding state for {}: {} stale routes removed", name, lost, swept);
                });
            }
            if (deferring) {
                // RFC 4724 §4.1: wait for End-of-RIB from peers that do graceful restart and are not restarting themselves.
                joinPending = true;
                awaitingEndOfRib = gr != null && !gr.restarting();
                endOfRibs = 0;
                maybeEndDeferral();
                return;
            }
            List<AddressFamily> families = ordered(s.families());
            onRib(() -> rib.peerUp(rp, families));
        }

        @Override
        public void update(Session s, BgpMessage.Update u) {
            RibPeer rp = ribPeer;
            if (u.isEndOfRib()) {
                // RFC 4724 §4.2: End-of-RIB ends the helper's wait for its family; what was not refreshed
                // in that family goes (another family's stale routes wait for their own marker).
                java.util.Set<AddressFamily> family = java.util.EnumSet.of(u.endOfRibFamily());
                onRib(() -> {
                    if (rib.sweepStale(rp, family) > 0) rib.flush();
                    fib.endOfRib();
                });
                // One End-of-RIB per negotiated family (an empty UPDATE, an empty MP_UNREACH_NLRI).
                if (awaitingEndOfRib && ++endOfRibs >= s.families().size()) {
                    awaitingEndOfRib = false;
                    maybeEndDeferral();
                }
                return;
            }
            onRib(() -> rib.update(rp, u));
        }

        @Override
        public void readComplete(Session s) {
            onRib(flushRib);
        }

        @Override
        public void routeRefresh(Session s, BgpMessage.RouteRefresh r) {
            RibPeer rp = ribPeer;
            AddressFamily family = r.family();
            onRib(() -> rib.refresh(rp, family));
        }

        @Override
        public void down(Session s, String reason, boolean graceful) {
            RibPeer gone = ribPeer;
            ribPeer = null;
            incarnation++;
            joinPending = false;
            awaitingEndOfRib = false;
            // RFC 4724 §4.2: only the families the peer listed in its capability (and we carry) stay, as stale.
            java.util.Set<AddressFamily> kept = java.util.EnumSet.noneOf(AddressFamily.class);
            if (graceful) {
                for (AddressFamily f : s.remoteOpen().capability(Capability.GracefulRestart.class).families()) {
                    if (s.families().contains(f)) kept.add(f);
                }
            }
            LOG.info("peer {} down: {}{}", s.peerName(), reason, graceful ? " (graceful restart: routes of " + kept + " kept as stale)" : "");
            onRib(() -> rib.peerDown(gone, kept));
            if (graceful) {
                restarting.put(s.config().peerAddress(), gone);
                Capability.GracefulRestart gr = s.remoteOpen().capability(Capability.GracefulRestart.class);
                staleTimer = loop.schedule(() -> {
                    if (restarting.remove(s.config().peerAddress(), gone)) {
                        onRib(() -> {
                            rib.sweepStale(gone);
                            rib.flush();
                        });
                    }
                }, gr.restartTimeSeconds(), TimeUnit.SECONDS);
            }
            onRib(flushRib);
        }

        /**
         * The RIB's writer for one Established session of this peer. On a RIB thread, encoded
         * UPDATEs collect until the RIB's flush and go to the event loop as one task, which writes
         * them only if that session is still the current one (a peer that went down and came back
         * must not receive what was meant for its previous session); otherwise they are released.
         */
        private final class PeerOutput implements RibPeer.Output {
            private final int incarnation;
            private ArrayList<ByteBuf> pending = new ArrayList<>();

            PeerOutput(int incarnation) {
                this.incarnation = incarnation;
            }

            @Override
            public void write(ByteBuf encodedMessage) {
                if (ribThread.threaded()) pending.add(encodedMessage);
                else session.write(encodedMessage);
            }

            @Override
            public void flush() {
                if (!ribThread.threaded()) {
                    session.flush();
                    return;
                }
                if (pending.isEmpty()) return;
                List<ByteBuf> batch = pending;
                pending = new ArrayList<>();
                try {
                    loop.execute(() -> {
                        if (Peer.this.incarnation != incarnation) {
                            batch.forEach(ByteBuf::release);
                            return;
                        }
                        for (ByteBuf b : batch) session.write(b);
                        session.flush();
                    });
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    batch.forEach(ByteBuf::release); // the loop has stopped: nobody to send to
                }
            }
        }
    }

    /** Families as a list, in enum order, for End-of-RIB. */
    static List<AddressFamily> ordered(java.util.Set<AddressFamily> s) {
        List<AddressFamily> l = new ArrayList<>();
        for (AddressFamily f : AddressFamily.values()) if (s.contains(f)) l.add(f);
        return l;
    }
}
