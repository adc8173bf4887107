package ocelot.bgp.wire;

/**
 * A message fault the session must answer with a NOTIFICATION and a close (RFC 4271 §6).
 * The text names the field and the offending value; {@code data} is what RFC 4271 puts in the
 * NOTIFICATION's data field for that subcode.
 */
public final class BgpWireException extends RuntimeException {
    private final int code;
    private final int subcode;
    private final byte[] data;

    public BgpWireException(int code, int subcode, byte[] data, String message) {
        super(message);
        this.code = code;
        this.subcode = subcode;
        this.data = data == null ? new byte[0] : data.clone();
    }

    public BgpWireException(int code, int subcode, String message) {
        this(code, subcode, null, message);
    }

    public int code() {
        return code;
    }

    public int subcode() {
        return subcode;
    }

    public byte[] data() {
        return data.clone();
    }

    public BgpMessage.Notification toNotification() {
        return new BgpMessage.Notification(code, subcode, data);
    }
}
