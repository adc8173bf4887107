package ocelot.fastpath.state;

import java.util.ArrayList;
import java.util.List;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

/**
 * The route changes between the published list and the next: keys (prefix and length) whose
 * route goes, and routes to insert (new or changed; a later route with the same prefix wins, as
 * a whole compile would have it). A control plane that keeps its list in a stable order and
 * changes a few routes costs a walk of equal heads and tails (reference or value equality) plus
 * the changed window; otherwise every route is looked up once.
 */
record RouteDiff(List<Long> removed, List<Route> upserts) {
    static final RouteDiff NONE = new RouteDiff(List.of(), List.of());

    static RouteDiff of(Ipv4Fib fib, List<Route> next) {
        List<Route> prev = fib.routes;
        if (prev == next) return NONE;
        if (fib.duplicateFree && prev.size() == next.size()) {
            RouteDiff d = aligned(prev, next);
            if (d != null) return d;
        }
        if (fib.duplicateFree) {
            int lo = 0, max = Math.min(prev.size(), next.size());
            while (lo < max && same(prev.get(lo), next.get(lo))) lo++;
            int hiO = prev.size(), hiN = next.size();
            while (hiO > lo && hiN > lo && same(prev.get(hiO - 1), next.get(hiN - 1))) {
                hiO--;
                hiN--;
            }
            RouteDiff d = window(fib, prev.subList(lo, hiO), next.subList(lo, hiN), true);
            if (d != null) return d;
        }
        return window(fib, prev, next, false);
    }

    /**
     * Lists of one length whose routes differ only in next hops, position by position (a control
     * plane that keeps its routes in a stable order and had routes replaced, as BGP churn does):
     * the changed routes as upserts, from one walk without hashing; null at the first position
     * whose prefix differs. Changes spread over a 1M-route list made the trimmed window the whole
     * list (two hash sets of 1M keys: ~0.5 s CPU per publish).
     */
    private static RouteDiff aligned(List<Route> prev, List<Route> next) {
        List<Route> upserts = new ArrayList<>();
        for (int i = 0, n = prev.size(); i < n; i++) {
            Route a = prev.get(i), b = next.get(i);
            if (a == b) continue;
            if (a.prefix() != b.prefix() || a.length() != b.length()) return null;
            if (!a.equals(b)) upserts.add(b);
        }
        // the old list had no duplicate prefix, the new one has the same prefixes in the same places
        return upserts.isEmpty() ? NONE : new RouteDiff(List.of(), upserts);
    }

    private static boolean same(Route a, Route b) { return a == b || a.equals(b); }

    /**
     * The diff of an old and a new window of the lists. Trimmed (the rest of both lists equal and
     * the old list without duplicate prefixes): null if a new route's prefix also sits in the
     * equal part, which only the whole lists can sort out.
     */
    private static RouteDiff window(Ipv4Fib fib, List<Route> old, List<Route> neu, boolean trimmed) {
        Long2ObjectHashMap<Route> last = new Long2ObjectHashMap<>();
        for (Route r : neu) last.put(Ipv4Fib.key(r), r);
        LongHashSet oldKeys = new LongHashSet();
        List<Long> removed = new ArrayList<>();
        for (Route r : old) {
            long k = Ipv4Fib.key(r);
            if (oldKeys.add(k) && !last.containsKey(k)) removed.add(k);
        }
        List<Route> upserts = new ArrayList<>();
        for (Route r : neu) {
            long k = Ipv4Fib.key(r);
            Ipv4Fib.Entry e = fib.byKey.get(k);
            if (trimmed && e != null && !oldKeys.contains(k)) return null;
            if (last.get(k) != r) continue; // an earlier duplicate: the last one wins
            if (e == null || !e.route.equals(r)) upserts.add(r);
        }
        return new RouteDiff(removed, upserts);
    }
}
