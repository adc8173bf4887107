package ocelot.fastpath.state;

/** A static neighbour (IPv4 to MAC on a port), as `ip neigh replace ... nud permanent`. */
public record Neighbour(int address, long mac, String port) {
    public Neighbour {
        if ((mac >>> 48) != 0 || mac == 0) throw new IllegalArgumentException("neighbour " + ocelot.fastpath.packet.Ipv4.format(address) + ": MAC must be a non-zero 48-bit value");
        if (port == null || port.isBlank()) throw new IllegalArgumentException("neighbour " + ocelot.fastpath.packet.Ipv4.format(address) + ": port missing");
    }
}
