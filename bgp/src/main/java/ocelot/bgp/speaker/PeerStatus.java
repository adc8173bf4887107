package ocelot.bgp.speaker;

import java.time.Instant;

/**
 * One row of `node status`: what calicoctl prints from BIRD's `show protocols` (peer address,
 * peer type, state, since, info), plus counts for metrics.
 */
public record PeerStatus(String peerAddress, String peerType, String state, Instant since, String info,
                         boolean established, int prefixesReceived, long updatesReceived,
                         long timesEstablished, long connectAttempts) {
}
