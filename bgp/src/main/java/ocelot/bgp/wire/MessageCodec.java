package ocelot.bgp.wire;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Whole-message codec (RFC 4271 §4): the 19-octet header, OPEN, UPDATE (via {@link UpdateCodec}),
 * NOTIFICATION, KEEPALIVE, ROUTE-REFRESH. Stateless; what it needs about the session comes in
 * {@link CodecOptions}.
 */
public final class MessageCodec {
    public static final int HEADER_LENGTH = 19;
    public static final int MAX_LENGTH = 4096;

    private MessageCodec() {
    }

    /** Decodes one framed message (header included; {@link BgpFrameDecoder} has checked marker and length). */
    public static BgpMessage decode(ByteBuf frame, CodecOptions options, Set<AddressFamily> families) {
        frame.skipBytes(16);
        int length = frame.readUnsignedShort();
        int type = frame.readUnsignedByte();
        ByteBuf body = frame.readSlice(length - HEADER_LENGTH);
        return switch (type) {
            case BgpMessage.OPEN -> decodeOpen(body, length);
            case BgpMessage.UPDATE -> {
                requireLength(length, length >= 23);
                yield UpdateCodec.decode(body, options, families);
            }
            case BgpMessage.NOTIFICATION -> {
                requireLength(length, length >= 21);
                int code = body.readUnsignedByte();
                int subcode = body.readUnsignedByte();
                byte[] data = new byte[body.readableBytes()];
                body.readBytes(data);
                yield new BgpMessage.Notification(code, subcode, data);
            }
            case BgpMessage.KEEPALIVE -> {
                requireLength(length, length == HEADER_LENGTH);
                yield new BgpMessage.Keepalive();
            }
            case BgpMessage.ROUTE_REFRESH -> {
                requireLength(length, length == 23);
                int afi = body.readUnsignedShort();
                body.skipBytes(1);
                int safi = body.readUnsignedByte();
                // RFC 2918 §4: a ROUTE-REFRESH for an AFI/SAFI we do not carry is ignored (null family).
                yield new BgpMessage.RouteRefresh(AddressFamily.of(afi, safi));
            }
            default -> throw new BgpWireException(NotificationCode.MESSAGE_HEADER, NotificationCode.HEADER_BAD_TYPE,
                    new byte[]{(byte) type}, "message type " + type + " is not defined");
        };
    }

    /** RFC 4271 §6.1: a length not allowed for the type is a header error carrying the length. */
    private static void requireLength(int length, boolean ok) {
        if (!ok) {
            throw new BgpWireException(NotificationCode.MESSAGE_HEADER, NotificationCode.HEADER_BAD_LENGTH,
                    new byte[]{(byte) (length >>> 8), (byte) length}, "bad message length " + length + " for its type");
        }
    }

