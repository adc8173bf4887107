package ocelot.bgp.wire;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * What the decoder must know about the session (RFC 6793 §4: 2- or 4-octet AS_PATH; RFC 7606
 * §7.5, §7.9, §7.10: some attributes are discarded when they arrive from an external peer).
 * {@code peerAs} &gt; 0 enables the RFC 4271 §6.3 first-AS check on external sessions;
 * {@code localAddress} (our end of the session, may be null) is a next hop the peer must not
 * send us (RFC 4271 §6.3).
 */
public record CodecOptions(boolean fourOctetAs, boolean external, long peerAs, InetAddress localAddress) {
    public static final CodecOptions FOUR_OCTET_IBGP = new CodecOptions(true, false, 0);

    public CodecOptions(boolean fourOctetAs, boolean external, long peerAs) {
        this(fourOctetAs, external, peerAs, null);
    }

    boolean isLocalAddress(int ipv4) {
        return localAddress != null && localAddress.getAddress().length == 4 && IpAddresses.toInt(localAddress) == ipv4;
    }

    boolean isLocalAddress(byte[] address) {
        return localAddress != null && Arrays.equals(localAddress.getAddress(), address);
    }
}
