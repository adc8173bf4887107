package ocelot.bgp.wire;

/**
 * What the decoder must know about the session (RFC 6793 §4: 2- or 4-octet AS_PATH; RFC 7606
 * §7.5, §7.9, §7.10: some attributes are discarded when they arrive from an external peer).
 * {@code peerAs} &gt; 0 enables the RFC 4271 §6.3 first-AS check on external sessions.
 */
public record CodecOptions(boolean fourOctetAs, boolean external, long peerAs) {
    public static final CodecOptions FOUR_OCTET_IBGP = new CodecOptions(true, false, 0);
}
