package ocelot.bgp.bfd;

import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One single-hop BFD session in asynchronous mode (RFC 5880 §6.8, RFC 5881), active role: the
 * state machine and its two timers on injected time (nanoseconds), no I/O. The transport feeds it
 * received packets ({@link #received}) and calls {@link #tick} for what is due; it returns the
 * packet to send, if any.
 *
 * <p>Slow start (§6.8.3): while not Up it sends once a second; on Up it switches to the configured
 * interval and runs a Poll Sequence (P bit until the peer's F) so the peer takes the new rate.
 * Detection time (§6.8.4): the peer's Detect Mult times the larger of our Required Min RX and
 * the peer's Desired Min TX. Transmit interval (§6.8.7): the larger of our Desired Min TX and the
 * peer's Required Min RX, less 0-25 % jitter (0-10 % more when Detect Mult is 1).
 */
public final class BfdSession {
    /** §6.8.3: not less than one second while the session is not Up. */
    static final long SLOW_TX_MICROS = 1_000_000;

    /** RFC 5880 §4.1 diagnostic codes used here. */
    public static final int DIAG_NONE = 0, DIAG_DETECTION_TIME_EXPIRED = 1, DIAG_NEIGHBOR_DOWN = 3, DIAG_ADMIN_DOWN = 7;

    /** Told of every state change, on the transport's thread. */
    public interface Listener {
        void stateChanged(BfdSession session, BfdState from, BfdState to, int diag);
    }

    private final InetAddress peer;
    private final int localDiscriminator;
    private final BfdConfig config;
    private final Listener listener;

    private BfdState state = BfdState.DOWN;
    private BfdState remoteState = BfdState.DOWN;
    private int remoteDiscriminator;
    private int diag;
    private long desiredMinTxMicros = SLOW_TX_MICROS;
    private long remoteMinRxMicros = 1; // §6.8.1 initial value
    private long remoteDesiredMinTxMicros;
    private int remoteDetectMult;
    private boolean pollActive;
    private boolean finalDue;
    private long nextTxNanos;
    private long detectDeadlineNanos = Long.MAX_VALUE;
    private long upSinceNanos;
    private long downEvents;

    public BfdSession(InetAddress peer, int localDiscriminator, BfdConfig config, Listener listener, long nowNanos) {
        if (localDiscriminator == 0) throw new IllegalArgumentException("BFD session to " + peer.getHostAddress() + ": local discriminator 0");
        this.peer = peer;
        this.localDiscriminator = localDiscriminator;
        this.config = config;
        this.listener = listener;
        this.nextTxNanos = nowNanos;
    }

    public InetAddress peer() { return peer; }
    public int localDiscriminator() { return localDiscriminator; }
    public BfdState state() { return state; }
    /** The peer's state as its last packet said (Down after the detection time expired). */
    public BfdState remoteState() { return remoteState; }
    public BfdConfig config() { return config; }
    public int diag() { return diag; }
    public long downEvents() { return downEvents; }
    /** When the session last came Up (the transport's clock), for status output. */
    public long upSinceNanos() { return upSinceNanos; }

    /** Current detection time in nanoseconds (0 before the peer was heard). */
    public long detectionTimeNanos() {
        if (remoteDetectMult == 0) return 0;
        return remoteDetectMult * Math.max(config.requiredMinRxMillis() * 1000L, remoteDesiredMinTxMicros) * 1000L;
    }

    /** §6.8.6 reception, after the checks {@link BfdPacket#decode} made. Returns a packet to send now (a Final), or null. */
    public BfdPacket received(BfdPacket p, long nowNanos) {
        if (p.yourDiscriminator() == 0 && state != BfdState.DOWN && state != BfdState.ADMIN_DOWN) return null; // §6.8.6
        if (p.yourDiscriminator() != 0 && p.yourDiscriminator() != localDiscriminator) return null;
        remoteDiscriminator = p.myDiscriminator();
        remoteState = p.state();
        remoteMinRxMicros = p.requiredMinRxMicros();
        remoteDesiredMinTxMicros = p.desiredMinTxMicros();
        remoteDetectMult = p.detectMult();
        if (p.fin()) pollActive = false; // the peer acknowledged our parameters
        if (state == BfdState.ADMIN_DOWN) return null;
        if (p.state() == BfdState.ADMIN_DOWN) {
            if (state != BfdState.DOWN) changeTo(BfdState.DOWN, DIAG_NEIGHBOR_DOWN, nowNanos);
        } else if (state == BfdState.DOWN) {
            if (p.state() == BfdState.DOWN) changeTo(BfdState.INIT, DIAG_NONE, nowNanos);
            else if (p.state() == BfdState.INIT) changeTo(BfdState.UP, DIAG_NONE, nowNanos);
        } else if (state == BfdState.INIT) {
            if (p.state() == BfdState.INIT || p.state() == BfdState.UP) changeTo(BfdState.UP, DIAG_NONE, nowNanos);
        } else if (p.state() == BfdState.DOWN) { // Up
            changeTo(BfdState.DOWN, DIAG_NEIGHBOR_DOWN, nowNanos);
        }
        if (state != BfdState.DOWN || remoteState != BfdState.DOWN) {
            long detect = detectionTimeNanos();
            detectDeadlineNanos = detect == 0 ? Long.MAX_VALUE : nowNanos + detect;
        }
        if (p.poll()) {
            finalDue = true; // §6.8.6: "MUST transmit a BFD Control packet with the Final (F) bit set as soon as practicable"
            return take(nowNanos);
        }
        return null;
    }

    /** Fires the detection timer and periodic transmission; returns the packet to send now, or null. */
    public BfdPacket tick(long nowNanos) {
        if (nowNanos - detectDeadlineNanos >= 0 && detectDeadlineNanos != Long.MAX_VALUE) {
            detectDeadlineNanos = Long.MAX_VALUE;
            remoteDiscriminator = 0; // §6.8.1: reset when the Detection Time expires
            remoteState = BfdState.DOWN;
            remoteMinRxMicros = 1;
            if (state == BfdState.INIT || state == BfdState.UP) changeTo(BfdState.DOWN, DIAG_DETECTION_TIME_EXPIRED, nowNanos);
        }
        // §6.8.7: no periodic packets while the peer asks for none (Required Min RX 0)
        if (remoteMinRxMicros == 0 || nowNanos - nextTxNanos < 0) return null;
        return take(nowNanos);
    }

    /** Nanoseconds until {@link #tick} has something to do. */
    public long nextDueNanos() {
        return detectDeadlineNanos == Long.MAX_VALUE ? nextTxNanos : Math.min(nextTxNanos, detectDeadlineNanos);
    }

    /** Administratively down (§6.8.16): the peer is told, then the session stays down until {@link #enable}. */
    public BfdPacket disable(long nowNanos) {
        changeTo(BfdState.ADMIN_DOWN, DIAG_ADMIN_DOWN, nowNanos);
        return take(nowNanos);
    }

    public void enable(long nowNanos) {
        if (state == BfdState.ADMIN_DOWN) changeTo(BfdState.DOWN, DIAG_NONE, nowNanos);
    }

    private BfdPacket take(long nowNanos) {
        boolean fin = finalDue;
        finalDue = false;
        // §6.8.7: a packet must not have both P and F set
        BfdPacket p = new BfdPacket(diag, state, pollActive && !fin, fin, false, config.detectMult(), localDiscriminator,
                remoteDiscriminator, desiredMinTxMicros, config.requiredMinRxMillis() * 1000L);
        long interval = Math.max(desiredMinTxMicros, remoteMinRxMicros) * 1000L;
        double jitter = config.detectMult() == 1 ? ThreadLocalRandom.current().nextDouble(0.75, 0.90)
                : ThreadLocalRandom.current().nextDouble(0.75, 1.0);
        nextTxNanos = nowNanos + (long) (interval * jitter);
        return p;
    }

    private void changeTo(BfdState to, int why, long nowNanos) {
        BfdState from = state;
        if (from == to) return;
        state = to;
        diag = why;
        if (to == BfdState.UP) {
            upSinceNanos = nowNanos;
            // §6.8.3: the configured rate applies once Up; a Poll Sequence tells the peer
            desiredMinTxMicros = config.desiredMinTxMillis() * 1000L;
            pollActive = true;
            nextTxNanos = nowNanos;
        } else {
            desiredMinTxMicros = SLOW_TX_MICROS;
            pollActive = false;
            if (from == BfdState.UP) downEvents++;
        }
        listener.stateChanged(this, from, to, why);
    }
}
