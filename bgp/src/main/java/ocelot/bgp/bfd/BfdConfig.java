package ocelot.bgp.bfd;

/**
 * One BFD session's timers (RFC 5880 §6.8.1): {@code desiredMinTxMillis} (how often we want to
 * send once Up), {@code requiredMinRxMillis} (how often we can take the peer's), {@code detectMult}
 * (packets missed before the peer is declared down). BIRD's {@code interval}/{@code multiplier},
 * FRR's {@code transmit-interval}/{@code receive-interval}/{@code detect-multiplier}.
 */
public record BfdConfig(int desiredMinTxMillis, int requiredMinRxMillis, int detectMult) {
    public BfdConfig {
        if (desiredMinTxMillis < 10 || desiredMinTxMillis > 60_000) {
            throw new IllegalArgumentException("BFD transmit interval " + desiredMinTxMillis + " ms not in 10..60000");
        }
        if (requiredMinRxMillis < 10 || requiredMinRxMillis > 60_000) {
            throw new IllegalArgumentException("BFD receive interval " + requiredMinRxMillis + " ms not in 10..60000");
        }
        if (detectMult < 1 || detectMult > 255) throw new IllegalArgumentException("BFD detect multiplier " + detectMult + " not in 1..255");
    }

    /** The example: 100 ms, multiplier 3 (a failure detected within 300 ms). */
    public static BfdConfig defaults() {
        return new BfdConfig(100, 100, 3);
    }
}
