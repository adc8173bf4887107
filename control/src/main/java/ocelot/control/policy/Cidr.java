package ocelot.control.policy;

/** An IPv4 or IPv6 prefix; host bits of {@code network} are zero. */
public record Cidr(IpAddress network, int prefixLength) {

    public Cidr {
        if (prefixLength < 0 || prefixLength > network.bitLength()) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range for " + network);
        }
        if (!network.equals(mask(network, prefixLength))) {
            throw new IllegalArgumentException(network + "/" + prefixLength + " has host bits set");
        }
    }

    /**
     * Parses {@code a.b.c.d/len}, {@code x::/len} or a bare address (a host prefix). Host bits
     * are cleared as Calico's validation does for {@code nets} (it accepts {@code 10.0.0.1/8}).
     */
    public static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        IpAddress address = IpAddress.parse(slash < 0 ? t : t.substring(0, slash));
        int length = address.bitLength();
        if (slash >= 0) {
            try {
                length = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "': prefix length is not a number", e);
            }
            if (length < 0 || length > address.bitLength()) {
                throw new IllegalArgumentException("'" + text + "': prefix length must be 0.." + address.bitLength());
            }
        }
        return new Cidr(mask(address, length), length);
    }

    public static Cidr host(IpAddress address) {
        return new Cidr(address, address.bitLength());
    }

    public boolean contains(IpAddress address) {
        return address.v6() == network.v6() && mask(address, prefixLength).equals(network);
    }

    public int version() {
        return network.version();
    }

    static IpAddress mask(IpAddress a, int length) {
        if (!a.v6()) {
            long m = length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
            return new IpAddress(false, 0, a.lo() & m);
        }
        long hiMask = length >= 64 ? -1L : length == 0 ? 0 : -1L << (64 - length);
        long loMask = length <= 64 ? 0 : length == 128 ? -1L : -1L << (128 - length);
        return new IpAddress(true, a.hi() & hiMask, a.lo() & loMask);
    }

    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }
}
