package ocelot.bgp.session;

/** RFC 4271 §8.2.2 states; names as BIRD and calicoctl print them. */
public enum SessionState {
    IDLE("Idle"),
    CONNECT("Connect"),
    ACTIVE("Active"),
    OPEN_SENT("OpenSent"),
    OPEN_CONFIRM("OpenConfirm"),
    ESTABLISHED("Established");

    public final String displayName;

    SessionState(String displayName) {
        this.displayName = displayName;
    }
}
