package ocelot.bgp.wire;

import io.netty.buffer.ByteBuf;

import java.util.List;
import java.util.Set;

/**
 * UPDATE body decoding with RFC 7606 error handling, and encoding. One loop handles every
 * attribute through the {@link AttributeType} table; each branch cites the RFC 7606 rule.
 */
public final class UpdateCodec {
    private UpdateCodec() {
    }

    /**
     * Decodes the body (after the 19-octet header). Applies treat-as-withdraw and attribute
     * discard itself; throws {@link BgpWireException} only where a session reset is required.
     */
    public static BgpMessage.Update decode(ByteBuf body, CodecOptions options, Set<AddressFamily> families) {
        UpdateDecoding d = new UpdateDecoding(options, families);
        int total = body.readableBytes();
        // RFC 7606 §5.1 / RFC 4271 §6.3: if the two length fields do not fit the message, the NLRI
        // cannot be found, so treat-as-withdraw is impossible: session reset.
        if (total < 4) {
            throw reset(NotificationCode.UPDATE_MALFORMED_ATTRIBUTE_LIST, "UPDATE body of " + total + " octets < 4");
        }
        int withdrawnLength = body.readUnsignedShort();
        if (withdrawnLength > body.readableBytes() - 2) {
            throw reset(NotificationCode.UPDATE_MALFORMED_ATTRIBUTE_LIST,
                    "withdrawn routes length " + withdrawnLength + " overruns the UPDATE (" + (total - 2) + " octets left)");
        }
        ByteBuf withdrawn = body.readSlice(withdrawnLength);
        try {
            d.withdrawnV4.expect(withdrawnLength);
            d.withdrawnV4.readAll(withdrawn);
        } catch (IllegalArgumentException e) {
            // RFC 7606 §5.3: unparseable withdrawn routes: session reset.
            throw reset(NotificationCode.UPDATE_INVALID_NETWORK, "withdrawn routes: " + e.getMessage());
        }
        int attributesLength = body.readUnsignedShort();
        if (attributesLength > body.readableBytes()) {
            throw reset(NotificationCode.UPDATE_MALFORMED_ATTRIBUTE_LIST,
                    "total path attribute length " + attributesLength + " overruns the UPDATE (" + body.readableBytes() + " octets left)");
        }
        ByteBuf attributes = body.readSlice(attributesLength);
        readAttributes(attributes, d);
        try {
            d.nlri.expect(body.readableBytes());
            d.nlri.readAll(body);
        } catch (IllegalArgumentException e) {
            // RFC 7606 §5.3: NLRI that cannot be parsed: session reset.
            throw reset(NotificationCode.UPDATE_INVALID_NETWORK, "NLRI: " + e.getMessage());
        }
        if (d.handling == ErrorHandling.SESSION_RESET) {
            throw reset(d.resetSubcode, String.join("; ", d.problems));
        }
        checkMandatory(d);
        if (d.handling.ordinal() > ErrorHandling.ATTRIBUTE_DISCARD.ordinal() && !d.hasReachable() && d.sawOtherAttributes) {
            // RFC 7606 §5.2: attributes (other than MP_UNREACH_NLRI) but no reachable NLRI: the NLRI
            // may not have been found correctly, so any error stronger than attribute discard resets.
            throw reset(d.resetSubcode, String.join("; ", d.problems) + "; no reachable NLRI to withdraw (RFC 7606 §5.2: session reset)");
        }
        return finish(d);
    }

    private static void readAttributes(ByteBuf in, UpdateDecoding d) {
        boolean[] seen = new boolean[256];
        while (in.isReadable()) {
            if (in.readableBytes() < 3) {
                d.sawOtherAttributes = true;
                // RFC 7606 §4: an attribute header overrunning the attribute field: treat-as-withdraw.
                d.escalate(ErrorHandling.TREAT_AS_WITHDRAW, "attribute header truncated: " + in.readableBytes() + " octets");
                return;
            }
            int flags = in.readUnsignedByte();
            int code = in.readUnsignedByte();
            if (code != AttributeType.MP_UNREACH_NLRI.code) d.sawOtherAttributes = true;
            boolean extended = (flags & AttributeType.FLAG_EXTENDED_LENGTH) != 0;
            if (extended && in.readableBytes() < 2) {
                d.escalate(ErrorHandling.TREAT_AS_WITHDRAW, "attribute " + code + " extended length truncated");
                return;
            }
            int len = extended ? in.readUnsignedShort() : in.readUnsignedByte();
            if (len > in.readableBytes()) {
                // RFC 7606 §4: attribute length overruns the Total Path Attribute Length: treat-as-withdraw.
                AttributeType t = AttributeType.byCode(code);
                d.sawOtherAttributes = true;
                if (t == AttributeType.MP_REACH_NLRI || t == AttributeType.MP_UNREACH_NLRI) {
                    d.fault(t, "length " + len + " overruns the attributes (" + in.readableBytes() + " left)");
                } else {
                    d.escalate(ErrorHandling.TREAT_AS_WITHDRAW, NotificationCode.UPDATE_ATTRIBUTE_LENGTH, name(t, code) + " length " + len
                            + " overruns the attributes (" + in.readableBytes() + " left)");
                }
                return;
            }
            ByteBuf value = in.readSlice(len);
            AttributeType t = AttributeType.byCode(code);
            if (seen[code]) {
                // RFC 7606 §3 g: repeated MP attributes: session reset; any other: keep the first.
                if (t == AttributeType.MP_REACH_NLRI || t == AttributeType.MP_UNREACH_NLRI) {
                    d.fault(t, NotificationCode.UPDATE_MALFORMED_ATTRIBUTE_LIST, "appears more than once");
                } else {
                    d.escalate(ErrorHandling.ATTRIBUTE_DISCARD, name(t, code) + " repeated, later copy discarded");
                }
                continue;
            }
            seen[code] = true;
            if (t == null) {
                readUnknown(flags, code, value, d);
                continue;
            }
            if (t.flagsConflict(flags)) {
                // RFC 7606 §3 c (O and T bits) and RFC 4271 §4.3 (P only on optional transitive).
                d.flagsFault(t, flags);
                continue;
            }
            t.decode(value, d);
        }
    }

