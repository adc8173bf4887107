package ocelot.control.resource;

import java.util.List;

/**
 * {@code kind: bgpPeer}: a global peer (every node peers with it) or a node's own peer.
 * {@code password} (null: none) is the session's TCP MD5 key (RFC 2385): an extension, as v1 has
 * no such field; later Calico names it {@code spec.password} too (there a Kubernetes secret
 * reference, here the key itself, since Ocelot has no secret store). {@code ttlSecurity} (0: off)
 * turns on GTSM (RFC 5082) for a peer that many hops away: also an extension, named as later
 * Calico's {@code spec.ttlSecurity} (BIRD's {@code ttl security}, FRR's {@code ttl-security hops}).
 * {@code holdTime} and {@code keepaliveTime} (seconds, 0 or absent: the cluster's settings
 * {@code bgpHoldTime}/{@code bgpKeepaliveTime}) are this session's BGP timers: an extension too,
 * named after BIRD's {@code hold time}/{@code keepalive time}.
 */
public record BgpPeer(Scope scope, String node, IpAddress peerIp, AsNumber asNumber, String password, int ttlSecurity,
                      int holdTime, int keepaliveTime) implements Resource {
    /** The longest key Linux takes (TCP_MD5SIG_MAXKEYLEN). */
    public static final int MAX_PASSWORD_OCTETS = 80;
    /** GTSM hops: a peer 255 hops away would be accepted at any TTL (RFC 5082 §3). */
    public static final int MAX_TTL_SECURITY_HOPS = 254;

    /** RFC 4271 §4.2: a hold time is 0 or at least 3 s; Ocelot's is never 0 (0 here: the cluster's). */
    public static final int MIN_HOLD_TIME = 3;
    public static final int MAX_TIMER = 65535;

    public BgpPeer {
        String problem = password == null ? null : passwordProblem(password);
        if (problem != null) throw new IllegalArgumentException("password " + problem);
        if (ttlSecurity < 0 || ttlSecurity > MAX_TTL_SECURITY_HOPS) {
            throw new IllegalArgumentException("ttlSecurity " + ttlSecurity + " not in 1.." + MAX_TTL_SECURITY_HOPS + " (0 or absent: off)");
        }
        if (holdTime != 0 && (holdTime < MIN_HOLD_TIME || holdTime > MAX_TIMER)) {
            throw new IllegalArgumentException("holdTime " + holdTime + " not in " + MIN_HOLD_TIME + ".." + MAX_TIMER + " (0 or absent: the cluster's)");
        }
        if (keepaliveTime < 0 || keepaliveTime > MAX_TIMER) {
            throw new IllegalArgumentException("keepaliveTime " + keepaliveTime + " not in 1.." + MAX_TIMER + " (0 or absent: the cluster's)");
        }
        if (holdTime != 0 && keepaliveTime >= holdTime) {
            throw new IllegalArgumentException("keepaliveTime " + keepaliveTime + " must be shorter than holdTime " + holdTime);
        }
    }

    /** A peer with the cluster's timers. */
    public BgpPeer(Scope scope, String node, IpAddress peerIp, AsNumber asNumber, String password, int ttlSecurity) {
        this(scope, node, peerIp, asNumber, password, ttlSecurity, 0, 0);
    }

    /** A peer without TTL security. */
    public BgpPeer(Scope scope, String node, IpAddress peerIp, AsNumber asNumber, String password) {
        this(scope, node, peerIp, asNumber, password, 0);
    }

    /** Why {@code password} cannot be a TCP MD5 key, or null when it can. */
    public static String passwordProblem(String password) {
        int octets = password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (octets == 0) return "must not be empty (omit it for no TCP MD5)";
        if (octets > MAX_PASSWORD_OCTETS) return "is " + octets + " octets; TCP MD5 keys are at most " + MAX_PASSWORD_OCTETS;
        return null;
    }

    /**
     * What {@code get} and {@code node diags} print in place of a password. Written back by
     * {@code apply}/{@code replace}, it means "keep the stored key" ({@code ResourceStore}).
     */
    public static final String REDACTED_PASSWORD = "<redacted>";

    /** This peer as it may be shown: the password, if any, replaced by {@link #REDACTED_PASSWORD}. */
    public BgpPeer redacted() {
        return password == null ? this : new BgpPeer(scope, node, peerIp, asNumber, REDACTED_PASSWORD, ttlSecurity, holdTime, keepaliveTime);
    }

    /** This peer with {@code key} as its password (the stored key a redacted copy stands for). */
    public BgpPeer withPassword(String key) {
        return new BgpPeer(scope, node, peerIp, asNumber, key, ttlSecurity, holdTime, keepaliveTime);
    }

    /** Never the key itself: records print every field, and peers reach log lines. */
    @Override
    public String toString() {
        return "BgpPeer[scope=" + scope + ", node=" + node + ", peerIp=" + peerIp + ", asNumber=" + asNumber
                + ", password=" + (password == null ? "null" : REDACTED_PASSWORD) + ", ttlSecurity=" + ttlSecurity
                + ", holdTime=" + holdTime + ", keepaliveTime=" + keepaliveTime + "]";
    }

    /** A v1 peer without a password. */
    public BgpPeer(Scope scope, String node, IpAddress peerIp, AsNumber asNumber) {
        this(scope, node, peerIp, asNumber, null, 0, 0, 0);
    }

    public enum Scope {
        GLOBAL("global"), NODE("node");

        private final String yaml;

        Scope(String yaml) {
            this.yaml = yaml;
        }

        public String yaml() {
            return yaml;
        }
    }

    @Override
    public Kind kind() {
        return Kind.BGP_PEER;
    }

    @Override
    public ResourceKey key() {
        return scope == Scope.GLOBAL
                ? new ResourceKey(Kind.BGP_PEER, List.of("scope", "peerIP"), List.of("global", peerIp.toString()))
                : new ResourceKey(Kind.BGP_PEER, List.of("scope", "node", "peerIP"), List.of("node", node, peerIp.toString()));
    }
}
