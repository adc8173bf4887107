package ocelot.bgp.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.BgpFrameDecoder;
import ocelot.bgp.wire.BgpMessage;
import ocelot.bgp.wire.BgpMessageDecoder;
import ocelot.bgp.wire.BgpMessageEncoder;
import ocelot.bgp.wire.BgpWireException;
import ocelot.bgp.wire.Capability;
import ocelot.bgp.wire.CodecOptions;
import ocelot.bgp.wire.NotificationCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The RFC 4271 §8 finite state machine of one peer. Single-threaded: every method runs on the
 * speaker's event loop (or the test's thread with an EmbeddedChannel). Time comes from the
 * injected clock and timers fire in {@link #tick()}, so tests advance time instead of sleeping.
 */
public final class Session {
    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    /** RFC 4271 §8.2.2: "a large value (suggested 4 minutes)" for the hold timer in OpenSent. */
    private static final long OPEN_SENT_HOLD_NANOS = TimeUnit.MINUTES.toNanos(4);
    /** Connect retry backs off by doubling up to this cap, and resets once Established. */
    private static final int MAX_RETRY_SECONDS = 120;

    /** Final but for a dynamic neighbour's AS range, narrowed once to the AS of its OPEN. */
    private SessionConfig config;
    private final LongSupplier clock;
    private final SessionListener listener;
    private final Dialer dialer;
    private final List<Connection> connections = new ArrayList<>(2);

    private boolean started;
    /** RFC 4724 R and F bits for the next OPEN (see {@link #gracefulRestartState}). */
    private boolean restarting;
    private boolean forwardingPreserved;
    private boolean dialing;
    private long retryDueNanos = Long.MAX_VALUE;
    private int retrySeconds;
    private Connection established;
    private SessionState reportedState = SessionState.IDLE;
    private long sinceNanos;
    private String info = "";
    private boolean fourOctet;
    private Set<AddressFamily> families = Set.of();
    private BgpMessage.Open remoteOpen;
    /** Counters for status output and tests (never asserted against time). */
    private long updatesReceived;
    /** RFC 7606 outcomes of this peer's UPDATEs, for the node's metrics (counted per UPDATE, by its verdict). */
    private long attributeDiscards;
    private long treatAsWithdraws;
    private long updateErrorResets;
    private long establishedTransitions;
    private long connectAttempts;

    public Session(SessionConfig config, LongSupplier clockNanos, SessionListener listener, Dialer dialer) {
        this.config = config;
        this.clock = clockNanos;
        this.listener = listener;
        this.dialer = dialer;
        this.retrySeconds = config.connectRetrySeconds();
        this.sinceNanos = clockNanos.getAsLong();
    }

    public SessionConfig config() { return config; }
    public boolean fourOctetAs() { return fourOctet; }
    public Set<AddressFamily> families() { return families; }
    public BgpMessage.Open remoteOpen() { return remoteOpen; }
    public long sinceNanos() { return sinceNanos; }
    public String info() { return info; }
    public long updatesReceived() { return updatesReceived; }
    public long establishedTransitions() { return establishedTransitions; }
    public long connectAttempts() { return connectAttempts; }
    public UpdateErrors updateErrors() { return new UpdateErrors(attributeDiscards, treatAsWithdraws, updateErrorResets); }

    public SessionState state() {
        if (established != null) return SessionState.ESTABLISHED;
        SessionState s = null;
        for (Connection c : connections) if (s == null || c.state.ordinal() > s.ordinal()) s = c.state;
        if (s != null) return s;
        if (dialing) return SessionState.CONNECT;
        return started ? SessionState.ACTIVE : SessionState.IDLE;
    }

    /** ManualStart (RFC 4271 §8.1.2 event 1, or 4 for passive peers). */
    public void start() {
        if (started) return;
        started = true;
        info = "";
        if (!config.passive()) dial();
        noteState();
    }

    /** ManualStop (event 2): Cease with the given subcode (RFC 4486), then Idle. */
    /**
     * RFC 4724 §4.1: sets the Restart State bit, and the Forwarding State bit of every family, in
     * the OPENs sent from now on; the speaker sets both after a restart and clears them once its
     * selection deferral is over.
     */
    public void gracefulRestartState(boolean restarting, boolean forwardingPreserved) {
        this.restarting = restarting;
        this.forwardingPreserved = forwardingPreserved;
    }

    /**
     * Closes every connection without a NOTIFICATION, as a crashed or restarted process would:
     * a graceful-restart helper keeps our routes (RFC 4724 §4.2; a Cease would make it drop them).
     */
    public void abandon(String why) {
        started = false;
        dialing = false;
        retryDueNanos = Long.MAX_VALUE;
        // No listener.down: the process "dies" with its routes; the RIB is discarded as a whole
        // and the FIB it fed keeps forwarding (the point of the restart).
        for (Connection c : List.copyOf(connections)) c.close();
        connections.clear();
        established = null;
        info = why;
        noteState();
    }

    public void stop(int ceaseSubcode, String why) {
        started = false;
        dialing = false;
        retryDueNanos = Long.MAX_VALUE;
        for (Connection c : List.copyOf(connections)) {
            c.sendAndClose(notificationN(c) ? hardReset(ceaseSubcode) : new BgpMessage.Notification(NotificationCode.CEASE, ceaseSubcode, null));
            drop(c, why, false);
        }
        info = why;
        noteState();
    }

    /**
     * BFD declared the peer down (RFC 5882 §4.3): every connection is closed with Cease/BFD Down
     * (RFC 9384; the peer may not hear it) and the routes go at once, graceful restart or not: the
     * forwarding path is what failed. The session stays started and reconnects as after any error.
     */
    public void bfdDown() {
        for (Connection c : List.copyOf(connections)) {
            c.sendAndClose(new BgpMessage.Notification(NotificationCode.CEASE, NotificationCode.CEASE_BFD_DOWN, null));
            info = "BFD down";
            drop(c, info, false);
        }
    }

    private void dial() {
        dialing = true;
        connectAttempts++;
        retryDueNanos = Long.MAX_VALUE;
        dialer.dial(this);
    }

    /** The dialer's connection is up; the pipeline is installed here. */
    public void connected(Channel channel) {
        dialing = false;
        if (!started || established != null) {
            channel.close();
            return;
        }
        attach(channel, true);
    }

    public void connectFailed(Throwable cause) {
        dialing = false;
        // BIRD's wording, which `calicoctl node status` users know: "Socket: Connection refused".
        info = "Socket: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage());
        scheduleRetry();
        noteState();
    }

    /**
     * Refuses a connection no session wants (an address outside every range, a listen range at
     * its limit) with Cease/Connection Rejected, as RFC 4486 §4 asks ("SHOULD send a NOTIFICATION
     * message with the Error Code Cease and the Error Subcode Connection Rejected").
     */
    public static void rejectUnwanted(Channel channel) {
        installPipeline(channel);
        new Connection(channel, false).sendAndClose(new BgpMessage.Notification(NotificationCode.CEASE,
                NotificationCode.CEASE_CONNECTION_REJECTED, null));
    }

    /**
     * A connection the peer opened to us. Refused with Cease/5 when we are stopped; with Cease/7
     * when a session is already Established (RFC 4271 §6.8: the existing one wins).
     */
    public boolean accept(Channel channel) {
        if (!started) {
            rejectWith(channel, NotificationCode.CEASE_CONNECTION_REJECTED);
            return false;
        }
        if (established != null) {
            rejectWith(channel, NotificationCode.CEASE_CONNECTION_COLLISION);
            return false;
        }
        attach(channel, false);
        return true;
    }

    private void rejectWith(Channel channel, int subcode) {
        installPipeline(channel);
        Connection c = new Connection(channel, false);
        c.sendAndClose(new BgpMessage.Notification(NotificationCode.CEASE, subcode, null));
    }

    private static void installPipeline(Channel channel) {
        channel.pipeline().addLast("frame", new BgpFrameDecoder())
                .addLast("decode", new BgpMessageDecoder())
                .addLast("encode", BgpMessageEncoder.FOUR_OCTET);
    }

    private void attach(Channel channel, boolean outgoing) {
        installPipeline(channel);
        Connection c = new Connection(channel, outgoing);
        channel.pipeline().addLast("session", new ConnectionHandler(this, c));
        connections.add(c);
        c.holdDeadlineNanos = clock.getAsLong() + OPEN_SENT_HOLD_NANOS;
        c.send(localOpen());
        noteState();
    }

    private BgpMessage.Open localOpen() {
        List<Capability> caps = new ArrayList<>();
        for (AddressFamily f : AddressFamily.values()) {
            if (config.families().contains(f)) caps.add(new Capability.Multiprotocol(f));
        }
        caps.add(new Capability.RouteRefresh());
        if (config.gracefulRestartSeconds() > 0) {
            // RFC 4724 §3: list every family we do graceful restart for (a helper keeps our routes
            // only for listed families); R and F only while this speaker is restarting.
            List<AddressFamily> fams = new ArrayList<>();
            for (AddressFamily f : AddressFamily.values()) if (config.families().contains(f)) fams.add(f);
            caps.add(new Capability.GracefulRestart(restarting, config.gracefulRestartNotification(), config.gracefulRestartSeconds(), fams,
                    restarting && forwardingPreserved ? fams : List.of()));
        }
        caps.add(new Capability.FourOctetAs(config.localAs()));
        return new BgpMessage.Open(4, config.localAs(), config.holdTimeSeconds(), config.routerId(), caps);
    }

    void onMessage(Connection c, BgpMessage m) {
        if (c.closed) return;
        long now = clock.getAsLong();
        switch (m) {
            case BgpMessage.Open o -> onOpen(c, o, now);
            case BgpMessage.Keepalive k -> {
                if (c.state == SessionState.OPEN_CONFIRM) {
                    c.state = SessionState.ESTABLISHED;
                    becomeEstablished(c, now);
                } else if (c.state != SessionState.ESTABLISHED) {
                    fsmError(c, "KEEPALIVE in " + c.state.displayName);
                    return;
                }
                restartHold(c, now);
            }
            case BgpMessage.Update u -> {
                if (c != established) {
                    fsmError(c, "UPDATE in " + c.state.displayName);
                    return;
                }
                restartHold(c, now);
                updatesReceived++;
                if (!u.problems().isEmpty()) {
                    // Each problem names the attribute, what was wrong and the action taken.
                    LOG.warn("peer {}: UPDATE error, {}: {}", peerName(), u.handling(), String.join("; ", u.problems()));
                    switch (u.handling()) {
                        case ATTRIBUTE_DISCARD -> attributeDiscards++;
                        case TREAT_AS_WITHDRAW -> treatAsWithdraws++;
                        default -> { }
                    }
                }
                listener.update(this, u);
            }
            case BgpMessage.RouteRefresh r -> {
                if (c == established && r.family() != null && families.contains(r.family())) listener.routeRefresh(this, r);
            }
            case BgpMessage.Notification n -> {
                info = "Received: " + n;
                LOG.info("peer {}: NOTIFICATION received: {}", peerName(), n);
                // RFC 8538 §4: with the N bit exchanged, any NOTIFICATION but Cease/Hard Reset
                // starts graceful restart as a transport loss does
                boolean hard = n.code() == NotificationCode.CEASE && n.subcode() == NotificationCode.CEASE_HARD_RESET;
                drop(c, info, notificationN(c) && !hard);
            }
        }
    }

    private void onOpen(Connection c, BgpMessage.Open o, long now) {
        if (c.state != SessionState.OPEN_SENT) {
            fsmError(c, "OPEN in " + c.state.displayName);
            return;
        }
        if (!config.acceptsPeerAs(o.asNumber())) {
            // RFC 4271 §6.2: Bad Peer AS, the data field is the 2-octet My Autonomous System field.
            byte[] as = {(byte) (o.asNumber() >>> 8), (byte) o.asNumber()};
            refuse(c, new BgpWireException(NotificationCode.OPEN_MESSAGE, NotificationCode.OPEN_BAD_PEER_AS, as,
                    "peer AS " + o.asNumber() + ", expected " + (config.peerAsRange()
                            ? config.peerAs() + ".." + config.peerAsLast() : Long.toString(config.peerAs()))));
            return;
        }
        if (config.peerAsRange()) config = config.withPeerAs(o.asNumber());
        if (!config.external() && o.bgpIdentifier() == config.routerId()) {
            refuse(c, new BgpWireException(NotificationCode.OPEN_MESSAGE, NotificationCode.OPEN_BAD_BGP_IDENTIFIER,
                    "peer uses our own BGP identifier on an internal session"));
            return;
        }
        if (established != null) {
            // RFC 4271 §6.8: a collision with an Established connection closes the newer one.
            c.sendAndClose(new BgpMessage.Notification(NotificationCode.CEASE, NotificationCode.CEASE_CONNECTION_COLLISION, null));
            connections.remove(c);
            noteState();
            return;
        }
        c.remoteOpen = o;
        // RFC 4271 §6.8 collision detection: the connection opened by the higher BGP identifier survives.
        for (Connection other : List.copyOf(connections)) {
            if (other == c || other.closed) continue;
            // Only OpenConfirm connections have a known remote identifier (RFC 4271 §6.8).
            if (other.state == SessionState.OPEN_CONFIRM) {
                boolean localWins = Integer.compareUnsigned(config.routerId(), o.bgpIdentifier()) > 0;
                Connection loser = localWins == c.outgoing ? other : c;
                loser.sendAndClose(new BgpMessage.Notification(NotificationCode.CEASE, NotificationCode.CEASE_CONNECTION_COLLISION, null));
                connections.remove(loser);
                if (loser == c) {
                    noteState();
                    return;
                }
            }
        }
        c.state = SessionState.OPEN_CONFIRM;
        int hold = negotiatedHold(c);
        c.holdDeadlineNanos = hold == 0 ? Long.MAX_VALUE : now + TimeUnit.SECONDS.toNanos(hold);
        c.send(new BgpMessage.Keepalive());
        c.keepaliveDueNanos = hold == 0 ? Long.MAX_VALUE : now + TimeUnit.SECONDS.toNanos(config.keepaliveInterval(hold));
        noteState();
    }

    private int negotiatedHold(Connection c) {
        return Math.min(config.holdTimeSeconds(), c.remoteOpen.holdTimeSeconds());
    }

    private void becomeEstablished(Connection c, long now) {
        established = c;
        for (Connection other : List.copyOf(connections)) {
            if (other != c) {
                other.sendAndClose(new BgpMessage.Notification(NotificationCode.CEASE, NotificationCode.CEASE_CONNECTION_COLLISION, null));
                connections.remove(other);
            }
        }
        remoteOpen = c.remoteOpen;
        fourOctet = remoteOpen.capability(Capability.FourOctetAs.class) != null;
        EnumSet<AddressFamily> fams = EnumSet.noneOf(AddressFamily.class);
        for (AddressFamily f : config.families()) if (remoteOpen.supports(f)) fams.add(f);
        families = fams;
        java.net.InetAddress local = c.channel.localAddress() instanceof java.net.InetSocketAddress a ? a.getAddress() : null;
        c.decoder().negotiated(new CodecOptions(fourOctet, config.external(), config.peerAs(), local), fams);
        if (!fourOctet) {
            c.channel.pipeline().replace("encode", "encode", BgpMessageEncoder.TWO_OCTET);
        }
        retrySeconds = config.connectRetrySeconds();
        establishedTransitions++;
        info = "";
        noteState();
        listener.established(this);
    }

    private void restartHold(Connection c, long now) {
        if (c.remoteOpen == null) return;
        int hold = negotiatedHold(c);
        c.holdDeadlineNanos = hold == 0 ? Long.MAX_VALUE : now + TimeUnit.SECONDS.toNanos(hold);
    }

    /** Fires due timers: hold (→ NOTIFICATION 4), keepalive, connect retry. */
    public void tick() {
        long now = clock.getAsLong();
        for (Connection c : List.copyOf(connections)) {
            if (now - c.holdDeadlineNanos >= 0 && c.holdDeadlineNanos != Long.MAX_VALUE) {
                c.sendAndClose(new BgpMessage.Notification(NotificationCode.HOLD_TIMER_EXPIRED, 0, null));
                info = "Hold timer expired";
                // A graceful-restart event only with RFC 8538's N bit exchanged: the session ends with
                // our NOTIFICATION, and RFC 4724 alone keeps routes only across a bare transport
                // loss (BIRD without the N bit or LLGR flushes here too).
                drop(c, info, notificationN(c));
                continue;
            }
            if (c.remoteOpen != null && c.keepaliveDueNanos != Long.MAX_VALUE && now - c.keepaliveDueNanos >= 0) {
                c.send(new BgpMessage.Keepalive());
                c.keepaliveDueNanos = now + TimeUnit.SECONDS.toNanos(config.keepaliveInterval(negotiatedHold(c)));
            }
        }
        if (started && !dialing && connections.isEmpty() && !config.passive() && now - retryDueNanos >= 0) {
            dial();
            noteState();
        }
    }

    /** Sends a record on the Established connection. */
    public void send(BgpMessage m) {
        if (established != null) established.send(m);
    }

    /** Writes pre-encoded UPDATE bytes (ownership passes); call {@link #flush()} after a batch. */
    public void write(ByteBuf encoded) {
        if (established != null) {
            established.write(encoded);
            // Keepalives are only needed when nothing else was sent (RFC 4271 §4.4).
        } else {
            encoded.release();
        }
    }

    public void flush() {
        if (established != null) established.channel.flush();
    }

    public boolean writable() {
        return established != null && established.channel.isWritable();
    }

    void onReadComplete(Connection c) {
        if (c == established) listener.readComplete(this);
    }

    void onWireError(Connection c, BgpWireException e) {
        LOG.warn("peer {}: {} ({}): session reset", peerName(), e.getMessage(), NotificationCode.describe(e.code(), e.subcode()));
        if (e.code() == NotificationCode.UPDATE_MESSAGE) updateErrorResets++;
        info = "Error: " + e.getMessage();
        c.sendAndClose(e.toNotification());
        drop(c, info, notificationN(c)); // RFC 8538 §4: a NOTIFICATION we send, too
    }

    void onClosed(Connection c, String why) {
        if (c.closed) return; // we closed it ourselves and already accounted for it
        if (info.isEmpty() || c == established) info = why;
        // RFC 4724 §4.2: a TCP failure (not a NOTIFICATION) keeps the peer's routes as stale.
        drop(c, why, true);
    }

    private void refuse(Connection c, BgpWireException e) {
        info = "Error: " + e.getMessage();
        LOG.warn("peer {}: {}", peerName(), e.getMessage());
        c.sendAndClose(e.toNotification());
        drop(c, info, false);
    }

    private void fsmError(Connection c, String what) {
        info = "Error: FSM: " + what;
        c.sendAndClose(new BgpMessage.Notification(NotificationCode.FSM_ERROR, 0, null));
        drop(c, info, false);
    }

    /** RFC 8538: both sides advertised the N bit on this connection (and graceful restart is on here). */
    private boolean notificationN(Connection c) {
        if (!config.gracefulRestartNotification() || config.gracefulRestartSeconds() == 0 || c.remoteOpen == null) return false;
        Capability.GracefulRestart gr = c.remoteOpen.capability(Capability.GracefulRestart.class);
        return gr != null && gr.notification();
    }

    /** RFC 8538 §3: Cease/Hard Reset carrying the Cease subcode it replaces, so the peer flushes. */
    private static BgpMessage.Notification hardReset(int ceaseSubcode) {
        return new BgpMessage.Notification(NotificationCode.CEASE, NotificationCode.CEASE_HARD_RESET,
                new byte[] {(byte) NotificationCode.CEASE, (byte) ceaseSubcode});
    }

    /** {@code gracefulEvent}: a transport loss, or (RFC 8538) a NOTIFICATION other than Hard Reset. */
    private void drop(Connection c, String why, boolean gracefulEvent) {
        c.close();
        if (!connections.remove(c)) return;
        if (c == established) {
            established = null;
            // RFC 4724 §4.2: routes are kept only for the families the peer listed; a capability
            // listing none (restart-state signalling only) keeps nothing.
            Capability.GracefulRestart gr = remoteOpen == null ? null : remoteOpen.capability(Capability.GracefulRestart.class);
            boolean graceful = gracefulEvent && config.gracefulRestartSeconds() > 0 && gr != null && !gr.families().isEmpty();
            listener.down(this, why, graceful);
        }
        if (connections.isEmpty() && started) scheduleRetry();
        noteState();
    }

    private void scheduleRetry() {
        if (config.passive() || !started) return;
        retryDueNanos = clock.getAsLong() + TimeUnit.SECONDS.toNanos(retrySeconds);
        retrySeconds = Math.min(MAX_RETRY_SECONDS, retrySeconds * 2);
    }

    private void noteState() {
        SessionState s = state();
        if (s != reportedState) {
            // Entering and leaving Established at info, as BIRD logs them: a flapping session must be
            // visible in a node's log without debug on.
            if (s == SessionState.ESTABLISHED) {
                LOG.info("peer {}: session established", peerName());
            } else if (reportedState == SessionState.ESTABLISHED) {
                LOG.info("peer {}: session down ({}), now {}", peerName(), info.isEmpty() ? "no reason given" : info, s.displayName);
            } else {
                LOG.debug("peer {}: {} -> {}", peerName(), reportedState.displayName, s.displayName);
            }
            reportedState = s;
            sinceNanos = clock.getAsLong();
        }
    }

    /** Our end of the Established connection (the next-hop-self address), or null. */
    public java.net.InetAddress localAddress() {
        if (established == null || !(established.channel.localAddress() instanceof java.net.InetSocketAddress a)) return null;
        return a.getAddress();
    }

    public String peerName() {
        return config.peerAddress().getHostAddress();
    }
}