    private static String name(AttributeType t, int code) {
        return t != null ? t.name() : "attribute " + code;
    }

    private static void readUnknown(int flags, int code, ByteBuf value, UpdateDecoding d) {
        if ((flags & AttributeType.FLAG_OPTIONAL) == 0) {
            // RFC 4271 §6.3 (unchanged by RFC 7606): an unrecognized well-known attribute.
            byte[] data = new byte[3 + value.readableBytes()];
            data[0] = (byte) flags;
            data[1] = (byte) code;
            data[2] = (byte) value.readableBytes();
            value.getBytes(value.readerIndex(), data, 3, value.readableBytes());
            throw new BgpWireException(NotificationCode.UPDATE_MESSAGE, NotificationCode.UPDATE_UNRECOGNIZED_WELL_KNOWN,
                    data, "unrecognized well-known attribute " + code);
        }
        if ((flags & AttributeType.FLAG_TRANSITIVE) != 0) {
            // RFC 4271 §5: pass unrecognized optional transitive attributes on with the Partial bit set.
            byte[] v = new byte[value.readableBytes()];
            value.readBytes(v);
            int keep = (flags | AttributeType.FLAG_PARTIAL) & ~AttributeType.FLAG_EXTENDED_LENGTH;
            d.attrs.addUnknown(new PathAttributes.RawAttribute(keep, code, v));
        }
        // Unrecognized optional non-transitive: quietly ignored (RFC 4271 §5).
    }

    /** RFC 7606 §3 d: reachable NLRI without ORIGIN, AS_PATH or (IPv4 NLRI) NEXT_HOP: treat-as-withdraw. */
    private static void checkMandatory(UpdateDecoding d) {
        PathAttributes.Builder a = d.attrs;
        if (a.as4Path != null && a.asPath != null) {
            a.asPath = AsPath.merge(a.asPath, a.as4Path);
        }
        if (a.as4Aggregator != null && a.aggregator != null && a.aggregator.asNumber() == AsPath.AS_TRANS) {
            a.aggregator = a.as4Aggregator; // RFC 6793 §4.2.3
        }
        if (!d.hasReachable()) return;
        if (a.origin < 0) d.escalate(ErrorHandling.TREAT_AS_WITHDRAW, "ORIGIN missing");
        if (a.asPath == null) d.escalate(ErrorHandling.TREAT_AS_WITHDRAW, "AS_PATH missing");
        if (!d.nlri.isEmpty() && a.nextHop == null) d.escalate(ErrorHandling.TREAT_AS_WITHDRAW, "NEXT_HOP missing");
        long peerAs = d.options.peerAs();
        if (d.options.external() && peerAs > 0 && a.asPath != null && a.asPath.firstAs() != peerAs) {
            // RFC 4271 §6.3 with RFC 7606 §7.2: the first AS from an external peer must be the peer's.
            d.escalate(ErrorHandling.TREAT_AS_WITHDRAW, "AS_PATH starts with " + a.asPath.firstAs() + ", peer is AS " + peerAs);
        }
    }

    private static BgpMessage.Update finish(UpdateDecoding d) {
        if (d.handling == ErrorHandling.TREAT_AS_WITHDRAW) {
            d.withdrawn.addAll(d.nlriList());
            d.withdrawn.addAll(d.mpNlriList());
            return new BgpMessage.Update(d.withdrawnList(), null, List.of(), List.of(), d.handling, d.problems);
        }
        d.attrs.as4Path = null;
        d.attrs.as4Aggregator = null;
        // An MP_REACH_NLRI without prefixes: its next hop belongs to no route (and would not be sent on).
        if (d.mpNlri == null || d.mpNlri.isEmpty()) d.attrs.mpNextHop = null;
        PathAttributes attrs = !d.hasReachable() && !hasAny(d.attrs) ? null : d.attrs.build();
        return new BgpMessage.Update(d.withdrawnList(), attrs, d.nlriList(), d.mpNlriList(), d.handling, d.problems, d.emptyUnreachFamily);
    }

