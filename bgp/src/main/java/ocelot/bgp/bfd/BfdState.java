package ocelot.bgp.bfd;

/** RFC 5880 §4.1 session states, by their wire code. */
public enum BfdState {
    ADMIN_DOWN(0), DOWN(1), INIT(2), UP(3);

    final int code;

    BfdState(int code) {
        this.code = code;
    }

    static BfdState of(int code) {
        return values()[code];
    }
}
