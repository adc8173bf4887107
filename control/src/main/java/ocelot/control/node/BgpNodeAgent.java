package ocelot.control.node;

import java.net.InetAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import ocelot.bgp.peering.PeeringPlan;
import ocelot.bgp.rib.FibSink;
import ocelot.bgp.speaker.BgpSpeaker;
import ocelot.bgp.speaker.ListenRange;
import ocelot.bgp.speaker.PeerSettings;
import ocelot.bgp.speaker.PeerStatus;
import ocelot.bgp.speaker.RestartState;
import ocelot.bgp.speaker.SpeakerConfig;
import ocelot.bgp.wire.Prefix;
import ocelot.control.datastore.Datastore;
import ocelot.control.datastore.KeyValue;
import ocelot.control.datastore.Snapshot;
import ocelot.control.datastore.WatchEvent;
import ocelot.control.datastore.WatchListener;
import ocelot.control.resource.ResourceKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BGP half of a node: what calico/node's confd + BIRD pair does. It mirrors the datastore
 * (list, then watch from that revision), derives this node's {@link NodeRoutingState} and
 * {@link PeeringPlan} from the mirror, and keeps one {@link BgpSpeaker} equal to it: peers added,
 * removed or (when their settings changed) restarted, local routes announced and withdrawn.
 * Sessions whose settings did not change are left alone, unlike confd, which rewrites bird.cfg
 * and reloads. Only a change of the node's own identity (address, AS, port) replaces the speaker.
 *
 * <p>Changes are applied on one reconciler thread; a burst of watch events coalesces into one
 * pass. If the datastore holds something unusable (a damaged record, two nodes on one address)
 * the pass is refused with an error naming it, and the running sessions and routes stay as they
 * were.
 */
