package ocelot.bgp.session;

import ocelot.bgp.wire.AddressFamily;

import java.net.InetAddress;
import java.util.EnumSet;
import java.util.Set;

/**
 * One peer's session settings, validated here at the edge. {@code localAddress} is the source
 * address (null: any); {@code peerPort} the port we dial; {@code passive} peers are never dialled.
 * {@code md5Password} null means no TCP MD5 (RFC 2385). {@code gracefulRestartSeconds} &gt; 0
 * advertises RFC 4724 graceful restart. {@code ttlSecurityHops} &gt; 0 turns on GTSM (RFC 5082,
 * {@link TtlSecurity}): sent with TTL 255, received only with TTL &ge; 256 - hops; 0 is off.
 * {@code keepaliveSeconds} is BIRD's {@code keepalive time}: 0 sends keepalives every third of
 * the negotiated hold time; a set value is used, but never longer than that third, so a peer
 * that negotiated a shorter hold time still hears from us in time.
 * {@code peerAsLast} &gt; {@code peerAs} accepts any AS of {@code peerAs..peerAsLast} in the peer's
 * OPEN (a dynamic neighbour's AS range, BIRD's {@code neighbor range ... as 64512..64520}); the
 * session narrows its config to the AS received ({@link #withPeerAs}); equal to {@code peerAs}
 * otherwise.
 */
