package ocelot.control.resource;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An IPv4 or IPv6 address as a number, so IPAM can do block arithmetic on both families alike.
 * IPv4 accepts only the dotted quad (no {@code 10.1} shorthand, no leading zeros: Calico's Go
 * {@code net.ParseIP} refuses them too); IPv6 accepts RFC 4291 text without a zone.
 */
public record IpAddress(int version, BigInteger value) implements Comparable<IpAddress> {
    public IpAddress {
        if (version != 4 && version != 6) throw new IllegalArgumentException("IP version must be 4 or 6");
        if (value.signum() < 0 || value.bitLength() > bits(version)) {
            throw new IllegalArgumentException("value out of range for IPv" + version);
        }
    }

    public static int bits(int version) {
        return version == 4 ? 32 : 128;
    }

    public int bits() {
        return bits(version);
    }

    /** @throws IllegalArgumentException with a message saying why {@code text} is not an IP */
    public static IpAddress parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("empty IP address");
        if (text.indexOf(':') >= 0) {
            if (text.indexOf('%') >= 0) throw new IllegalArgumentException("'" + text + "' has a zone; not allowed here");
            try {
                InetAddress a = InetAddress.ofLiteral(text);
                if (!(a instanceof Inet6Address)) throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
                return new IpAddress(6, new BigInteger(1, a.getAddress()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "' is not a valid IPv6 address");
            }
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) throw new IllegalArgumentException("'" + text + "' is not a valid IPv4 address (need 4 octets)");
        long v = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || (part.length() > 1 && part.charAt(0) == '0')) {
                throw new IllegalArgumentException("'" + text + "' is not a valid IPv4 address");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) throw new IllegalArgumentException("'" + text + "' is not a valid IPv4 address (octet " + octet + " > 255)");
            v = (v << 8) | octet;
        }
        return new IpAddress(4, BigInteger.valueOf(v));
    }

    public IpAddress plus(long n) {
        return new IpAddress(version, value.add(BigInteger.valueOf(n)));
    }

    public byte[] toBytes() {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[bits() / 8];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        return out;
    }

    @Override
    public String toString() {
        if (version == 4) {
            long v = value.longValue();
            return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
        }
        try {
            return compress(InetAddress.getByAddress(toBytes()).getHostAddress());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 5952 text: the JDK prints {@code 2001:db8:0:0:0:0:0:1}; compress the longest zero run. */
    private static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < groups.length; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) j++;
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) return full;
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
        return head + "::" + tail;
    }

    @Override
    public int compareTo(IpAddress o) {
        return version != o.version ? Integer.compare(version, o.version) : value.compareTo(o.value);
    }
}
