package ocelot.acl;

/** An inclusive range of transport ports {@code [low, high]}, both in 0..65535. */
public record PortRange(int low, int high) {
    public static final PortRange ANY = new PortRange(0, 65535);

    public PortRange {
        if (low < 0 || low > 65535) throw new IllegalArgumentException("low port " + low + " is outside 0..65535");
        if (high < 0 || high > 65535) throw new IllegalArgumentException("high port " + high + " is outside 0..65535");
        if (low > high) throw new IllegalArgumentException("low port " + low + " > high port " + high);
    }

    public static PortRange of(int port) {
        return new PortRange(port, port);
    }

    /** Parses {@code 80}, {@code 1024:65535} or {@code 1024-65535}. */
    public static PortRange parse(String text) {
        String t = text.strip();
        int sep = t.indexOf(':') >= 0 ? t.indexOf(':') : t.indexOf('-');
        try {
            if (sep < 0) return of(Integer.parseInt(t));
            return new PortRange(Integer.parseInt(t.substring(0, sep).strip()), Integer.parseInt(t.substring(sep + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a port or port range");
        }
    }

    public boolean contains(int port) {
        return port >= low && port <= high;
    }

    public boolean isAny() {
        return low == 0 && high == 65535;
    }

    @Override
    public String toString() {
        return low == high ? Integer.toString(low) : low + ":" + high;
    }
}
