package ocelot.fastpath.state;

import java.util.List;

/** Checks on a state's pools and next hops that do not depend on what was published before. */
final class PoolCheck {
    private PoolCheck() {}

    /** Overlapping pools would make "outside every pool" and the NAT and IPIP decisions ambiguous. */
    static void refuseOverlaps(List<IpPool> pools) {
        for (int a = 0; a < pools.size(); a++) {
            for (int b = 0; b < a; b++) {
                if (pools.get(a).overlaps(pools.get(b))) throw new IllegalArgumentException("IP pool " + pools.get(a) + " overlaps IP pool " + pools.get(b));
            }
        }
    }
}
