package ocelot.bgp.speaker;

import java.time.Instant;

/**
 * One row of `node status`: what calicoctl prints from BIRD's `show protocols` (peer address,
 * peer type, state, since, info), plus counts for metrics; {@code bfd} the peer's BFD session
 * state ({@code up}, {@code down}, {@code init}, {@code admin-down}; empty: no BFD) and
 * {@code bfdDowns} how often it went from Up to Down (a path failure) since the speaker started.
 */
public record PeerStatus(String peerAddress, String peerType, String state, Instant since, String info,
                         boolean established, int prefixesReceived, long updatesReceived,
                         long timesEstablished, long connectAttempts, String bfd, long bfdDowns) {
    /** A peer without BFD. */
    public PeerStatus(String peerAddress, String peerType, String state, Instant since, String info,
                      boolean established, int prefixesReceived, long updatesReceived,
                      long timesEstablished, long connectAttempts) {
        this(peerAddress, peerType, state, since, info, established, prefixesReceived, updatesReceived, timesEstablished, connectAttempts, "", 0);
    }

    /** The {@code bfd} text of a state (null: no BFD session). */
    public static String bfdText(ocelot.bgp.bfd.BfdState s) {
        if (s == null) return "";
        return switch (s) {
            case UP -> "up";
            case DOWN -> "down";
            case INIT -> "init";
            case ADMIN_DOWN -> "admin-down";
        };
    }
}
