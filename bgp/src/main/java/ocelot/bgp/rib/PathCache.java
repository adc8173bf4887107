package ocelot.bgp.rib;

import ocelot.bgp.wire.PathAttributes;

import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.util.Objects;
import java.util.WeakHashMap;

/**
 * One peer's shared {@link Path} objects, one per attribute set and next hop (BIRD shares its
 * rta the same way; a route there is an rte pointing at it). Looked up once per UPDATE, not per
 * prefix. Like {@link AttributeCache} it keeps nothing alive: the keys are the interned attribute
 * sets, held weakly, and the values weak references to paths that destinations hold; when no
 * destination holds a path, it and its entry go. Single-threaded, like the RIB.
 */
final class PathCache {
    /** Paths whose next hop is the attribute set's NEXT_HOP (IPv4 NLRI, local routes). */
    private final WeakHashMap<PathAttributes, WeakReference<Path>> byNextHop = new WeakHashMap<>();
    /** Paths whose next hop is MP_REACH_NLRI's (RFC 4760). */
    private final WeakHashMap<PathAttributes, WeakReference<Path>> byMpNextHop = new WeakHashMap<>();

    /** The fresh path from {@code source} with {@code attributes} (interned) and {@code nextHop}. */
    Path path(RibPeer source, PathAttributes attributes, InetAddress nextHop) {
        WeakHashMap<PathAttributes, WeakReference<Path>> map =
                Objects.equals(nextHop, attributes.nextHop()) ? byNextHop : byMpNextHop;
        WeakReference<Path> ref = map.get(attributes);
        Path p = ref == null ? null : ref.get();
        if (p != null && p.attributes == attributes && Objects.equals(p.nextHop, nextHop)) return p;
        p = new Path(source, attributes, nextHop);
        map.put(attributes, new WeakReference<>(p));
        return p;
    }

    /** Cached attribute sets (collected ones may linger until the next access). */
    int size() {
        return byNextHop.size() + byMpNextHop.size();
    }
}
