package ocelot.fastpath.state;

/** A static IPv6 neighbour (address to MAC on a port), as `ip -6 neigh replace ... nud permanent`. */
public record Neighbour6(Ip6 address, long mac, String port) {
    public Neighbour6 {
        if (address == null) throw new IllegalArgumentException("IPv6 neighbour: address missing");
        if ((mac >>> 48) != 0 || mac == 0) throw new IllegalArgumentException("neighbour " + address + ": MAC must be a non-zero 48-bit value");
        if (port == null || port.isBlank()) throw new IllegalArgumentException("neighbour " + address + ": port missing");
    }
}
