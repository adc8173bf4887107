package ocelot.bgp.wire;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Literal-only address parsing (never DNS) and the byte packing the codec needs. */
public final class IpAddresses {
    private IpAddresses() {
    }

    /** Parses an IPv4 or IPv6 literal; the error names the text. Host names are refused, never resolved. */
    public static byte[] parse(String text) {
        if (text.isEmpty() || !(text.indexOf(':') >= 0 || text.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address literal");
        }
        if (text.indexOf(':') < 0) {
            String[] parts = text.split("\\.", -1);
            if (parts.length != 4) {
                throw new IllegalArgumentException("'" + text + "' is not a dotted-quad IPv4 address");
            }
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3) {
                    throw new IllegalArgumentException("'" + text + "' is not a dotted-quad IPv4 address");
                }
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    throw new IllegalArgumentException("'" + text + "' has octet " + v + " > 255");
                }
                b[i] = (byte) v;
            }
            return b;
        }
        try {
            // A literal containing ':' is never looked up by InetAddress.
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv6 address literal");
        }
    }

    public static InetAddress inet(String text) {
        try {
            return InetAddress.getByAddress(parse(text));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    public static InetAddress inet(int v4) {
        byte[] b = new byte[4];
        putInt(b, 0, v4);
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    public static int toInt(byte[] b) {
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    public static int toInt(InetAddress a) {
        return toInt(a.getAddress());
    }

    public static long toLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }

    public static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    public static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    public static String ipv4(int v) {
        return (v >>> 24) + "." + (v >>> 16 & 0xff) + "." + (v >>> 8 & 0xff) + "." + (v & 0xff);
    }
}
