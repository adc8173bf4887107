package ocelot.bgp.rib;

import io.netty.buffer.ByteBuf;
import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.Prefix;

/**
 * All paths to one prefix and the best of them. A Calico prefix has one or two paths, and a
 * million destinations must stay cheap: one path is held directly, more in a small array, and
 * the prefix itself is three primitive fields rather than a {@link Prefix} object (one object
 * less per route for young GC to copy; the 1M transit's live set was Prefix + Path + Destination).
 * An IPv4 destination has no field for the upper 64 bits: 40 octets instead of 48 with compact
 * headers (8 MB per million routes); IPv6 ones are {@link Ipv6}, which adds it.
 */
sealed class Destination permits Destination.Ipv6 {
    /** The prefix: IPv4 addresses in the low 32 bits of {@code low}; host bits zero. */
    final long low;
    final byte length;
    final boolean v6;
    /**
     * The paths: null, one {@link Path}, or a {@code Path[]} of two or more. A transit table is
     * almost all single-path destinations, and a Path[1] per route was a million more objects
     * for young GC to copy (1M transit: the GC pauses are most of what separates us from BIRD).
     */
    private Object paths;
    Path best;
    /**
     * Why {@link #best} won, as {@link BestPathReason}'s ordinal (-1: no best): a byte instead of
     * a reference keeps the object at 48 octets (compact headers) with {@link #advertised1}.
     */
    private byte reasonOrdinal = -1;
    private static final BestPathReason[] REASONS = BestPathReason.values();
    /** Queued in {@link Rib}'s dirty list since the last flush. */
    boolean dirty;
    /**
     * What each update group last advertised for this prefix, by the group's slot: the
     * Adj-RIBs-Out live here instead of in a map per group. Slots 0 and 1 have fields of their
     * own, so one or two groups (a transit: the receiving peer's and the sending peer's; a node
     * with its mesh and one reflector pair) cost no extra object per route: with slot 1 in an
     * array the 1M transit allocated a million 24-octet arrays.
     */
    UpdateGroup.OutRoute advertised0;
    UpdateGroup.OutRoute advertised1;
    UpdateGroup.OutRoute[] advertisedMore;

    UpdateGroup.OutRoute advertised(int slot) {
        if (slot == 0) return advertised0;
        if (slot == 1) return advertised1;
        return advertisedMore == null || slot - 2 >= advertisedMore.length ? null : advertisedMore[slot - 2];
    }

    void advertise(int slot, UpdateGroup.OutRoute r) {
        if (slot == 0) {
            advertised0 = r;
            return;
        }
        if (slot == 1) {
            advertised1 = r;
            return;
        }
        if (advertisedMore == null || slot - 2 >= advertisedMore.length) {
            if (r == null) return;
            advertisedMore = java.util.Arrays.copyOf(advertisedMore == null ? new UpdateGroup.OutRoute[0] : advertisedMore, slot - 1);
        }
        advertisedMore[slot - 2] = r;
    }

    BestPathReason reason() {
        return reasonOrdinal < 0 ? null : REASONS[reasonOrdinal];
    }

    /** An IPv6 destination: the prefix's upper 64 bits besides {@link #low}. */
    static final class Ipv6 extends Destination {
        private final long high;

        private Ipv6(long high, long low, int length) {
            super(true, low, length);
            this.high = high;
        }

        @Override
        long high() {
            return high;
        }
    }

    private Destination(boolean v6, long low, int length) {
        this.v6 = v6;
        this.low = low;
        this.length = (byte) length;
    }

    /** {@code high} must be 0 for IPv4 (as {@link Prefix#ipv4} and {@code PrefixList} give it). */
    static Destination of(boolean v6, long high, long low, int length) {
        if (!v6 && high != 0) throw new IllegalArgumentException("IPv4 destination with upper address bits " + Long.toHexString(high));
        return v6 ? new Ipv6(high, low, length) : new Destination(false, low, length);
    }

    static Destination of(Prefix p) {
        return of(p.family() == AddressFamily.IPV6_UNICAST, p.high(), p.low(), p.length());
    }

    /** The prefix's upper 64 bits (IPv6); 0 for IPv4. */
    long high() {
        return 0;
    }

    AddressFamily family() {
        return v6 ? AddressFamily.IPV6_UNICAST : AddressFamily.IPV4_UNICAST;
    }

    int prefixLength() {
        return length & 0xff;
    }

    /** A new Prefix object: for the FIB's IPv6 side, queries and tests, not for the per-route paths. */
    Prefix prefix() {
        return new Prefix(family(), high(), low, prefixLength());
    }

    boolean is(boolean v6, long high, long low, int length) {
        return this.low == low && this.v6 == v6 && prefixLength() == length && high() == high;
    }

    /** RFC 4271 §4.3 NLRI encoding, as {@link Prefix#write}. */
    int wireLength() {
        return 1 + ((prefixLength() + 7) >>> 3);
    }

