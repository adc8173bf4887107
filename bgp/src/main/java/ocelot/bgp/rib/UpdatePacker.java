package ocelot.bgp.rib;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.BgpMessage;
import ocelot.bgp.wire.MessageCodec;
import ocelot.bgp.wire.PathAttributes;
import ocelot.bgp.wire.Prefix;
import ocelot.bgp.wire.UpdateCodec;

import java.util.List;

/**
 * Packs many prefixes per UPDATE (up to 4096 octets, RFC 4271 §4) and many UPDATEs per buffer
 * (up to {@link #CHUNK_BYTES}), so a million routes become about 1,300 messages in ~80 writes.
 */
final class UpdatePacker {
    /** One buffer of whole messages, all for the members other than {@code source}. */
    record Chunk(ByteBuf bytes, RibPeer source, int messages) {
    }

    static final int CHUNK_BYTES = 64 * 1024;

    private final ByteBufAllocator alloc;
    private final boolean fourOctetAs;

    UpdatePacker(ByteBufAllocator alloc, boolean fourOctetAs) {
        this.alloc = alloc;
        this.fourOctetAs = fourOctetAs;
    }

    /** Scratch for one message's NLRI (at most 4096 octets). */
    private final byte[] nlri = new byte[MessageCodec.MAX_LENGTH];
    private ByteBuf current;
    private RibPeer currentSource;
    private int currentMessages;

    private ByteBuf open(List<Chunk> out, RibPeer source) {
        if (current != null && (current.writableBytes() < MessageCodec.MAX_LENGTH || currentSource != source)) seal(out);
        if (current == null) {
            current = alloc.buffer(CHUNK_BYTES, CHUNK_BYTES);
            currentSource = source;
            currentMessages = 0;
        }
        currentMessages++;
        return current;
    }

    private void seal(List<Chunk> out) {
        if (current != null) {
            out.add(new Chunk(current, currentSource, currentMessages));
            current = null;
        }
    }

    void withdrawals(List<Destination> prefixes, List<Chunk> out) {
        int i = 0;
        while (i < prefixes.size()) {
            ByteBuf b = open(out, null);
            if (!prefixes.get(i).v6) {
                int start = b.writerIndex();
                b.writeLong(-1L).writeLong(-1L).writeShort(0).writeByte(BgpMessage.UPDATE);
                int wStart = b.writerIndex();
                b.writeShort(0);
                // 2 octets stay for the (empty) attribute length.
                while (i < prefixes.size() && !prefixes.get(i).v6
                        && b.writerIndex() - start + prefixes.get(i).wireLength() + 2 <= MessageCodec.MAX_LENGTH) {
                    prefixes.get(i++).writeNlri(b);
                }
                b.setShort(wStart, b.writerIndex() - wStart - 2);
                b.writeShort(0);
                b.setShort(start + 16, b.writerIndex() - start);
            } else {
                int j = i;
                int len = 23 + 4 + 3; // header, lengths, MP_UNREACH_NLRI header and AFI/SAFI
                while (j < prefixes.size() && prefixes.get(j).v6
                        && len + prefixes.get(j).wireLength() <= MessageCodec.MAX_LENGTH) {
                    len += prefixes.get(j++).wireLength();
                }
                MessageCodec.encode(new BgpMessage.Update(prefixesOf(prefixes.subList(i, j)), null, List.of(), List.of()), b, fourOctetAs);
                i = j;
            }
        }
        seal(out);
    }

    private static List<Prefix> prefixesOf(List<Destination> ds) {
        List<Prefix> l = new java.util.ArrayList<>(ds.size());
        for (Destination d : ds) l.add(d.prefix());
        return l;
    }

    /** {@code prefixes} all of one family (an update group's run for one attribute set). */
    void announcements(PathAttributes attrs, List<Destination> prefixes, RibPeer source, List<Chunk> out) {
        if (prefixes.isEmpty()) return;
        if (!prefixes.get(0).v6) {
            // The attributes are encoded once and copied in front of each message's NLRI.
            ByteBuf attrBytes = alloc.buffer(256);
            try {
                UpdateCodec.writeAttributes(attrs, List.of(), List.of(), attrBytes, fourOctetAs);
                int fixed = 19 + 2 + 2 + attrBytes.readableBytes();
                int i = 0;
                while (i < prefixes.size()) {
                    ByteBuf b = open(out, source);
                    int start = b.writerIndex();
                    b.writeLong(-1L).writeLong(-1L).writeShort(0).writeByte(BgpMessage.UPDATE);
                    b.writeShort(0).writeShort(attrBytes.readableBytes());
                    b.writeBytes(attrBytes, attrBytes.readerIndex(), attrBytes.readableBytes());
                    // NLRI go through a plain array, then one bulk write: per-prefix ByteBuf writes
                    // (bounds and reference-count checks each) were ~6% of the transit's event loop.
                    int n = 0;
                    int room = MessageCodec.MAX_LENGTH - fixed;
                    while (i < prefixes.size() && n + prefixes.get(i).wireLength() <= room) {
                        n = prefixes.get(i++).writeNlri(nlri, n);
                    }
                    b.writeBytes(nlri, 0, n);
                    b.setShort(start + 16, b.writerIndex() - start);
                }
            } finally {
                attrBytes.release();
            }
        } else {
            ByteBuf probe = alloc.buffer(256);
            int attrLen;
            try {
                UpdateCodec.writeAttributes(attrs, List.of(), List.of(), probe, fourOctetAs);
                attrLen = probe.readableBytes();
            } finally {
                probe.release();
            }
            int fixed = 23 + attrLen + 4 + 5 + 16 + 1;
            int i = 0;
            while (i < prefixes.size()) {
                int j = i;
                int len = fixed;
                while (j < prefixes.size() && len + prefixes.get(j).wireLength() <= MessageCodec.MAX_LENGTH) {
                    len += prefixes.get(j++).wireLength();
                }
                ByteBuf b = open(out, source);
                MessageCodec.encode(new BgpMessage.Update(List.of(), attrs, List.of(), prefixesOf(prefixes.subList(i, j))), b, fourOctetAs);
                i = j;
            }
        }
        seal(out);
    }

    /** RFC 4724 §2: an empty UPDATE (IPv4) or an empty MP_UNREACH_NLRI (others). */
    void endOfRib(AddressFamily f, List<Chunk> out) {
        ByteBuf b = open(out, null);
        if (f == AddressFamily.IPV4_UNICAST) {
            MessageCodec.encode(new BgpMessage.Update(List.of(), null, List.of(), List.of()), b, fourOctetAs);
        } else {
            int start = b.writerIndex();
            b.writeLong(-1L).writeLong(-1L).writeShort(0).writeByte(BgpMessage.UPDATE);
            b.writeShort(0).writeShort(6).writeByte(0x80).writeByte(15).writeByte(3).writeShort(f.afi).writeByte(f.safi);
            b.setShort(start + 16, b.writerIndex() - start); // 29 octets
        }
        seal(out);
    }
}
