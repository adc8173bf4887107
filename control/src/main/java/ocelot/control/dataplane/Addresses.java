package ocelot.control.dataplane;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Locale;
import ocelot.control.resource.Cidr;
import ocelot.control.resource.IpAddress;
import ocelot.fastpath.state.Ip6;

/** Conversions from the resource model's addresses to the fastpath's (IPv4 as an int, IPv6 as {@link Ip6}). */
final class Addresses {
    private Addresses() {
    }

    static int v4(IpAddress a) {
        return a.value().intValue();
    }

    static Ip6 v6(IpAddress a) {
        ByteBuffer b = ByteBuffer.wrap(a.toBytes());
        return new Ip6(b.getLong(), b.getLong());
    }

    static int v4(InetAddress a) {
        return ByteBuffer.wrap(a.getAddress()).getInt();
    }

    static Ip6 v6(InetAddress a) {
        ByteBuffer b = ByteBuffer.wrap(a.getAddress());
        return new Ip6(b.getLong(), b.getLong());
    }

    /** The network address of {@code c} (host bits cleared) as an IPv4 int. */
    static int v4Network(Cidr c) {
        return v4(c.network());
    }

    /** "aa:bb:cc:dd:ee:ff" (or with dashes) as a 48-bit value; errors name the text. */
    static long mac(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("MAC missing");
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("[:-]");
        if (parts.length != 6) throw new IllegalArgumentException("MAC '" + text + "' must be six hex octets");
        long mac = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 2) throw new IllegalArgumentException("MAC '" + text + "' must be six hex octets");
            try {
                mac = mac << 8 | Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("MAC '" + text + "' must be six hex octets");
            }
        }
        if (mac == 0) throw new IllegalArgumentException("MAC '" + text + "' is all zeros");
        if ((mac >>> 40 & 1) != 0) throw new IllegalArgumentException("MAC '" + text + "' is a multicast address");
        return mac;
    }
}
