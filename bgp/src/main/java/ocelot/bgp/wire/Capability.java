package ocelot.bgp.wire;

import io.netty.buffer.ByteBuf;

import java.util.Arrays;
import java.util.List;

/** Capabilities advertised in OPEN (RFC 5492), one record per kind this speaker understands. */
public sealed interface Capability {

    int code();

    void writeValue(ByteBuf out);

    /** RFC 4760 §8, code 1. */
    record Multiprotocol(AddressFamily family) implements Capability {
        public int code() {
            return 1;
        }

        public void writeValue(ByteBuf out) {
            out.writeShort(family.afi).writeByte(0).writeByte(family.safi);
        }
    }

    /** RFC 2918, code 2. */
    record RouteRefresh() implements Capability {
        public int code() {
            return 2;
        }

        public void writeValue(ByteBuf out) {
        }
    }

    /** RFC 8950 (was 5549), code 5: NLRI of {@code family} may carry a next hop of {@code nextHopAfi}. */
    record ExtendedNextHop(List<AddressFamily> families, int nextHopAfi) implements Capability {
        public ExtendedNextHop {
            families = List.copyOf(families);
        }

        public int code() {
            return 5;
        }

        public void writeValue(ByteBuf out) {
            for (AddressFamily f : families) {
                out.writeShort(f.afi).writeShort(f.safi).writeShort(nextHopAfi);
            }
        }
    }

    /**
     * RFC 4724 §3, code 64: the Restart State (R) bit, RFC 8538's Notification (N) bit, the restart
     * time, the families the sender does graceful restart for, and of those the ones whose
     * forwarding state it kept (F bit).
     */
    record GracefulRestart(boolean restarting, boolean notification, int restartTimeSeconds, List<AddressFamily> families,
                           List<AddressFamily> preserved) implements Capability {
        public GracefulRestart {
            if (restartTimeSeconds < 0 || restartTimeSeconds > 4095) {
                throw new IllegalArgumentException("graceful restart time " + restartTimeSeconds + " not in 0..4095");
            }
            families = List.copyOf(families);
            preserved = List.copyOf(preserved);
            if (!families.containsAll(preserved)) {
                throw new IllegalArgumentException("graceful restart: preserved families " + preserved + " not among " + families);
            }
        }

        /** Without RFC 8538's N bit. */
        public GracefulRestart(boolean restarting, int restartTimeSeconds, List<AddressFamily> families, List<AddressFamily> preserved) {
            this(restarting, false, restartTimeSeconds, families, preserved);
        }

        /** Every listed family with its forwarding state kept, without RFC 8538's N bit. */
        public GracefulRestart(boolean restarting, int restartTimeSeconds, List<AddressFamily> preserved) {
            this(restarting, false, restartTimeSeconds, preserved, preserved);
        }

        public int code() {
            return 64;
        }

        public void writeValue(ByteBuf out) {
            // Restart Flags: R (0x8), N (0x4, RFC 8538 §2), then the 12-bit restart time.
            out.writeShort((restarting ? 0x8000 : 0) | (notification ? 0x4000 : 0) | restartTimeSeconds);
            for (AddressFamily f : families) {
                out.writeShort(f.afi).writeByte(f.safi).writeByte(preserved.contains(f) ? 0x80 : 0);
            }
        }
    }

    /** RFC 6793 §3, code 65. */
    record FourOctetAs(long asNumber) implements Capability {
        public int code() {
            return 65;
        }

        public void writeValue(ByteBuf out) {
            out.writeInt((int) asNumber);
        }
    }

    /** Anything else: kept so it can be logged, never acted on (RFC 5492 §3: ignore unknown). */
    record Unknown(int code, byte[] value) implements Capability {
        public void writeValue(ByteBuf out) {
            out.writeBytes(value);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.code == code && Arrays.equals(u.value, value);
        }

        @Override
        public int hashCode() {
            return code * 31 + Arrays.hashCode(value);
        }
    }

    static Capability read(int code, ByteBuf v) {
        int len = v.readableBytes();
        switch (code) {
            case 1 -> {
                requireLength(code, len, len == 4);
                int afi = v.readUnsignedShort();
                v.skipBytes(1);
                int safi = v.readUnsignedByte();
                AddressFamily f = AddressFamily.of(afi, safi);
                return f == null ? new Unknown(code, bytes(v.resetReaderIndex())) : new Multiprotocol(f);
            }
            case 2 -> {
                requireLength(code, len, len == 0);
                return new RouteRefresh();
            }
            case 5 -> {
                requireLength(code, len, len % 6 == 0);
                List<AddressFamily> fams = new java.util.ArrayList<>();
                int nh = 2;
                while (v.isReadable()) {
                    AddressFamily f = AddressFamily.of(v.readUnsignedShort(), v.readUnsignedShort());
                    nh = v.readUnsignedShort();
                    if (f != null) fams.add(f);
                }
                return new ExtendedNextHop(fams, nh);
            }
            case 64 -> {
                requireLength(code, len, len >= 2 && (len - 2) % 4 == 0);
                int flags = v.readUnsignedShort();
                List<AddressFamily> fams = new java.util.ArrayList<>();
                List<AddressFamily> kept = new java.util.ArrayList<>();
                while (v.isReadable()) {
                    AddressFamily f = AddressFamily.of(v.readUnsignedShort(), v.readUnsignedByte());
                    int ff = v.readUnsignedByte();
                    if (f == null || fams.contains(f)) continue; // unknown family, or listed twice: first entry wins
                    fams.add(f);
                    if ((ff & 0x80) != 0) kept.add(f);
                }
                return new GracefulRestart((flags & 0x8000) != 0, (flags & 0x4000) != 0, flags & 0x0fff, fams, kept);
            }
            case 65 -> {
                requireLength(code, len, len == 4);
                return new FourOctetAs(v.readUnsignedInt());
            }
            default -> {
                return new Unknown(code, bytes(v));
            }
        }
    }

    private static void requireLength(int code, int len, boolean ok) {
        if (!ok) {
            // RFC 5492 gives no subcode for a malformed capability; BIRD and GoBGP send OPEN/0.
            throw new BgpWireException(NotificationCode.OPEN_MESSAGE, 0,
                    "capability " + code + " has malformed length " + len);
        }
    }

    private static byte[] bytes(ByteBuf v) {
        byte[] b = new byte[v.readableBytes()];
        v.readBytes(b);
        return b;
    }
}
