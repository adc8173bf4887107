package ocelot.control.resource;

/**
 * A BGP AS number: 2-byte or 4-byte (RFC 6793), written as a plain number or in asdot notation
 * {@code 1.10} (RFC 5396: high 16 bits, dot, low 16 bits). The notation is kept so a resource
 * prints back the way it was written.
 */
public record AsNumber(long value, boolean asdot) {
    public static final long MAX = 0xFFFF_FFFFL;

    public AsNumber {
        // RFC 7607: AS 0 must not be used in a session or a path.
        if (value < 1 || value > MAX) throw new IllegalArgumentException("AS number " + value + " out of range 1-" + MAX);
    }

    public static AsNumber of(long value) {
        return new AsNumber(value, false);
    }

    /** Parses {@code 64512}, {@code 4200000000} or asdot {@code 1.10}. */
    public static AsNumber parse(String text) {
        String t = text.trim();
        int dot = t.indexOf('.');
        try {
            if (dot < 0) {
                if (!t.chars().allMatch(Character::isDigit) || t.isEmpty() || t.length() > 10) {
                    throw new IllegalArgumentException("'" + text + "' is not an AS number");
                }
                return new AsNumber(Long.parseLong(t), false);
            }
            String hi = t.substring(0, dot);
            String lo = t.substring(dot + 1);
            if (hi.isEmpty() || lo.isEmpty() || hi.length() > 5 || lo.length() > 5
                    || !(hi + lo).chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("'" + text + "' is not an AS number (asdot is HIGH.LOW)");
            }
            int h = Integer.parseInt(hi);
            int l = Integer.parseInt(lo);
            if (h > 65535 || l > 65535) {
                throw new IllegalArgumentException("'" + text + "': asdot halves must be 0-65535");
            }
            return new AsNumber(((long) h << 16) | l, true);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an AS number");
        }
    }

    public boolean fourByteOnly() {
        return value > 65535;
    }

    @Override
    public String toString() {
        return asdot ? (value >>> 16) + "." + (value & 0xFFFF) : Long.toString(value);
    }
}
