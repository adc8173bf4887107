package ocelot.bench.pktgen;

import static ocelot.dpdk.NativeMemory.ALL;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Writes a stream's frames into mbuf memory: a template copied whole, then the flow's addresses
 * and ports and the payload stamp (magic with the trial number, transmit time, sequence)
 * patched in, with the IPv4 header checksum and the TCP/UDP checksum computed from the
 * template's precomputed sums plus the words that change (RFC 1071 one's-complement sums add
 * in any order), so a frame costs one copy and a few stores whatever its size.
 */
final class FrameWriter {
    static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final StreamSpec spec;
    private final MemorySegment template;
    private final int length;
    private final int l3, l4, payload;
    private final int srcOffset, dstOffset; // of the low 32 bits of each address
    private final int l4ChecksumOffset;
    private final long ipBaseSum, l4BaseSum;
    private final long nSrc, nDst, nSport, nDport;

    FrameWriter(StreamSpec spec) {
        this.spec = spec;
        this.length = spec.dataLength();
        byte[] f = new byte[length];
        boolean v6 = spec.ipv6();
        l3 = 14;
        l4 = l3 + (v6 ? 40 : 20);
        payload = StreamSpec.headerLength(v6, spec.protocol());
        put48(f, 0, spec.dstMac());
        put48(f, 6, spec.srcMac());
        put16(f, 12, v6 ? 0x86DD : 0x0800);
        int l4Length = length - l4;
        if (v6) {
            f[l3] = 0x60;
            put16(f, l3 + 4, l4Length);
            f[l3 + 6] = (byte) spec.protocol();
            f[l3 + 7] = 64;
            System.arraycopy(spec.src().high96(), 0, f, l3 + 8, 12);
            System.arraycopy(spec.dst().high96(), 0, f, l3 + 24, 12);
            srcOffset = l3 + 20;
            dstOffset = l3 + 36;
        } else {
            f[l3] = 0x45;
            put16(f, l3 + 2, length - l3);
            put16(f, l3 + 6, 0x4000); // don't fragment
            f[l3 + 8] = 64;
            f[l3 + 9] = (byte) spec.protocol();
            srcOffset = l3 + 12;
            dstOffset = l3 + 16;
        }
        if (spec.protocol() == StreamSpec.UDP) {
            put16(f, l4 + 4, l4Length);
            l4ChecksumOffset = l4 + 6;
        } else {
            put32(f, l4 + 4, 1);       // sequence number
            f[l4 + 12] = 0x50;         // data offset 5 words
            f[l4 + 13] = 0x10;         // ACK: an established flow's segment
            put16(f, l4 + 14, 65535);  // window
            l4ChecksumOffset = l4 + 16;
        }
        for (int i = payload + StreamSpec.PAYLOAD_STAMP; i < length; i++) f[i] = (byte) i; // recognisable filler
        template = MemorySegment.ofArray(f);
        // sums of the template with the per-frame fields zero: the IPv4 header; the pseudo-header
        // (addresses' fixed parts, protocol, length) plus the whole L4 segment
        ipBaseSum = v6 ? 0 : sum(f, l3, 20);
        long pseudo = (v6 ? sum(f, l3 + 8, 32) : 0) + spec.protocol() + l4Length;
        l4BaseSum = pseudo + sum(f, l4, l4Length);
        nSrc = spec.src().low32().size();
        nDst = spec.dst().low32().size();
        nSport = spec.srcPort().size();
        nDport = spec.dstPort().size();
    }

    int length() { return length; }

    /** Writes flow {@code flow}'s frame at {@code address} stamped with trial, time and sequence. */
    void write(long address, int flow, int trial, long nanos, int sequence) {
        MemorySegment.copy(template, 0, ALL, address, length);
        long f = flow;
        long src = spec.src().low32().low() + f % nSrc;
        f /= nSrc;
        long dst = spec.dst().low32().low() + f % nDst;
        f /= nDst;
        int sport = (int) (spec.srcPort().low() + f % nSport);
        f /= nSport;
        int dport = (int) (spec.dstPort().low() + f % nDport);
        ALL.set(BE32, address + srcOffset, (int) src);
        ALL.set(BE32, address + dstOffset, (int) dst);
        ALL.set(BE16, address + l4, (short) sport);
        ALL.set(BE16, address + l4 + 2, (short) dport);
        int magic = StreamSpec.MAGIC | (trial & 0xFF);
        ALL.set(BE32, address + payload, magic);
        ALL.set(BE32, address + payload + 4, (int) (nanos >>> 32));
        ALL.set(BE32, address + payload + 8, (int) nanos);
        ALL.set(BE32, address + payload + 12, sequence);
        long addressWords = words32(src) + words32(dst);
        if (!spec.ipv6()) ALL.set(BE16, address + l3 + 10, (short) ~fold(ipBaseSum + addressWords));
        long l4Sum = l4BaseSum + addressWords + sport + dport
                + words32(magic) + words32(nanos >>> 32) + words32(nanos) + words32(sequence);
        int checksum = ~fold(l4Sum) & 0xFFFF;
        if (checksum == 0 && spec.protocol() == StreamSpec.UDP) checksum = 0xFFFF; // 0 means "none" in UDP
        ALL.set(BE16, address + l4ChecksumOffset, (short) checksum);
    }

    /** The payload's offset in a frame as this stream builds it (IPv4 without options). */
    int payloadOffset() { return payload; }

    private static long words32(long v) { return ((v >>> 16) & 0xFFFF) + (v & 0xFFFF); }

    static int fold(long sum) {
        while ((sum >>> 16) != 0) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) sum;
    }

    static long sum(byte[] d, int off, int len) {
        long s = 0;
        for (int i = 0; i + 1 < len; i += 2) s += ((d[off + i] & 0xFF) << 8) | (d[off + i + 1] & 0xFF);
        if ((len & 1) != 0) s += (d[off + len - 1] & 0xFF) << 8;
        return s;
    }

    private static void put16(byte[] b, int off, int v) { b[off] = (byte) (v >>> 8); b[off + 1] = (byte) v; }

    private static void put32(byte[] b, int off, int v) { put16(b, off, v >>> 16); put16(b, off + 2, v); }

    private static void put48(byte[] b, int off, long v) { for (int i = 0; i < 6; i++) b[off + i] = (byte) (v >>> (40 - 8 * i)); }
}