public record SessionConfig(InetAddress peerAddress, int peerPort, InetAddress localAddress, long localAs, long peerAs,
                            int routerId, int holdTimeSeconds, int connectRetrySeconds, boolean passive,
                            String md5Password, Set<AddressFamily> families, int gracefulRestartSeconds, int ttlSecurityHops,
                            int keepaliveSeconds, long peerAsLast, boolean gracefulRestartNotification) {

    /** Without RFC 8538's N bit (see {@link #withGracefulRestartNotification}). */
    public SessionConfig(InetAddress peerAddress, int peerPort, InetAddress localAddress, long localAs, long peerAs,
                         int routerId, int holdTimeSeconds, int connectRetrySeconds, boolean passive,
                         String md5Password, Set<AddressFamily> families, int gracefulRestartSeconds, int ttlSecurityHops,
                         int keepaliveSeconds, long peerAsLast) {
        this(peerAddress, peerPort, localAddress, localAs, peerAs, routerId, holdTimeSeconds, connectRetrySeconds, passive,
                md5Password, families, gracefulRestartSeconds, ttlSecurityHops, keepaliveSeconds, peerAsLast, false);
    }

    /** One peer AS. */
    public SessionConfig(InetAddress peerAddress, int peerPort, InetAddress localAddress, long localAs, long peerAs,
                         int routerId, int holdTimeSeconds, int connectRetrySeconds, boolean passive,
                         String md5Password, Set<AddressFamily> families, int gracefulRestartSeconds, int ttlSecurityHops,
                         int keepaliveSeconds) {
        this(peerAddress, peerPort, localAddress, localAs, peerAs, routerId, holdTimeSeconds, connectRetrySeconds, passive,
                md5Password, families, gracefulRestartSeconds, ttlSecurityHops, keepaliveSeconds, peerAs);
    }

    /** Keepalives every third of the negotiated hold time. */
    public SessionConfig(InetAddress peerAddress, int peerPort, InetAddress localAddress, long localAs, long peerAs,
                         int routerId, int holdTimeSeconds, int connectRetrySeconds, boolean passive,
                         String md5Password, Set<AddressFamily> families, int gracefulRestartSeconds, int ttlSecurityHops) {
        this(peerAddress, peerPort, localAddress, localAs, peerAs, routerId, holdTimeSeconds, connectRetrySeconds, passive,
                md5Password, families, gracefulRestartSeconds, ttlSecurityHops, 0);
    }

    /** Without TTL security. */
    public SessionConfig(InetAddress peerAddress, int peerPort, InetAddress localAddress, long localAs, long peerAs,
                         int routerId, int holdTimeSeconds, int connectRetrySeconds, boolean passive,
                         String md5Password, Set<AddressFamily> families, int gracefulRestartSeconds) {
        this(peerAddress, peerPort, localAddress, localAs, peerAs, routerId, holdTimeSeconds, connectRetrySeconds, passive,
                md5Password, families, gracefulRestartSeconds, 0);
    }

    public SessionConfig {
        if (peerAddress == null) throw new IllegalArgumentException("peer address missing");
        if (peerPort < 1 || peerPort > 65535) throw new IllegalArgumentException("peer " + peerAddress.getHostAddress() + ": port " + peerPort + " not in 1..65535");
        if (localAs < 1 || localAs > 0xffffffffL) throw new IllegalArgumentException("peer " + peerAddress.getHostAddress() + ": local AS " + localAs + " not in 1..4294967295");
        if (peerAs < 1 || peerAs > 0xffffffffL) throw new IllegalArgumentException("peer " + peerAddress.getHostAddress() + ": peer AS " + peerAs + " not in 1..4294967295");
        if (routerId == 0) throw new IllegalArgumentException("router id 0.0.0.0 is not allowed (RFC 4271 §4.2)");
        if (holdTimeSeconds != 0 && (holdTimeSeconds < 3 || holdTimeSeconds > 65535)) {
            throw new IllegalArgumentException("peer " + peerAddress.getHostAddress() + ": hold time " + holdTimeSeconds + " must be 0 or 3..65535 (RFC 4271 §4.2)");
        }
        if (connectRetrySeconds < 1) throw new IllegalArgumentException("peer " + peerAddress.getHostAddress() + ": connect retry " + connectRetrySeconds + " < 1 s");
        if (md5Password != null && (md5Password.isEmpty() || md5Password.length() > 80)) {
            throw new IllegalArgumentException("peer " + peerAddress.getHostAddress() + ": MD5 password must be 1..80 characters (TCP_MD5SIG_MAXKEYLEN)");
        }
        if (families == null || families.isEmpty()) throw new IllegalArgumentException("peer " + peerAddress.getHostAddress() + ": no address family");
        families = Set.copyOf(families);
        if (gracefulRestartSeconds < 0 || gracefulRestartSeconds > 4095) {
            throw new IllegalArgumentException("peer " + peerAddress.getHostAddress() + ": graceful restart time " + gracefulRestartSeconds + " not in 0..4095");
        }
        if (ttlSecurityHops < 0 || ttlSecurityHops > 254) {
            throw new IllegalArgumentException("peer " + peerAddress.getHostAddress() + ": ttlSecurity " + ttlSecurityHops + " hops not in 1..254 (0: off)");
        }
        if (keepaliveSeconds < 0 || keepaliveSeconds > 65535) {
            throw new IllegalArgumentException("peer " + peerAddress.getHostAddress() + ": keepalive time " + keepaliveSeconds + " not in 1..65535 (0: a third of the hold time)");
        }
        if (keepaliveSeconds > 0 && holdTimeSeconds > 0 && keepaliveSeconds >= holdTimeSeconds) {
            throw new IllegalArgumentException("peer " + peerAddress.getHostAddress() + ": keepalive time " + keepaliveSeconds
                    + " s must be shorter than the hold time " + holdTimeSeconds + " s");
        }
        if (peerAsLast < peerAs || peerAsLast > 0xffffffffL) {
            throw new IllegalArgumentException("peer " + peerAddress.getHostAddress() + ": AS range " + peerAs + ".." + peerAsLast
                    + " is empty or beyond 4294967295");
        }
    }

    /** Whether the peer's OPEN may carry any AS of a range (see the record's comment). */
    public boolean peerAsRange() {
        return peerAsLast != peerAs;
    }

    public boolean acceptsPeerAs(long as) {
        return as >= peerAs && as <= peerAsLast;
    }

    /** Seconds between keepalives on a session whose negotiated hold time is {@code negotiatedHold} (not 0). */
    public int keepaliveInterval(int negotiatedHold) {
        int third = Math.max(1, negotiatedHold / 3);
        return keepaliveSeconds == 0 ? third : Math.min(keepaliveSeconds, third);
    }

    /** Never the MD5 key itself: records print every field, and session settings reach log lines. */
    @Override
    public String toString() {
        return "SessionConfig[peerAddress=" + peerAddress + ", peerPort=" + peerPort + ", localAddress=" + localAddress
                + ", localAs=" + localAs + ", peerAs=" + peerAs + ", routerId=" + routerId + ", holdTimeSeconds=" + holdTimeSeconds
                + ", connectRetrySeconds=" + connectRetrySeconds + ", passive=" + passive
                + ", md5Password=" + (md5Password == null ? "null" : "<redacted>") + ", families=" + families
                + ", gracefulRestartSeconds=" + gracefulRestartSeconds + ", ttlSecurityHops=" + ttlSecurityHops
                + ", keepaliveSeconds=" + keepaliveSeconds + (peerAsRange() ? ", peerAsLast=" + peerAsLast : "")
                + (gracefulRestartNotification ? ", gracefulRestartNotification=true" : "") + "]";
    }

    public boolean external() {
        return localAs != peerAs;
    }

    /** Defaults as BIRD's: hold 240 s, port 179, IPv4 + IPv6 unicast; connect retry short for containers. */
    public static SessionConfig of(InetAddress peer, long localAs, long peerAs, int routerId) {
        return new SessionConfig(peer, 179, null, localAs, peerAs, routerId, 240, 5, false, null,
                EnumSet.allOf(AddressFamily.class), 0);
    }

    public SessionConfig withPorts(int peerPort) {
        return new SessionConfig(peerAddress, peerPort, localAddress, localAs, peerAs, routerId, holdTimeSeconds,
                connectRetrySeconds, passive, md5Password, families, gracefulRestartSeconds, ttlSecurityHops, keepaliveSeconds, peerAsLast,
                gracefulRestartNotification);
    }

    public SessionConfig withLocalAddress(InetAddress local) {
        return new SessionConfig(peerAddress, peerPort, local, localAs, peerAs, routerId, holdTimeSeconds,
                connectRetrySeconds, passive, md5Password, families, gracefulRestartSeconds, ttlSecurityHops, keepaliveSeconds, peerAsLast,
                gracefulRestartNotification);
    }

    /** BIRD's {@code keepalive time} (0: a third of the hold time). */
    public SessionConfig withKeepalive(int seconds) {
        return new SessionConfig(peerAddress, peerPort, localAddress, localAs, peerAs, routerId, holdTimeSeconds,
                connectRetrySeconds, passive, md5Password, families, gracefulRestartSeconds, ttlSecurityHops, seconds, peerAsLast,
                gracefulRestartNotification);
    }

    public SessionConfig withTimers(int holdTime, int connectRetry) {
        return new SessionConfig(peerAddress, peerPort, localAddress, localAs, peerAs, routerId, holdTime,
                connectRetry, passive, md5Password, families, gracefulRestartSeconds, ttlSecurityHops, keepaliveSeconds, peerAsLast,
                gracefulRestartNotification);
    }

    public SessionConfig withPassive(boolean p) {
        return new SessionConfig(peerAddress, peerPort, localAddress, localAs, peerAs, routerId, holdTimeSeconds,
                connectRetrySeconds, p, md5Password, families, gracefulRestartSeconds, ttlSecurityHops, keepaliveSeconds, peerAsLast,
                gracefulRestartNotification);
    }

    public SessionConfig withMd5(String password) {
        return new SessionConfig(peerAddress, peerPort, localAddress, localAs, peerAs, routerId, holdTimeSeconds,
                connectRetrySeconds, passive, password, families, gracefulRestartSeconds, ttlSecurityHops, keepaliveSeconds, peerAsLast,
                gracefulRestartNotification);
    }

    /** GTSM (RFC 5082) for a peer {@code hops} routers away; 0 turns it off. */
    public SessionConfig withTtlSecurity(int hops) {
        return new SessionConfig(peerAddress, peerPort, localAddress, localAs, peerAs, routerId, holdTimeSeconds,
                connectRetrySeconds, passive, md5Password, families, gracefulRestartSeconds, hops, keepaliveSeconds, peerAsLast,
                gracefulRestartNotification);
    }

    /** The same settings for another peer address (a dynamic neighbour accepted from a range). */
    public SessionConfig withPeerAddress(InetAddress peer) {
        return new SessionConfig(peer, peerPort, localAddress, localAs, peerAs, routerId, holdTimeSeconds, connectRetrySeconds,
                passive, md5Password, families, gracefulRestartSeconds, ttlSecurityHops, keepaliveSeconds, peerAsLast,
                gracefulRestartNotification);
    }

    /** Narrowed to the one AS a dynamic neighbour's OPEN carried. */
    public SessionConfig withPeerAs(long as) {
        return new SessionConfig(peerAddress, peerPort, localAddress, localAs, as, routerId, holdTimeSeconds, connectRetrySeconds,
                passive, md5Password, families, gracefulRestartSeconds, ttlSecurityHops, keepaliveSeconds, as,
                gracefulRestartNotification);
    }

    public SessionConfig withGracefulRestart(int seconds) {
        return new SessionConfig(peerAddress, peerPort, localAddress, localAs, peerAs, routerId, holdTimeSeconds,
                connectRetrySeconds, passive, md5Password, families, seconds, ttlSecurityHops, keepaliveSeconds, peerAsLast,
                gracefulRestartNotification);
    }

    /**
     * RFC 8538: with graceful restart on, also advertise the N bit; where the peer does too, a
     * session ended by a NOTIFICATION (hold timer expiry included) other than Cease/Hard Reset is
     * a graceful-restart event like a bare transport loss. An Ocelot node killed outright cannot
     * close its TCP sessions (its TAP and fastpath die with it), so its peers only ever see the
     * hold timer expire: without the N bit they flush its routes, graceful restart or not.
     */
    public SessionConfig withGracefulRestartNotification(boolean on) {
        return new SessionConfig(peerAddress, peerPort, localAddress, localAs, peerAs, routerId, holdTimeSeconds,
                connectRetrySeconds, passive, md5Password, families, gracefulRestartSeconds, ttlSecurityHops, keepaliveSeconds,
                peerAsLast, on);
    }
}
