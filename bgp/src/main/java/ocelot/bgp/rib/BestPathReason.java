package ocelot.bgp.rib;

/** Which RFC 4271 §9.1.2.2 step decided the best path (GoBGP's BestPathReason), for `node status` detail and tests. */
public enum BestPathReason {
    ONLY_PATH("only path"),
    LOCAL_PREF("higher LOCAL_PREF"),
    LOCAL_ORIGIN("locally originated"),
    AS_PATH_LENGTH("shorter AS_PATH"),
    ORIGIN("lower ORIGIN"),
    MED("lower MED"),
    EXTERNAL("eBGP over iBGP"),
    STALE("not stale (RFC 4724)"),
    ROUTER_ID("lower router id / ORIGINATOR_ID"),
    CLUSTER_LIST("shorter CLUSTER_LIST"),
    PEER_ADDRESS("lower peer address");

    public final String description;

    BestPathReason(String description) {
        this.description = description;
    }
}