    /** IPv4 or IPv6 NLRI into {@code out} at {@code pos}; returns the position after it. */
    int writeNlri(byte[] out, int pos) {
        long high = high();
        int len = prefixLength();
        int bytes = (len + 7) >>> 3;
        out[pos++] = (byte) len;
        for (int i = 0; i < bytes; i++) {
            out[pos++] = v6 ? (byte) ((i < 8 ? high : low) >>> (56 - 8 * (i & 7))) : (byte) ((int) low >>> (24 - 8 * i));
        }
        return pos;
    }

    void writeNlri(ByteBuf out) {
        if (v6) {
            prefix().write(out); // IPv6 is rare in a Calico table
            return;
        }
        int len = prefixLength();
        int bytes = (len + 7) >>> 3;
        int a = (int) low;
        out.writeByte(len);
        if (bytes == 4) {
            out.writeInt(a); // a /25../32 (Calico endpoints): one write
            return;
        }
        for (int i = 0; i < bytes; i++) out.writeByte(a >>> (24 - 8 * i));
    }

    int pathCount() {
        return paths == null ? 0 : paths instanceof Path ? 1 : ((Path[]) paths).length;
    }

    Path path(int i) {
        return paths instanceof Path p ? p : ((Path[]) paths)[i];
    }

    java.util.List<Path> pathList() {
        return paths == null ? java.util.List.of() : paths instanceof Path p ? java.util.List.of(p) : java.util.List.of((Path[]) paths);
    }

    /** Replaces the path from {@code p.source} (implicit withdraw, RFC 4271 §3.1). */
    void put(Path p) {
        if (paths == null) {
            paths = p;
            return;
        }
        if (paths instanceof Path only) {
            paths = only.source == p.source ? p : new Path[]{only, p};
            return;
        }
        Path[] ps = (Path[]) paths;
        for (int i = 0; i < ps.length; i++) {
            if (ps[i].source == p.source) {
                ps[i] = p;
                return;
            }
        }
        Path[] n = java.util.Arrays.copyOf(ps, ps.length + 1);
        n[ps.length] = p;
        paths = n;
    }

    Path remove(RibPeer source) {
        if (paths == null) return null;
        if (paths instanceof Path only) {
            if (only.source != source) return null;
            paths = null;
            return only;
        }
        Path[] ps = (Path[]) paths;
        for (int i = 0; i < ps.length; i++) {
            if (ps[i].source == source) {
                Path old = ps[i];
                if (ps.length == 2) {
                    paths = ps[1 - i];
                } else {
                    Path[] n = new Path[ps.length - 1];
                    System.arraycopy(ps, 0, n, 0, i);
                    System.arraycopy(ps, i + 1, n, i, ps.length - i - 1);
                    paths = n;
                }
                return old;
            }
        }
        return null;
    }

    Path pathFrom(RibPeer source) {
        if (paths instanceof Path only) return only.source == source ? only : null;
        if (paths == null) return null;
        for (Path p : (Path[]) paths) if (p.source == source) return p;
        return null;
    }

    /** Recomputes the best path; returns true when it changed (a different object). */
    boolean select() {
        return select(java.util.Set.of());
    }

    /**
     * Recomputes the best path among the paths whose next hop is not in {@code unreachable}
     * (RFC 4271 §9.1.2: a route whose NEXT_HOP is unresolvable is excluded from the decision; here,
     * a neighbour whose BFD session went down); returns true when it changed (a different object).
     */
    boolean select(java.util.Set<java.net.InetAddress> unreachable) {
        Path old = best;
        int n = pathCount();
        if (!unreachable.isEmpty()) {
            Path b = null;
            int usable = 0;
            BestPathReason[] why = new BestPathReason[1];
            BestPathReason decisive = BestPathReason.ONLY_PATH;
            for (int i = 0; i < n; i++) {
                Path p = path(i);
                if (p.nextHop != null && unreachable.contains(p.nextHop)) continue;
                usable++;
                if (b == null) {
                    b = p;
                } else {
                    int c = DecisionProcess.compare(p, b, why);
                    decisive = why[0];
                    if (c < 0) b = p;
                }
            }
            best = b;
            reasonOrdinal = b == null ? -1 : (byte) (usable == 1 ? BestPathReason.ONLY_PATH : decisive).ordinal();
            return old != best;
        }
        if (n == 0) {
            best = null;
            reasonOrdinal = -1;
        } else if (n == 1) {
            best = path(0);
            reasonOrdinal = (byte) BestPathReason.ONLY_PATH.ordinal();
        } else {
            Path[] ps = (Path[]) paths;
            BestPathReason[] why = new BestPathReason[1];
            BestPathReason decisive = null;
            Path b = ps[0];
            for (int i = 1; i < ps.length; i++) {
                if (DecisionProcess.compare(ps[i], b, why) < 0) {
                    b = ps[i];
                }
                decisive = why[0];
            }
            // The reason reported is the step that settled the last comparison against the winner.
            if (ps.length == 2) {
                DecisionProcess.compare(ps[0], ps[1], why);
                decisive = why[0];
            }
            best = b;
            reasonOrdinal = decisive == null ? -1 : (byte) decisive.ordinal();
        }
        return old != best;
    }
}
