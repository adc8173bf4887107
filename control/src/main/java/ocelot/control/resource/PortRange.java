package ocelot.control.resource;

/** A port or an inclusive range, written {@code 6379} or {@code "1000:2000"} as in Calico v1. */
public record PortRange(int first, int last) {
    public PortRange {
        if (first < 0 || last > 65535 || first > last) {
            throw new IllegalArgumentException("port range " + first + ":" + last + " is not within 0-65535 in order");
        }
    }

    public static PortRange parse(String text) {
        int colon = text.indexOf(':');
        try {
            if (colon < 0) {
                int p = parsePort(text);
                return new PortRange(p, p);
            }
            int a = parsePort(text.substring(0, colon));
            int b = parsePort(text.substring(colon + 1));
            if (a > b) throw new IllegalArgumentException("port range '" + text + "' has its start after its end");
            return new PortRange(a, b);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a port or a port range MIN:MAX");
        }
    }

    private static int parsePort(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
            throw new NumberFormatException(s);
        }
        int p = Integer.parseInt(s);
        if (p > 65535) throw new IllegalArgumentException("port " + p + " out of range 0-65535");
        return p;
    }

    public boolean single() {
        return first == last;
    }

    @Override
    public String toString() {
        return single() ? Integer.toString(first) : first + ":" + last;
    }
}
