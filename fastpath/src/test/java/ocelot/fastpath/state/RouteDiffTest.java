package ocelot.fastpath.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import ocelot.fastpath.packet.Ipv4;

/** {@link RouteDiff} on the lists a churning BGP table gives: next hops replaced in place. */
class RouteDiffTest {
    static final NextHop.Via A = new NextHop.Via(Ipv4.parse("192.168.0.2"), "fabric");
    static final NextHop.Via B = new NextHop.Via(Ipv4.parse("192.168.0.3"), "fabric");

    /** A fib holding {@code routes} as published (the diff reads its key map and list). */
    private static Ipv4Fib published(List<Route> routes) {
        Ipv4Fib fib = new Ipv4Fib(new HopTable(16, 16), NodeAddress.of("192.168.0.10/24"), List.of());
        for (Route r : routes) fib.byKey.put(Ipv4Fib.key(r), new Ipv4Fib.Entry(r, 0));
        fib.routes = routes;
        fib.duplicateFree = fib.byKey.size() == routes.size();
        return fib;
    }

    private static List<Route> table(int n) {
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < n; i++) routes.add(new Route(0x0B00_0000 + (i << 6), 26, (i & 1) == 0 ? A : B));
        return routes;
    }

    @Test
    void nextHopsReplacedAcrossTheListAreExactlyTheUpserts() {
        List<Route> prev = table(1000);
        List<Route> next = new ArrayList<>(prev);
        // first, last and spread out: the trimmed window would be the whole list
        for (int i : new int[] {0, 1, 500, 998, 999}) next.set(i, new Route(prev.get(i).prefix(), 26, prev.get(i).nextHop() == A ? B : A));
        next.set(7, new Route(prev.get(7).prefix(), 26, prev.get(7).nextHop())); // equal by value, not by reference: no change
        RouteDiff d = RouteDiff.of(published(prev), next);
        assertEquals(List.of(), d.removed());
        assertEquals(List.of(next.get(0), next.get(1), next.get(500), next.get(998), next.get(999)), d.upserts());
    }

    @Test
    void aPrefixChangedInPlaceIsARemovalAndAnInsert() {
        List<Route> prev = table(100);
        List<Route> next = new ArrayList<>(prev);
        Route moved = new Route(0x0C00_0000, 24, A);
        next.set(40, moved);
        next.set(90, new Route(prev.get(90).prefix(), 26, A == prev.get(90).nextHop() ? B : A));
        RouteDiff d = RouteDiff.of(published(prev), next);
        assertEquals(List.of(Ipv4Fib.key(prev.get(40))), d.removed());
        assertEquals(List.of(moved, next.get(90)), d.upserts());
    }

    @Test
    void aPrefixSwappedToAnotherPlaceIsNoChange() {
        List<Route> prev = table(10);
        List<Route> next = new ArrayList<>(prev);
        next.set(2, prev.get(5));
        next.set(5, prev.get(2));
        RouteDiff d = RouteDiff.of(published(prev), next);
        assertEquals(List.of(), d.removed());
        assertEquals(List.of(), d.upserts());
    }
}
