package ocelot.bgp.rib;

import ocelot.bgp.wire.PathAttributes;

import java.lang.ref.WeakReference;
import java.util.WeakHashMap;

/**
 * One {@link PathAttributes} object per distinct attribute set, as BIRD's rta cache
 * (nest/rt-attr.c): the thousand UPDATEs of a full-table load that carry equal attributes end up
 * sharing one object, and every path holding it is a pointer to it. Sharing also lets
 * {@link UpdateGroup} export each set once (it caches by identity). Entries go when no path
 * holds their attributes any more: the map's keys are weak, and the value is a weak reference
 * to the same object, so the cache itself keeps nothing alive. Single-threaded, like the RIB.
 */
final class AttributeCache {
    private final WeakHashMap<PathAttributes, WeakReference<PathAttributes>> sets = new WeakHashMap<>();
    private long hits;

    /** The shared object equal to {@code a} ({@code a} itself the first time). */
    PathAttributes intern(PathAttributes a) {
        WeakReference<PathAttributes> ref = sets.get(a);
        PathAttributes shared = ref == null ? null : ref.get();
        if (shared != null) {
            hits++;
            return shared;
        }
        sets.put(a, new WeakReference<>(a));
        return a;
    }

    /** Distinct attribute sets currently held (entries of collected sets may linger until the next access). */
    int size() {
        return sets.size();
    }

    long hits() {
        return hits;
    }
}
