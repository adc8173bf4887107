package ocelot.lab.topology;

/**
 * An IPv4 address with a prefix length, {@code 10.99.1.11/24}; as a network, {@link #contains}
 * tests membership. The lab is IPv4 only (its fabric and pools).
 */
public record Cidr(int bits, int length) {

    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("'" + text + "' is not ADDRESS/LENGTH");
        int length;
        try {
            length = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no numeric prefix length");
        }
        if (length < 0 || length > 32) throw new IllegalArgumentException("'" + text + "': prefix length must be 0-32");
        return new Cidr(parseAddress(text.substring(0, slash)), length);
    }

    public static int parseAddress(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
        int bits = 0;
        for (String p : parts) {
            int octet;
            try {
                octet = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
            }
            if (octet < 0 || octet > 255 || p.isEmpty() || p.length() > 3) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
            }
            bits = bits << 8 | octet;
        }
        return bits;
    }

    public static String format(int bits) {
        return (bits >>> 24) + "." + (bits >>> 16 & 255) + "." + (bits >>> 8 & 255) + "." + (bits & 255);
    }

    public int mask() {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    public String address() {
        return format(bits);
    }

    /** The network this address is in, {@code 10.99.1.0/24} for {@code 10.99.1.11/24}. */
    public Cidr network() {
        return new Cidr(bits & mask(), length);
    }

    public boolean contains(int address) {
        return (address & mask()) == (bits & mask());
    }

    public boolean contains(String address) {
        return contains(parseAddress(address));
    }

    /** The dotted netmask, {@code 255.255.255.0} (Vagrant's private_network takes it). */
    public String netmask() {
        return format(mask());
    }

    @Override
    public String toString() {
        return address() + "/" + length;
    }
}
