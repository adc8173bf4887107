package ocelot.fastpath;

import java.nio.ByteBuffer;

import ocelot.fastpath.packet.Ipv4;

/**
 * Builds and reads test frames on the heap (independent of the pipeline's own flyweights, so a
 * bug in those cannot hide itself): Ethernet + IPv4 + TCP/UDP/ICMP with correct checksums.
 */
public final class Frames {
    private Frames() {}

    public static final int TCP = 6, UDP = 17, ICMP = 1, IPIP = 4;

    public static int ip(String dotted) { return Ipv4.parse(dotted); }

    public static byte[] udp(long dmac, long smac, String src, String dst, int sport, int dport, int ttl, int payload) {
        byte[] l4 = new byte[8 + payload];
        ByteBuffer b = ByteBuffer.wrap(l4);
        b.putShort((short) sport).putShort((short) dport).putShort((short) l4.length).putShort((short) 0);
        for (int i = 0; i < payload; i++) l4[8 + i] = (byte) i;
        int c = l4Checksum(ip(src), ip(dst), UDP, l4);
        b.putShort(6, (short) (c == 0 ? 0xFFFF : c));
        return ipv4(dmac, smac, ip(src), ip(dst), UDP, ttl, l4);
    }

    public static byte[] tcp(long dmac, long smac, String src, String dst, int sport, int dport, int flags, int ttl) {
        byte[] l4 = new byte[20];
        ByteBuffer b = ByteBuffer.wrap(l4);
        b.putShort((short) sport).putShort((short) dport).putInt(1000).putInt((flags & 0x10) != 0 ? 2000 : 0);
        b.put((byte) 0x50).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        b.putShort(16, (short) l4Checksum(ip(src), ip(dst), TCP, l4));
        return ipv4(dmac, smac, ip(src), ip(dst), TCP, ttl, l4);
    }

    public static byte[] icmpEcho(long dmac, long smac, String src, String dst, int type, int id, int ttl) {
        byte[] l4 = new byte[16];
        ByteBuffer b = ByteBuffer.wrap(l4);
        b.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) 1);
        b.putShort(2, (short) checksum(l4, 0, l4.length, 0));
        return ipv4(dmac, smac, ip(src), ip(dst), ICMP, ttl, l4);
    }

    public static byte[] ipv4(long dmac, long smac, int src, int dst, int proto, int ttl, byte[] l4) {
        byte[] f = new byte[14 + 20 + l4.length];
        ByteBuffer b = ByteBuffer.wrap(f);
        putMac(b, dmac);
        putMac(b, smac);
        b.putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length)).putShort((short) 0x1234).putShort((short) 0x4000);
        b.put((byte) ttl).put((byte) proto).putShort((short) 0).putInt(src).putInt(dst);
        b.putShort(24, (short) checksum(f, 14, 20, 0));
        System.arraycopy(l4, 0, f, 34, l4.length);
        return f;
    }

    /** Wraps an IPv4 frame's IP packet in an outer IPv4 header (IPIP). */
    public static byte[] ipip(long dmac, long smac, String outerSrc, String outerDst, byte[] inner) {
        byte[] l4 = new byte[inner.length - 14];
        System.arraycopy(inner, 14, l4, 0, l4.length);
        return ipv4(dmac, smac, ip(outerSrc), ip(outerDst), IPIP, 64, l4);
    }

    public static byte[] arpRequest(long smac, String sender, String target) {
        byte[] f = new byte[60];
        ByteBuffer b = ByteBuffer.wrap(f);
        putMac(b, 0xFFFF_FFFF_FFFFL);
        putMac(b, smac);
        b.putShort((short) 0x0806).putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        putMac(b, smac);
        b.putInt(ip(sender));
        putMac(b, 0);
        b.putInt(ip(target));
        return f;
    }

    public static byte[] arpReply(long dmac, long smac, String sender, String target) {
        byte[] f = arpRequest(smac, sender, target);
        ByteBuffer b = ByteBuffer.wrap(f);
        b.position(0);
        putMac(b, dmac);
        b.putShort(20, (short) 2);
        b.position(32);
        putMac(b, dmac);
        return f;
    }

    static void putMac(ByteBuffer b, long mac) {
        b.putShort((short) (mac >>> 32)).putInt((int) mac);
    }

    public static int checksum(byte[] d, int off, int len, long initial) {
        long sum = initial;
        for (int i = 0; i + 1 < len; i += 2) sum += ((d[off + i] & 0xFF) << 8) | (d[off + i + 1] & 0xFF);
        if ((len & 1) != 0) sum += (d[off + len - 1] & 0xFF) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) (~sum & 0xFFFF);
    }

    static int l4Checksum(int src, int dst, int proto, byte[] l4) {
        long pseudo = ((src >>> 16) & 0xFFFF) + (src & 0xFFFF) + ((dst >>> 16) & 0xFFFF) + (dst & 0xFFFF) + proto + l4.length;
        return checksum(l4, 0, l4.length, pseudo);
    }

    // ---- reading ----
    public static long dmac(byte[] f) { return ByteBuffer.wrap(f).getLong(0) >>> 16; }

    public static long smac(byte[] f) { return ByteBuffer.wrap(f).getLong(6) >>> 16; }

    public static int ethertype(byte[] f) { return ByteBuffer.wrap(f).getShort(12) & 0xFFFF; }

    public static int ttl(byte[] f, int l3) { return f[l3 + 8] & 0xFF; }

    public static int proto(byte[] f, int l3) { return f[l3 + 9] & 0xFF; }

    public static int src(byte[] f, int l3) { return ByteBuffer.wrap(f).getInt(l3 + 12); }

    public static int dst(byte[] f, int l3) { return ByteBuffer.wrap(f).getInt(l3 + 16); }

    public static int totalLength(byte[] f, int l3) { return ByteBuffer.wrap(f).getShort(l3 + 2) & 0xFFFF; }

    public static int u16(byte[] f, int off) { return ByteBuffer.wrap(f).getShort(off) & 0xFFFF; }

    public static int u32(byte[] f, int off) { return ByteBuffer.wrap(f).getInt(off); }

    public static int u8(byte[] f, int off) { return f[off] & 0xFF; }

    public static boolean ipChecksumOk(byte[] f, int l3) { return checksum(f, l3, (f[l3] & 0xF) * 4, 0) == 0; }

    /** TCP/UDP checksum over the pseudo-header verifies to zero (or UDP checksum absent). */
    public static boolean l4ChecksumOk(byte[] f, int l3) {
        int ihl = (f[l3] & 0xF) * 4;
        int total = totalLength(f, l3);
        byte[] l4 = java.util.Arrays.copyOfRange(f, l3 + ihl, l3 + total);
        int proto = proto(f, l3);
        if (proto == ICMP) return checksum(l4, 0, l4.length, 0) == 0;
        if (proto == UDP && u16(l4, 6) == 0) return true;
        int s = src(f, l3), d = dst(f, l3);
        long pseudo = ((s >>> 16) & 0xFFFF) + (s & 0xFFFF) + ((d >>> 16) & 0xFFFF) + (d & 0xFFFF) + proto + l4.length;
        return checksum(l4, 0, l4.length, pseudo) == 0;
    }
}