public final class BgpNodeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BgpNodeAgent.class);
    /** How long a node restarting gracefully defers route selection for its peers' End-of-RIB (BIRD's default restart time). */
    static final int GRACEFUL_RESTART_SECONDS = 120;

    private final Datastore store;
    private final String nodeName;
    private final int bgpPort;
    private final Clock clock;
    private final LearnedRoutes fib;
    private final SortedMap<String, String> mirror = new TreeMap<>();
    private final ExecutorService reconciler;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong refusedPasses = new AtomicLong();
    private volatile BgpSpeaker speaker;
    private volatile Datastore.Watch watch;
    private SpeakerConfig speakerConfig;
    private Map<InetAddress, PeerSettings> peers = Map.of();
    private List<ListenRange> listenRanges = List.of();
    /** The speaker's maximum paths (cluster setting maximumPaths); a new speaker starts at 1. */
    private int maximumPaths = 1;
    private Set<String> lastWarnings = Set.of();
    private volatile Set<Prefix> announced = Set.of();
    /** The forwarding state a restarted node process kept; used by the first speaker only. */
    private RestartState restart;
    /** Router mode: the speaker listens on every address (each rack port's, the border's), not the node address alone. */
    private volatile boolean listenOnEveryAddress;

    public BgpNodeAgent(Datastore store, String nodeName, int bgpPort, FibSink fib, Clock clock) {
        this(store, nodeName, bgpPort, fib, clock, null);
    }

    /**
     * {@code restart} non-null: this node process restarted with {@code fib} still holding the
     * routes it had learned; the first speaker starts as RFC 4724's restarting speaker.
     */
    public BgpNodeAgent(Datastore store, String nodeName, int bgpPort, FibSink fib, Clock clock, RestartState restart) {
        this.restart = restart;
        this.store = store;
        this.nodeName = nodeName;
        this.bgpPort = bgpPort;
        this.clock = clock;
        this.fib = new LearnedRoutes(fib);
        this.reconciler = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ocelot-node-" + nodeName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Router mode (call before {@link #start}): the speaker accepts sessions on every local
     * address, so rack nodes peer with the router's address on their own subnet, and its
     * next-hop-self towards them is that address (the session's local one). The router id stays
     * the node address.
     */
    public BgpNodeAgent listenOnEveryAddress() {
        listenOnEveryAddress = true;
        return this;
    }

    private SpeakerConfig speakerOf(PeeringPlan plan) {
        SpeakerConfig c = plan.speaker();
        if (!listenOnEveryAddress) return c;
        try {
            return new SpeakerConfig(InetAddress.getByAddress(new byte[4]), c.listenPort(), c.localAs(), c.routerId(), c.clusterId(),
                    c.nextHopV4(), c.nextHopV6());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads the datastore, starts the speaker with its peers and routes, then follows changes.
     * Throws, naming the problem, when this node cannot run BGP (no node resource, no IPv4
     * address, a damaged record); nothing is left running then.
     */
    public void start() {
        Snapshot snapshot = store.list(ResourceKey.ROOT);
        synchronized (mirror) {
            for (KeyValue kv : snapshot.items()) mirror.put(kv.key(), kv.value());
        }
        try {
            reconciler.submit(() -> reconcile(true)).get();
        } catch (java.util.concurrent.ExecutionException e) {
            close();
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while starting node " + nodeName);
        }
        watch = store.watch(ResourceKey.ROOT, snapshot.revision(), new WatchListener() {
            @Override
            public void onEvent(WatchEvent event) {
                if (!NodeRoutingState.relevant(event.key())) return;
                synchronized (mirror) {
                    if (event.type() == WatchEvent.Type.DELETED) mirror.remove(event.key());
                    else mirror.put(event.key(), event.value());
                }
                schedule();
            }

            @Override
            public void onResync(Snapshot s, String reason) {
                LOG.warn("node {}: datastore watch resynced ({}); reconciling from revision {}", nodeName, reason, s.revision());
                synchronized (mirror) {
                    mirror.clear();
                    for (KeyValue kv : s.items()) mirror.put(kv.key(), kv.value());
                }
                schedule();
            }
        });
    }

    private void schedule() {
        if (pending.compareAndSet(false, true)) {
            reconciler.execute(() -> {
                pending.set(false);
                try {
                    reconcile(false);
                } catch (RuntimeException e) {
                    refusedPasses.incrementAndGet();
                    LOG.error("node {}: datastore change not applied, keeping current BGP configuration: {}", nodeName, e.getMessage());
                }
            });
        }
    }

    private void reconcile(boolean first) {
        SortedMap<String, String> keys;
        synchronized (mirror) {
            keys = new TreeMap<>(mirror);
        }
        NodeRoutingState state = NodeRoutingState.read(keys, nodeName, bgpPort);
        PeeringPlan plan = PeeringPlan.of(state.peering());
        Set<String> warnings = new HashSet<>(state.warnings());
        for (String w : warnings) if (!lastWarnings.contains(w)) LOG.warn("node {}: {}", nodeName, w);
        lastWarnings = warnings;

        SpeakerConfig wantedSpeaker = speakerOf(plan);
        if (speaker == null || !wantedSpeaker.equals(speakerConfig)) {
            if (speaker != null) {
                LOG.info("node {}: BGP identity changed (AS {} -> {}, address {} -> {}); restarting the speaker", nodeName,
                        speakerConfig.localAs(), wantedSpeaker.localAs(), speakerConfig.listenAddress().getHostAddress(),
                        wantedSpeaker.listenAddress().getHostAddress());
                speaker.close();
                fib.clear();
                peers = Map.of();
                listenRanges = List.of();
                maximumPaths = 1;
            }
            BgpSpeaker s = new BgpSpeaker(wantedSpeaker, fib, clock);
            try {
                s.start(restart);
                restart = null; // a later replacement (new AS or address) starts afresh
            } catch (Exception e) { // Netty rethrows bind's IOException unchecked-style
                s.close();
                speaker = null;
                throw new IllegalStateException("node " + nodeName + ": cannot listen on "
                        + wantedSpeaker.listenAddress().getHostAddress() + " port " + wantedSpeaker.listenPort() + ": " + e.getMessage(), e);
            }
            speaker = s;
            speakerConfig = wantedSpeaker;
            LOG.info("node {}: BGP speaker AS {} router id {} listening on {} port {}", nodeName, speakerConfig.localAs(),
                    speakerConfig.listenAddress().getHostAddress(), speakerConfig.listenAddress().getHostAddress(), speakerConfig.listenPort());
        }
        if (state.maximumPaths() != maximumPaths) {
            LOG.info("node {}: BGP maximum paths {} -> {}{}", nodeName, maximumPaths, state.maximumPaths(),
                    state.maximumPaths() > 1 ? " (equal-cost paths installed as ECMP)" : " (best path only)");
            speaker.setMaximumPaths(state.maximumPaths());
            maximumPaths = state.maximumPaths();
        }
        Map<InetAddress, PeerSettings> wanted = new LinkedHashMap<>();
        for (PeerSettings p : plan.peers()) wanted.put(p.session().peerAddress(), p);
        logPeerChanges(peers, wanted);
        speaker.applyPeers(plan.peers());
        if (!plan.listenRanges().equals(listenRanges)) {
            for (ListenRange r : plan.listenRanges()) {
                if (!listenRanges.contains(r)) LOG.info("node {}: listen range {} ({}, limit {}) added", nodeName, r, r.template().peerType(), r.limit());
            }
            speaker.applyListenRanges(plan.listenRanges());
            listenRanges = plan.listenRanges();
        }
        peers = wanted;
        Map<Prefix, List<Long>> routes = new HashMap<>();
        for (Prefix p : state.localRoutes()) routes.put(p, state.extendedCommunities().getOrDefault(p, List.of()));
        speaker.replaceLocalRoutes(routes);
        announced = Set.copyOf(state.localRoutes());
        passes.incrementAndGet();
        if (first) LOG.info("node {}: {} BGP peers, announcing {}", nodeName, wanted.size(), state.localRoutes());
    }

    private void logPeerChanges(Map<InetAddress, PeerSettings> before, Map<InetAddress, PeerSettings> after) {
        for (Map.Entry<InetAddress, PeerSettings> e : after.entrySet()) {
            PeerSettings old = before.get(e.getKey());
            if (old == null) LOG.info("node {}: peer {} ({}, AS {}) added", nodeName, e.getKey().getHostAddress(), e.getValue().peerType(), e.getValue().session().peerAs());
            else if (!old.equals(e.getValue())) LOG.info("node {}: peer {} changed ({}, AS {}): session restarted", nodeName, e.getKey().getHostAddress(), e.getValue().peerType(), e.getValue().session().peerAs());
        }
        for (InetAddress a : before.keySet()) {
            if (!after.containsKey(a)) LOG.info("node {}: peer {} ({}) removed", nodeName, a.getHostAddress(), before.get(a).peerType());
        }
    }

    public String nodeName() {
        return nodeName;
    }

    /** The peer table `node status` prints; empty before the speaker runs. */
    /** BFD session states by peer (empty without a speaker or without BFD peers). */
    public Map<InetAddress, ocelot.bgp.bfd.BfdState> bfdStates() {
        BgpSpeaker s = speaker;
        return s == null ? Map.of() : s.bfdStates();
    }

    public List<PeerStatus> status() {
        BgpSpeaker s = speaker;
        return s == null ? List.of() : s.status();
    }

    /** Per configured peer, its RFC 7606 UPDATE error counts since the speaker started. */
    public java.util.Map<java.net.InetAddress, ocelot.bgp.session.UpdateErrors> updateErrors() {
        BgpSpeaker s = speaker;
        return s == null ? java.util.Map.of() : s.updateErrors();
    }

    /** True while the speaker, restarted with preserved forwarding state, defers selection (RFC 4724 §4.1). */
    public boolean restartInProgress() {
        BgpSpeaker s = speaker;
        return s != null && s.selectionDeferred();
    }

    /** The routes this node currently originates. */
    public Set<Prefix> localRoutes() {
        return announced;
    }

    /** Reconciliation passes applied, and those refused because the datastore held something unusable. */
    public long passes() {
        return passes.get();
    }

    public long refusedPasses() {
        return refusedPasses.get();
    }

    /** True once the datastore was read and is being watched, and the speaker runs with its configuration (readiness). */
    public boolean configured() {
        return watch != null && speaker != null && passes.get() > 0;
    }

    /**
     * Stops like a restarting node process: peers get no NOTIFICATION (graceful-restart helpers
     * keep our routes as stale), and the FIB keeps every learned route, for the next process to
     * start from (see the constructor's {@code restart}).
     */
    public void closeForRestart() {
        stopWatching();
        BgpSpeaker s = speaker;
        speaker = null;
        if (s != null) s.closeForRestart();
    }

    @Override
    public void close() {
        stopWatching();
        BgpSpeaker s = speaker;
        speaker = null;
        if (s != null) s.close();
    }

    private void stopWatching() {
        Datastore.Watch w = watch;
        if (w != null) w.close();
        reconciler.shutdown();
        try {
            if (!reconciler.awaitTermination(30, TimeUnit.SECONDS)) LOG.warn("node {}: reconciler did not stop in 30 s", nodeName);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Forwards to the node's FIB and remembers what it installed, to take it back when the speaker is replaced. */
    private static final class LearnedRoutes implements FibSink {
        private final FibSink target;
        private final Set<Prefix> installed = java.util.concurrent.ConcurrentHashMap.newKeySet();

        LearnedRoutes(FibSink target) {
            this.target = target;
        }

        @Override
        public void install(Prefix prefix, InetAddress nextHop) {
            installed.add(prefix);
            target.install(prefix, nextHop);
        }

        @Override
        public void installMultipath(Prefix prefix, List<InetAddress> nextHops) {
            installed.add(prefix);
            target.installMultipath(prefix, nextHops);
        }

        @Override
        public void remove(Prefix prefix) {
            installed.remove(prefix);
            target.remove(prefix);
        }

        void clear() {
            for (Prefix p : List.copyOf(installed)) remove(p);
        }
    }
}
