package ocelot.bgp.rib;

import java.util.Arrays;

/**
 * The RFC 4271 §9.1.2.2 tie-breaking between two paths, plus RFC 4456 §9 and a final
 * deterministic step on peer address so the result never depends on arrival order.
 */
final class DecisionProcess {
    private DecisionProcess() {
    }

    /** Negative when {@code a} is better; the reason is written to {@code why[0]}. */
    static int compare(Path a, Path b, BestPathReason[] why) {
        int c;
        if ((c = Long.compare(b.localPref(), a.localPref())) != 0) return decided(c, BestPathReason.LOCAL_PREF, why);
        if ((c = Boolean.compare(b.source.isLocal(), a.source.isLocal())) != 0) return decided(c, BestPathReason.LOCAL_ORIGIN, why);
        if ((c = Integer.compare(pathLength(a), pathLength(b))) != 0) return decided(c, BestPathReason.AS_PATH_LENGTH, why);
        if ((c = Integer.compare(origin(a), origin(b))) != 0) return decided(c, BestPathReason.ORIGIN, why);
        // §9.1.2.2 c: MED only between paths from the same neighbouring AS; absent MED is 0 (RFC 4271 default).
        if (neighbourAs(a) == neighbourAs(b)) {
            if ((c = Long.compare(Math.max(0, a.attributes.med()), Math.max(0, b.attributes.med()))) != 0) {
                return decided(c, BestPathReason.MED, why);
            }
        }
        if ((c = Boolean.compare(a.source.internal, b.source.internal)) != 0) return decided(c, BestPathReason.EXTERNAL, why);
        // RFC 4724 §4.2 suggests preferring fresh over stale paths while a peer restarts.
        if ((c = Boolean.compare(a.stale, b.stale)) != 0) return decided(c, BestPathReason.STALE, why);
        if ((c = Long.compare(a.identifier(), b.identifier())) != 0) return decided(c, BestPathReason.ROUTER_ID, why);
        if ((c = Integer.compare(a.attributes.clusterListLength(), b.attributes.clusterListLength())) != 0) {
            return decided(c, BestPathReason.CLUSTER_LIST, why);
        }
        c = Arrays.compareUnsigned(address(a), address(b));
        if (c == 0) c = Integer.compare(a.source.id, b.source.id);
        return decided(c, BestPathReason.PEER_ADDRESS, why);
    }

    /**
     * Whether {@code p} may share the forwarding of {@code best} as an equal-cost path (BIRD's
     * {@code merge paths}, FRR's {@code maximum-paths}): the same steps up to and including eBGP
     * over iBGP (LOCAL_PREF, AS_PATH length, ORIGIN, MED where compared), both fresh or both
     * stale, neither originated here; only the tie-breakers after that (router id, CLUSTER_LIST,
     * peer address) may differ. The neighbouring AS may differ, as in BIRD (FRR's
     * {@code bgp bestpath as-path multipath-relax}).
     */
    static boolean multipathEqual(Path best, Path p) {
        if (best.source.isLocal() || p.source.isLocal() || best.stale != p.stale) return false;
        BestPathReason[] why = new BestPathReason[1];
        compare(best, p, why);
        return why[0].ordinal() > BestPathReason.STALE.ordinal();
    }

    private static int decided(int c, BestPathReason r, BestPathReason[] why) {
        why[0] = r;
        return c;
    }

    private static int pathLength(Path p) {
        return p.attributes.asPath() == null ? 0 : p.attributes.asPath().length();
    }

    private static int origin(Path p) {
        return Math.max(0, p.attributes.origin());
    }

    private static long neighbourAs(Path p) {
        return p.attributes.asPath() == null ? 0 : p.attributes.asPath().firstAs();
    }

    private static byte[] address(Path p) {
        return p.source.address == null ? new byte[0] : p.source.address.getAddress();
    }
}
