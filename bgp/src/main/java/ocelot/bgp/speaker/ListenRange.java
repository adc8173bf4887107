package ocelot.bgp.speaker;

import java.net.InetAddress;

/**
 * Dynamic neighbours: BGP sessions accepted from any address of {@code network/prefixLength}
 * (BIRD's {@code neighbor range}, FRR's {@code bgp listen range ... peer-group}), at most
 * {@code limit} at a time (FRR's {@code bgp listen limit}). Each accepted connection becomes a
 * passive peer made from {@code template} with the connecting address as its peer address; the
 * template's AS or AS range ({@link ocelot.bgp.session.SessionConfig#peerAsLast}) decides which
 * OPENs are accepted. Such a peer exists while it has a connection: once down it is forgotten.
 */
public record ListenRange(InetAddress network, int prefixLength, int limit, PeerSettings template) {
    public ListenRange {
        if (network == null) throw new IllegalArgumentException("listen range without a network");
        String name = network.getHostAddress() + "/" + prefixLength;
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) throw new IllegalArgumentException("listen range " + name + ": prefix length not in 0.." + bits);
        if (!network.equals(masked(network, prefixLength))) {
            throw new IllegalArgumentException("listen range " + name + ": host bits set (did you mean "
                    + masked(network, prefixLength).getHostAddress() + "/" + prefixLength + "?)");
        }
        if (limit < 1 || limit > 65535) throw new IllegalArgumentException("listen range " + name + ": limit " + limit + " not in 1..65535");
        if (template == null) throw new IllegalArgumentException("listen range " + name + ": peer settings missing");
        if (template.session().md5Password() != null) {
            // One key per range would need TCP_MD5SIG_EXT's prefix form on the listener; not done.
            throw new IllegalArgumentException("listen range " + name + ": a TCP MD5 password is not supported on a listen range");
        }
        if (!template.session().passive()) {
            throw new IllegalArgumentException("listen range " + name + ": dynamic neighbours are passive (the peer dials)");
        }
    }

    public boolean contains(InetAddress address) {
        return address.getAddress().length == network.getAddress().length && network.equals(masked(address, prefixLength));
    }

    /** The settings of the neighbour that connected from {@code address}. */
    public PeerSettings settingsFor(InetAddress address) {
        return new PeerSettings(template.session().withPeerAddress(address), template.routeReflectorClient(),
                template.nextHopSelf(), template.peerType(), template.bfd());
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }

    static InetAddress masked(InetAddress address, int prefixLength) {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            b[i] &= (byte) (0xff00 >>> keep);
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