    private static BgpMessage.Open decodeOpen(ByteBuf body, int length) {
        requireLength(length, length >= 29);
        int version = body.readUnsignedByte();
        if (version != 4) {
            // RFC 4271 §6.2: data is the largest version we support.
            throw new BgpWireException(NotificationCode.OPEN_MESSAGE, NotificationCode.OPEN_UNSUPPORTED_VERSION,
                    new byte[]{0, 4}, "BGP version " + version + " not supported");
        }
        long as = body.readUnsignedShort();
        int hold = body.readUnsignedShort();
        if (hold == 1 || hold == 2) {
            throw new BgpWireException(NotificationCode.OPEN_MESSAGE, NotificationCode.OPEN_UNACCEPTABLE_HOLD_TIME,
                    "hold time " + hold + " s (must be 0 or at least 3, RFC 4271 §4.2)");
        }
        int id = body.readInt();
        int optLen = body.readUnsignedByte();
        if (optLen != body.readableBytes()) {
            throw new BgpWireException(NotificationCode.OPEN_MESSAGE, 0,
                    "optional parameters length " + optLen + " but " + body.readableBytes() + " octets follow");
        }
        List<Capability> caps = new ArrayList<>();
        while (body.isReadable()) {
            if (body.readableBytes() < 2) throw malformedOpen("truncated optional parameter");
            int paramType = body.readUnsignedByte();
            int paramLen = body.readUnsignedByte();
            if (paramLen > body.readableBytes()) throw malformedOpen("optional parameter length " + paramLen + " overruns");
            ByteBuf param = body.readSlice(paramLen);
            if (paramType != 2) {
                throw new BgpWireException(NotificationCode.OPEN_MESSAGE, NotificationCode.OPEN_UNSUPPORTED_PARAMETER,
                        "optional parameter type " + paramType + " (only capabilities, type 2, are supported)");
            }
            while (param.isReadable()) {
                if (param.readableBytes() < 2) throw malformedOpen("truncated capability");
                int code = param.readUnsignedByte();
                int capLen = param.readUnsignedByte();
                if (capLen > param.readableBytes()) throw malformedOpen("capability " + code + " length " + capLen + " overruns");
                caps.add(Capability.read(code, param.readSlice(capLen)));
            }
        }
        for (Capability c : caps) {
            if (c instanceof Capability.FourOctetAs f) {
                as = f.asNumber();
            }
        }
        if (id == 0) {
            throw new BgpWireException(NotificationCode.OPEN_MESSAGE, NotificationCode.OPEN_BAD_BGP_IDENTIFIER,
                    "BGP identifier 0.0.0.0");
        }
        return new BgpMessage.Open(version, as, hold, id, caps);
    }

    private static BgpWireException malformedOpen(String what) {
        return new BgpWireException(NotificationCode.OPEN_MESSAGE, 0, "OPEN: " + what);
    }

    /** Encodes a whole message, header included. */
    public static void encode(BgpMessage m, ByteBuf out, boolean fourOctet) {
        int start = out.writerIndex();
        out.writeLong(-1L).writeLong(-1L).writeShort(0).writeByte(m.type());
        switch (m) {
            case BgpMessage.Open o -> {
                out.writeByte(o.version());
                out.writeShort(o.asNumber() > 0xffff ? AsPath.AS_TRANS : (int) o.asNumber());
                out.writeShort(o.holdTimeSeconds()).writeInt(o.bgpIdentifier());
                int optStart = out.writerIndex();
                out.writeByte(0);
                if (!o.capabilities().isEmpty()) {
                    // One parameter per capability, as BIRD and FRR send them (RFC 5492 §4 allows either).
                    for (Capability c : o.capabilities()) {
                        int paramStart = out.writerIndex();
                        out.writeByte(2).writeByte(0).writeByte(c.code()).writeByte(0);
                        c.writeValue(out);
                        int capLen = out.writerIndex() - paramStart - 4;
                        out.setByte(paramStart + 3, capLen);
                        out.setByte(paramStart + 1, capLen + 2);
                    }
                }
                out.setByte(optStart, out.writerIndex() - optStart - 1);
            }
            case BgpMessage.Update u -> UpdateCodec.encode(u, out, fourOctet);
            case BgpMessage.Notification n -> out.writeByte(n.code()).writeByte(n.subcode()).writeBytes(n.data());
            case BgpMessage.Keepalive k -> {
            }
            case BgpMessage.RouteRefresh r -> {
                if (r.family() == null) throw new IllegalArgumentException("ROUTE-REFRESH without a family");
                out.writeShort(r.family().afi).writeByte(0).writeByte(r.family().safi);
            }
        }
        int len = out.writerIndex() - start;
        if (len > MAX_LENGTH) {
            throw new IllegalArgumentException("encoded " + m.getClass().getSimpleName() + " is " + len + " octets > 4096");
        }
        out.setShort(start + 16, len);
    }

    public static Set<AddressFamily> allFamilies() {
        return EnumSet.allOf(AddressFamily.class);
    }
}
