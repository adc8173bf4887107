package ocelot.control.resource;

import java.math.BigInteger;

/** An IP prefix. {@link #parse} refuses host bits; {@link #parseInterface} keeps them (10.244.0.1/24). */
public record Cidr(IpAddress address, int prefixLength) implements Comparable<Cidr> {
    public Cidr {
        if (prefixLength < 0 || prefixLength > address.bits()) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range 0-" + address.bits());
        }
    }

    public static Cidr parse(String text) {
        Cidr c = parseInterface(text);
        if (!c.address.value().equals(c.network().value())) {
            throw new IllegalArgumentException("'" + text + "' has host bits set (did you mean " + c.masked() + "?)");
        }
        return c;
    }

    /** An address with its prefix length, host bits allowed; a bare address gets /32 or /128. */
    public static Cidr parseInterface(String text) {
        if (text == null) throw new IllegalArgumentException("missing CIDR");
        int slash = text.indexOf('/');
        IpAddress ip = IpAddress.parse(slash < 0 ? text : text.substring(0, slash));
        if (slash < 0) return new Cidr(ip, ip.bits());
        String len = text.substring(slash + 1);
        if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
        }
        int n = Integer.parseInt(len);
        if (n > ip.bits()) {
            throw new IllegalArgumentException("'" + text + "': prefix length " + n + " exceeds " + ip.bits());
        }
        return new Cidr(ip, n);
    }

    public int version() {
        return address.version();
    }

    public IpAddress network() {
        int hostBits = address.bits() - prefixLength;
        return new IpAddress(address.version(), address.value().shiftRight(hostBits).shiftLeft(hostBits));
    }

    public Cidr masked() {
        return new Cidr(network(), prefixLength);
    }

    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(address.bits() - prefixLength);
    }

    public boolean contains(IpAddress ip) {
        if (ip.version() != version()) return false;
        int hostBits = address.bits() - prefixLength;
        return ip.value().shiftRight(hostBits).equals(address.value().shiftRight(hostBits));
    }

    public boolean contains(Cidr other) {
        return other.prefixLength >= prefixLength && contains(other.address);
    }

    public boolean overlaps(Cidr other) {
        return contains(other) || other.contains(this);
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }

    @Override
    public int compareTo(Cidr o) {
        int c = address.compareTo(o.address);
        return c != 0 ? c : Integer.compare(prefixLength, o.prefixLength);
    }
}