    private static boolean hasAny(PathAttributes.Builder b) {
        return !b.build().equals(PathAttributes.EMPTY);
    }

    private static BgpWireException reset(int subcode, String why) {
        return new BgpWireException(NotificationCode.UPDATE_MESSAGE, subcode, why);
    }

    // ---- encoding ---------------------------------------------------------------------------

    /**
     * Writes an UPDATE body. IPv4 NLRI go after the attributes with NEXT_HOP; IPv6 NLRI go in
     * MP_REACH_NLRI with {@link PathAttributes#mpNextHop()}; IPv6 withdrawals in MP_UNREACH_NLRI.
     * A 2-octet peer gets AS_TRANS plus AS4_PATH / AS4_AGGREGATOR (RFC 6793 §4.2.2).
     */
    public static void encode(BgpMessage.Update u, ByteBuf out, boolean fourOctet) {
        int wStart = out.writerIndex();
        out.writeShort(0);
        for (Prefix p : u.withdrawn()) if (p.family() == AddressFamily.IPV4_UNICAST) p.write(out);
        out.setShort(wStart, out.writerIndex() - wStart - 2);
        int aStart = out.writerIndex();
        out.writeShort(0);
        writeAttributes(u.attributes(), u.mpNlri(), u.withdrawn(), out, fourOctet);
        out.setShort(aStart, out.writerIndex() - aStart - 2);
        for (Prefix p : u.nlri()) p.write(out);
    }

    /**
     * Path attributes in type-code order, MP_REACH_NLRI carrying {@code mpNlri} and MP_UNREACH_NLRI
     * the IPv6 entries of {@code withdrawn}; {@code a} may be null for a pure withdrawal.
     */
    public static void writeAttributes(PathAttributes a, List<Prefix> mpNlri, List<Prefix> withdrawn, ByteBuf out, boolean fourOctet) {
        for (AttributeType t : AttributeType.values()) {
            if (t == AttributeType.MP_REACH_NLRI && !mpNlri.isEmpty()) writeMpReach(a, mpNlri, out);
            if (t == AttributeType.MP_UNREACH_NLRI) writeMpUnreach(withdrawn, out);
            if (a == null) continue;
            if (t.present(a)) t.write(a, out, fourOctet);
            if (t == AttributeType.AS4_PATH && !fourOctet && a.asPath != null && a.asPath.needsAs4()) {
                int len = 0;
                for (int i = 0; i < a.asPath.segmentCount(); i++) len += 2 + 4 * a.asPath.segmentLength(i);
                AttributeType.writeHeader(out, t.flags, t.code, len);
                a.asPath.write(out, true);
            }
            if (t == AttributeType.AS4_AGGREGATOR && !fourOctet && a.aggregator != null && a.aggregator.asNumber() > 0xffff) {
                AttributeType.writeHeader(out, t.flags, t.code, 8);
                out.writeInt((int) a.aggregator.asNumber()).writeInt(a.aggregator.address());
            }
        }
        if (a == null) return;
        for (PathAttributes.RawAttribute r : a.unknown) {
            AttributeType.writeHeader(out, r.flags() & ~AttributeType.FLAG_EXTENDED_LENGTH, r.code(), r.value().length);
            out.writeBytes(r.value());
        }
    }

    private static void writeMpReach(PathAttributes a, List<Prefix> nlri, ByteBuf out) {
        AddressFamily f = nlri.get(0).family();
        byte[] nh = a.mpNextHop.getAddress();
        int len = 5 + nh.length;
        for (Prefix p : nlri) len += p.wireLength();
        AttributeType.writeHeader(out, AttributeType.MP_REACH_NLRI.flags, AttributeType.MP_REACH_NLRI.code, len);
        out.writeShort(f.afi).writeByte(f.safi).writeByte(nh.length).writeBytes(nh).writeByte(0);
        for (Prefix p : nlri) p.write(out);
    }

    private static void writeMpUnreach(List<Prefix> withdrawn, ByteBuf out) {
        int len = 3;
        boolean any = false;
        for (Prefix p : withdrawn) {
            if (p.family() == AddressFamily.IPV6_UNICAST) {
                len += p.wireLength();
                any = true;
            }
        }
        if (!any) return;
        AttributeType.writeHeader(out, AttributeType.MP_UNREACH_NLRI.flags, AttributeType.MP_UNREACH_NLRI.code, len);
        out.writeShort(AddressFamily.IPV6_UNICAST.afi).writeByte(AddressFamily.IPV6_UNICAST.safi);
        for (Prefix p : withdrawn) if (p.family() == AddressFamily.IPV6_UNICAST) p.write(out);
    }
}
