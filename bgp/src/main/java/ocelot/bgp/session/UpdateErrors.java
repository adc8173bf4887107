package ocelot.bgp.session;

/**
 * One peer's UPDATE errors since the speaker started (RFC 7606 §2 actions, per UPDATE by its
 * strongest verdict): what the node exports as metrics. Counts survive session resets.
 */
public record UpdateErrors(long attributeDiscards, long treatAsWithdraws, long sessionResets) {
    public static final UpdateErrors NONE = new UpdateErrors(0, 0, 0);

    public long total() {
        return attributeDiscards + treatAsWithdraws + sessionResets;
    }
}
