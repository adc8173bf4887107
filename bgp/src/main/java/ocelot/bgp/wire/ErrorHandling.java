package ocelot.bgp.wire;

/**
 * What a malformed UPDATE costs, weakest first (GoBGP's ErrorHandling; RFC 7606 §2). The decoder
 * keeps the strongest action seen and keeps parsing, so one message yields one verdict.
 */
public enum ErrorHandling {
    NONE,
    /** RFC 7606 §2 "attribute discard": drop the attribute, keep the routes. */
    ATTRIBUTE_DISCARD,
    /** RFC 7606 §2 "treat-as-withdraw": every NLRI of the message becomes a withdrawal. */
    TREAT_AS_WITHDRAW,
    /** RFC 4760 §7 / RFC 7606 §7.11: drop the AFI/SAFI of the bad MP attribute. */
    AFI_SAFI_DISABLE,
    /** RFC 4271 §6: NOTIFICATION and close; only where RFC 7606 still requires it. */
    SESSION_RESET;

    public ErrorHandling max(ErrorHandling other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
