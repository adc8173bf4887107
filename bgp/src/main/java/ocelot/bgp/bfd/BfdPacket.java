package ocelot.bgp.bfd;

/**
 * A BFD Control packet (RFC 5880 §4.1), without authentication:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Vers |  Diag   |Sta|P|F|C|A|D|M|  Detect Mult  |    Length     |
 * |                       My Discriminator                        |
 * |                      Your Discriminator                       |
 * |                    Desired Min TX Interval                    |
 * |                   Required Min RX Interval                    |
 * |                 Required Min Echo RX Interval                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Intervals in microseconds. {@link #decode} applies the checks of §6.8.6 that need no session
 * and names the first that fails.
 */
public record BfdPacket(int diag, BfdState state, boolean poll, boolean fin, boolean demand, int detectMult,
                        int myDiscriminator, int yourDiscriminator, long desiredMinTxMicros, long requiredMinRxMicros) {
    public static final int VERSION = 1;
    public static final int LENGTH = 24;
    static final int P = 0x20, F = 0x10, C = 0x08, A = 0x04, D = 0x02, M = 0x01;

    public byte[] encode() {
        byte[] b = new byte[LENGTH];
        b[0] = (byte) (VERSION << 5 | (diag & 0x1f));
        b[1] = (byte) (state.code << 6 | (poll ? P : 0) | (fin ? F : 0) | (demand ? D : 0));
        b[2] = (byte) detectMult;
        b[3] = LENGTH;
        putInt(b, 4, myDiscriminator);
        putInt(b, 8, yourDiscriminator);
        putInt(b, 12, (int) desiredMinTxMicros);
        putInt(b, 16, (int) requiredMinRxMicros);
        putInt(b, 20, 0); // no Echo function (RFC 5880 §6.8.3: 0 = not supported)
        return b;
    }

    /** A valid packet, or an {@link IllegalArgumentException} naming the §6.8.6 check that failed. */
    public static BfdPacket decode(byte[] b, int length) {
        if (length < LENGTH) throw new IllegalArgumentException("BFD packet of " + length + " octets, shorter than 24");
        int version = (b[0] & 0xff) >>> 5;
        if (version != VERSION) throw new IllegalArgumentException("BFD version " + version + ", not 1");
        int declared = b[3] & 0xff;
        if (declared < LENGTH || declared > length) {
            throw new IllegalArgumentException("BFD Length field " + declared + " (packet " + length + " octets)");
        }
        int flags = b[1] & 0x3f;
        if ((flags & A) != 0) throw new IllegalArgumentException("BFD authentication present, none configured");
        if ((flags & M) != 0) throw new IllegalArgumentException("BFD Multipoint bit set");
        int mult = b[2] & 0xff;
        if (mult == 0) throw new IllegalArgumentException("BFD Detect Mult 0");
        int my = getInt(b, 4);
        if (my == 0) throw new IllegalArgumentException("BFD My Discriminator 0");
        return new BfdPacket(b[0] & 0x1f, BfdState.of((b[1] & 0xff) >>> 6), (flags & P) != 0, (flags & F) != 0,
                (flags & D) != 0, mult, my, getInt(b, 8), getInt(b, 12) & 0xffffffffL, getInt(b, 16) & 0xffffffffL);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
