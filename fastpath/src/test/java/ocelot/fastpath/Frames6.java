package ocelot.fastpath;

import java.nio.ByteBuffer;
import java.util.Arrays;

import ocelot.fastpath.state.Ip6;

/** IPv6 test frames (Ethernet + IPv6 + UDP / ICMPv6 / neighbour solicitation) with correct checksums, and readers. */
public final class Frames6 {
    private Frames6() {}

    public static final int ICMPV6 = 58, UDP = 17, TCP = 6, L3 = 14, L4 = 54;

    public static byte[] tcp(long dmac, long smac, String src, String dst, int sport, int dport, int flags, int hopLimit) {
        byte[] l4 = new byte[20];
        ByteBuffer.wrap(l4).putShort((short) sport).putShort((short) dport).putInt(1000).putInt(0).put((byte) 0x50).put((byte) flags).putShort((short) 65535);
        return ipv6(dmac, smac, src, dst, TCP, hopLimit, l4);
    }

    public static byte[] udp(long dmac, long smac, String src, String dst, int sport, int dport, int hopLimit) {
        byte[] l4 = new byte[8 + 10];
        ByteBuffer.wrap(l4).putShort((short) sport).putShort((short) dport).putShort((short) l4.length).putShort((short) 0);
        return ipv6(dmac, smac, src, dst, UDP, hopLimit, l4);
    }

    public static byte[] echo(long dmac, long smac, String src, String dst, int type, int id, int hopLimit) {
        byte[] l4 = new byte[16];
        ByteBuffer.wrap(l4).put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) 1);
        return ipv6(dmac, smac, src, dst, ICMPV6, hopLimit, l4);
    }

    /** A neighbour solicitation for {@code target} with a source link-layer address option (RFC 4861 4.3). */
    public static byte[] solicit(long smac, String src, String target, int hopLimit) {
        byte[] l4 = new byte[32];
        Ip6 t = Ip6.parse(target);
        ByteBuffer.wrap(l4).put((byte) 135).put((byte) 0).putShort((short) 0).putInt(0).putLong(t.hi()).putLong(t.lo())
                .put((byte) 1).put((byte) 1).putShort((short) (smac >>> 32)).putInt((int) smac);
        // solicited-node multicast: ff02::1:ffXX:XXXX and its MAC 33:33:ff:XX:XX:XX
        long low24 = t.lo() & 0xFFFFFF;
        Ip6 group = new Ip6(0xFF02_0000_0000_0000L, 0x0000_0001_FF00_0000L | low24);
        return ipv6(0x3333_FF00_0000L | low24, smac, src, group.toString(), ICMPV6, hopLimit, l4);
    }

    /** A solicited neighbour advertisement for {@code target} with its target link-layer address option (RFC 4861 4.4). */
    public static byte[] advert(long dmac, long smac, String src, String dst, String target, long targetMac) {
        byte[] l4 = new byte[32];
        Ip6 t = Ip6.parse(target);
        ByteBuffer.wrap(l4).put((byte) 136).put((byte) 0).putShort((short) 0).putInt(0x6000_0000).putLong(t.hi()).putLong(t.lo())
                .put((byte) 2).put((byte) 1).putShort((short) (targetMac >>> 32)).putInt((int) targetMac);
        return ipv6(dmac, smac, src, dst, ICMPV6, 255, l4);
    }

    public static byte[] ipv6(long dmac, long smac, String src, String dst, int next, int hopLimit, byte[] l4) {
        Ip6 s = Ip6.parse(src), d = Ip6.parse(dst);
        byte[] f = new byte[Math.max(60, L4 + l4.length)];
        ByteBuffer b = ByteBuffer.wrap(f);
        Frames.putMac(b, dmac);
        Frames.putMac(b, smac);
        b.putShort((short) 0x86DD);
        b.putInt(0x6000_0000).putShort((short) l4.length).put((byte) next).put((byte) hopLimit);
        b.putLong(s.hi()).putLong(s.lo()).putLong(d.hi()).putLong(d.lo());
        int c = Frames.checksum(l4, 0, l4.length, pseudo(f, l4.length, next));
        if (next == UDP) ByteBuffer.wrap(l4).putShort(6, (short) c);
        else if (next == TCP) ByteBuffer.wrap(l4).putShort(16, (short) c);
        else ByteBuffer.wrap(l4).putShort(2, (short) c);
        System.arraycopy(l4, 0, f, L4, l4.length);
        return f;
    }

    static long pseudo(byte[] f, int length, int next) {
        long sum = 0;
        for (int i = 0; i < 32; i += 2) sum += Frames.u16(f, L3 + 8 + i);
        return sum + length + next;
    }

    public static int payloadLength(byte[] f) { return Frames.u16(f, L3 + 4); }

    public static int next(byte[] f) { return Frames.u8(f, L3 + 6); }

    public static int hopLimit(byte[] f) { return Frames.u8(f, L3 + 7); }

    public static Ip6 src(byte[] f) { return new Ip6(ByteBuffer.wrap(f).getLong(L3 + 8), ByteBuffer.wrap(f).getLong(L3 + 16)); }

    public static Ip6 dst(byte[] f) { return new Ip6(ByteBuffer.wrap(f).getLong(L3 + 24), ByteBuffer.wrap(f).getLong(L3 + 32)); }

    /** The upper-layer checksum over the pseudo-header verifies (RFC 8200 section 8.1). */
    public static boolean checksumOk(byte[] f) {
        int len = payloadLength(f);
        byte[] l4 = Arrays.copyOfRange(f, L4, L4 + len);
        return Frames.checksum(l4, 0, len, pseudo(f, len, next(f))) == 0;
    }
}
