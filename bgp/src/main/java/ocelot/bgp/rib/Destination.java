package ocelot.bgp.rib;

import ocelot.bgp.wire.Prefix;

/**
 * All paths to one prefix and the best of them. Paths live in a small array: a Calico prefix
 * has one or two paths, and a million destinations must stay cheap.
 */
final class Destination {
    private static final Path[] NONE = new Path[0];

    final Prefix prefix;
    Path[] paths = NONE;
    Path best;
    BestPathReason reason;
    /** Queued in {@link Rib}'s dirty list since the last flush. */
    boolean dirty;
    /**
     * What each update group last advertised for this prefix, by the group's slot: the
     * Adj-RIBs-Out live here instead of in a map per group. Slot 0 has a field of its own, so
     * the common one-group case costs no extra object per route.
     */
    UpdateGroup.OutRoute advertised0;
    UpdateGroup.OutRoute[] advertisedMore;

    UpdateGroup.OutRoute advertised(int slot) {
        if (slot == 0) return advertised0;
        return advertisedMore == null || slot - 1 >= advertisedMore.length ? null : advertisedMore[slot - 1];
    }

    void advertise(int slot, UpdateGroup.OutRoute r) {
        if (slot == 0) {
            advertised0 = r;
            return;
        }
        if (advertisedMore == null || slot - 1 >= advertisedMore.length) {
            if (r == null) return;
            advertisedMore = java.util.Arrays.copyOf(advertisedMore == null ? new UpdateGroup.OutRoute[0] : advertisedMore, slot);
        }
        advertisedMore[slot - 1] = r;
    }

    Destination(Prefix prefix) {
        this.prefix = prefix;
    }

    /** Replaces the path from {@code p.source} (implicit withdraw, RFC 4271 §3.1). */
    void put(Path p) {
        for (int i = 0; i < paths.length; i++) {
            if (paths[i].source == p.source) {
                paths[i] = p;
                return;
            }
        }
        Path[] n = java.util.Arrays.copyOf(paths, paths.length + 1);
        n[paths.length] = p;
        paths = n;
    }

    Path remove(RibPeer source) {
        for (int i = 0; i < paths.length; i++) {
            if (paths[i].source == source) {
                Path old = paths[i];
                Path[] n = new Path[paths.length - 1];
                System.arraycopy(paths, 0, n, 0, i);
                System.arraycopy(paths, i + 1, n, i, paths.length - i - 1);
                paths = n;
                return old;
            }
        }
        return null;
    }

    Path pathFrom(RibPeer source) {
        for (Path p : paths) if (p.source == source) return p;
        return null;
    }

    /** Recomputes the best path; returns true when it changed (a different object). */
    boolean select() {
        Path old = best;
        if (paths.length == 0) {
            best = null;
            reason = null;
        } else if (paths.length == 1) {
            best = paths[0];
            reason = BestPathReason.ONLY_PATH;
        } else {
            BestPathReason[] why = new BestPathReason[1];
            BestPathReason decisive = null;
            Path b = paths[0];
            for (int i = 1; i < paths.length; i++) {
                if (DecisionProcess.compare(paths[i], b, why) < 0) {
                    b = paths[i];
                }
                decisive = why[0];
            }
            // The reason reported is the step that settled the last comparison against the winner.
            if (paths.length == 2) {
                DecisionProcess.compare(paths[0], paths[1], why);
                decisive = why[0];
            }
            best = b;
            reason = decisive;
        }
        return old != best;
    }
}
