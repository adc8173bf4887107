package ocelot.bench.bgp;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;

/** Pre-encodes the benchmark's messages: OPEN (4-octet AS, IPv4 unicast, hold 0), KEEPALIVE, packed UPDATEs of /32s. */
final class UpdateBuilder {
    private UpdateBuilder() {
    }

    static byte[] open(long as, InetAddress id) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        header(b, 0, 1);
        b.write(4);
        short2(b, as > 0xffff ? 23456 : (int) as);
        short2(b, 0); // hold time 0: no keepalives needed during the run (RFC 4271 §4.2)
        b.writeBytes(id.getAddress());
        byte[] caps = {2, 6, 1, 4, 0, 1, 0, 1, 2, 6, 65, 4, (byte) (as >>> 24), (byte) (as >>> 16), (byte) (as >>> 8), (byte) as};
        b.write(caps.length);
        b.writeBytes(caps);
        return fixLength(b.toByteArray());
    }

    static byte[] keepalive() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        header(b, 19, 4);
        return b.toByteArray();
    }

    /**
     * UPDATEs announcing /32s {@code first .. first+count-1} with ORIGIN IGP, the given AS_PATH
     * (empty for iBGP), NEXT_HOP and (iBGP) LOCAL_PREF 100, packed up to 4096 octets each,
     * followed by End-of-RIB.
     */
    static byte[] announce(int first, int count, long[] asPath, InetAddress nextHop, boolean ibgp) {
        ByteArrayOutputStream attrs = new ByteArrayOutputStream();
        attrs.writeBytes(new byte[]{0x40, 1, 1, 0});
        attrs.writeBytes(new byte[]{0x40, 2, (byte) (asPath.length == 0 ? 0 : 2 + 4 * asPath.length)});
        if (asPath.length > 0) {
            attrs.write(2);
            attrs.write(asPath.length);
            for (long a : asPath) int4(attrs, (int) a);
        }
        attrs.writeBytes(new byte[]{0x40, 3, 4});
        attrs.writeBytes(nextHop.getAddress());
        if (ibgp) {
            attrs.writeBytes(new byte[]{0x40, 5, 4});
            int4(attrs, 100);
        }
        byte[] a = attrs.toByteArray();
        ByteArrayOutputStream all = new ByteArrayOutputStream(count * 6);
        int perMessage = (4096 - 23 - a.length) / 5;
        for (int i = 0; i < count; i += perMessage) {
            int n = Math.min(perMessage, count - i);
            int len = 23 + a.length + 5 * n;
            ByteArrayOutputStream m = new ByteArrayOutputStream(len);
            header(m, len, 2);
            short2(m, 0);
            short2(m, a.length);
            m.writeBytes(a);
            for (int k = 0; k < n; k++) {
                m.write(32);
                int4(m, first + i + k);
            }
            all.writeBytes(m.toByteArray());
        }
        ByteArrayOutputStream eor = new ByteArrayOutputStream();
        header(eor, 23, 2);
        short2(eor, 0);
        short2(eor, 0);
        all.writeBytes(eor.toByteArray());
        return all.toByteArray();
    }

    /** UPDATEs withdrawing /32s {@code first .. first+count-1} in the Withdrawn Routes field, packed up to 4096 octets each. */
    static byte[] withdraw(int first, int count) {
        ByteArrayOutputStream all = new ByteArrayOutputStream(count * 6);
        int perMessage = (4096 - 23) / 5;
        for (int i = 0; i < count; i += perMessage) {
            int n = Math.min(perMessage, count - i);
            int len = 23 + 5 * n;
            ByteArrayOutputStream m = new ByteArrayOutputStream(len);
            header(m, len, 2);
            short2(m, 5 * n);
            for (int k = 0; k < n; k++) {
                m.write(32);
                int4(m, first + i + k);
            }
            short2(m, 0);
            all.writeBytes(m.toByteArray());
        }
        return all.toByteArray();
    }

    private static void header(ByteArrayOutputStream b, int len, int type) {
        for (int i = 0; i < 16; i++) b.write(0xff);
        short2(b, len);
        b.write(type);
    }

    private static byte[] fixLength(byte[] m) {
        m[16] = (byte) (m.length >>> 8);
        m[17] = (byte) m.length;
        return m;
    }

    private static void short2(ByteArrayOutputStream b, int v) {
        b.write(v >>> 8);
        b.write(v);
    }

    private static void int4(ByteArrayOutputStream b, int v) {
        b.write(v >>> 24);
        b.write(v >>> 16);
        b.write(v >>> 8);
        b.write(v);
    }
}
