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
 * {@code dynamic} (null: one peer) is Ocelot's dynamic-neighbour extension: {@code metadata.peerIP}
 * written as a CIDR makes this bgpPeer a listen range accepting sessions from any address in it,
 * {@code spec.asNumber} may then be a range {@code "64601-64699"}, and {@code spec.listenLimit}
 * caps how many such neighbours are up at once (default {@link #DEFAULT_LISTEN_LIMIT}, FRR's).
 * {@code bfd} (null: off) is Ocelot's BFD extension, {@code spec.bfd: {interval: MS, multiplier: N}}:
 * single-hop BFD (RFC 5880/5881) with the peer, whose Down resets the BGP session.
 */
public record BgpPeer(Scope scope, String node, IpAddress peerIp, AsNumber asNumber, String password, int ttlSecurity,
                      int holdTime, int keepaliveTime, DynamicRange dynamic, Bfd bfd) implements Resource {
    /** FRR's default {@code bgp listen limit}. */
    public static final int DEFAULT_LISTEN_LIMIT = 100;

    /** A listen range: peerIP/prefixLength, ASes asNumber..asNumberLast, at most listenLimit neighbours. */
    public record DynamicRange(int prefixLength, AsNumber asNumberLast, int listenLimit) {
    }

    /** BFD with the peer: one interval (ms) for sending and receiving, and the detect multiplier. */
    public record Bfd(int intervalMillis, int multiplier) {
        public static final int DEFAULT_INTERVAL_MILLIS = 100, DEFAULT_MULTIPLIER = 3;

        public Bfd {
            if (intervalMillis < 10 || intervalMillis > 60_000) throw new IllegalArgumentException("bfd.interval " + intervalMillis + " not in 10..60000 (ms)");
            if (multiplier < 1 || multiplier > 255) throw new IllegalArgumentException("bfd.multiplier " + multiplier + " not in 1..255");
        }
    }

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
        if (dynamic != null) {
            Cidr range = new Cidr(peerIp, dynamic.prefixLength());
            if (!range.network().equals(peerIp)) {
                throw new IllegalArgumentException("peerIP '" + range + "' has host bits set (did you mean " + range.masked() + "?)");
            }
            if (dynamic.asNumberLast().value() < asNumber.value()) {
                throw new IllegalArgumentException("asNumber range " + asNumber + "-" + dynamic.asNumberLast() + " is empty");
            }
            if (password != null) throw new IllegalArgumentException("password is not supported on a listen range (peerIP " + range + ")");
            if (dynamic.listenLimit() < 1 || dynamic.listenLimit() > 65535) {
                throw new IllegalArgumentException("listenLimit " + dynamic.listenLimit() + " not in 1..65535");
            }
        }
    }

    /** One peer. */
    public BgpPeer(Scope scope, String node, IpAddress peerIp, AsNumber asNumber, String password, int ttlSecurity,
                   int holdTime, int keepaliveTime) {
        this(scope, node, peerIp, asNumber, password, ttlSecurity, holdTime, keepaliveTime, null, null);
    }

    /** Without BFD. */
    public BgpPeer(Scope scope, String node, IpAddress peerIp, AsNumber asNumber, String password, int ttlSecurity,
                   int holdTime, int keepaliveTime, DynamicRange dynamic) {
        this(scope, node, peerIp, asNumber, password, ttlSecurity, holdTime, keepaliveTime, dynamic, null);
    }

    /** metadata.peerIP as written: the address, or the listen range's CIDR. */
    public String peerIpText() {
        return dynamic == null ? peerIp.toString() : peerIp + "/" + dynamic.prefixLength();
    }

    /** spec.asNumber as written: one AS, or a listen range's {@code first-last}. */
    public String asNumberText() {
        return dynamic == null || dynamic.asNumberLast().value() == asNumber.value() ? asNumber.toString()
                : asNumber + "-" + dynamic.asNumberLast();
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
        return password == null ? this : new BgpPeer(scope, node, peerIp, asNumber, REDACTED_PASSWORD, ttlSecurity, holdTime, keepaliveTime, dynamic, bfd);
    }

    /** This peer with {@code key} as its password (the stored key a redacted copy stands for). */
    public BgpPeer withPassword(String key) {
        return new BgpPeer(scope, node, peerIp, asNumber, key, ttlSecurity, holdTime, keepaliveTime, dynamic, bfd);
    }

    /** Never the key itself: records print every field, and peers reach log lines. */
    @Override
    public String toString() {
        return "BgpPeer[scope=" + scope + ", node=" + node + ", peerIp=" + peerIp + ", asNumber=" + asNumber
                + ", password=" + (password == null ? "null" : REDACTED_PASSWORD) + ", ttlSecurity=" + ttlSecurity
                + ", holdTime=" + holdTime + ", keepaliveTime=" + keepaliveTime + ", dynamic=" + dynamic + ", bfd=" + bfd + "]";
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
                ? new ResourceKey(Kind.BGP_PEER, List.of("scope", "peerIP"), List.of("global", peerIpText()))
                : new ResourceKey(Kind.BGP_PEER, List.of("scope", "node", "peerIP"), List.of("node", node, peerIpText()));
    }
}
