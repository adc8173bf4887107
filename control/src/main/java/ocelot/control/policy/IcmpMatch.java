package ocelot.control.policy;

/** An ICMP type and optional code ({@code code == ANY_CODE} matches every code). */
public record IcmpMatch(int type, int code) {
    public static final int ANY_CODE = -1;

    public IcmpMatch {
        if (type < 0 || type > 255) {
            throw new IllegalArgumentException("ICMP type " + type + " is not in 0..255");
        }
        if (code != ANY_CODE && (code < 0 || code > 255)) {
            throw new IllegalArgumentException("ICMP code " + code + " is not in 0..255");
        }
    }

    public boolean matches(int packetType, int packetCode) {
        return packetType == type && (code == ANY_CODE || packetCode == code);
    }
}
