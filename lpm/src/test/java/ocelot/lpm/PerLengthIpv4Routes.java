package ocelot.lpm;

import java.util.HashMap;
import java.util.Map;

/**
 * Brute-force longest match that scales to differential runs of millions of lookups: one
 * exact-match map per length, a lookup tries every length from 32 down. Obviously correct,
 * and checked against {@link LinearIpv4Routes} by the same contract.
 */
final class PerLengthIpv4Routes implements Ipv4Routes {
    private final int maxNextHops;
    @SuppressWarnings("unchecked")
    private final Map<Integer, Integer>[] byLength = new Map[33];
    private int size;

    PerLengthIpv4Routes(int maxNextHops) {
        this.maxNextHops = maxNextHops;
        for (int l = 0; l <= 32; l++) byLength[l] = new HashMap<>();
    }

    private static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    @Override
    public void insert(int prefix, int length, int nextHop) {
        Ipv4RouteTable.checkPrefix(prefix, length);
        if (nextHop < 0 || nextHop >= maxNextHops) throw new IllegalArgumentException("next hop " + nextHop);
        if (byLength[length].put(prefix, nextHop) == null) size++;
    }

    @Override
    public boolean delete(int prefix, int length) {
        Ipv4RouteTable.checkPrefix(prefix, length);
        if (byLength[length].remove(prefix) == null) return false;
        size--;
        return true;
    }

    @Override
    public int get(int prefix, int length) {
        Ipv4RouteTable.checkPrefix(prefix, length);
        return byLength[length].getOrDefault(prefix, NO_ROUTE);
    }

    @Override
    public int lookup(int address) {
        for (int l = 32; l >= 0; l--) {
            if (byLength[l].isEmpty()) continue;
            Integer hop = byLength[l].get(address & mask(l));
            if (hop != null) return hop;
        }
        return NO_ROUTE;
    }

    @Override
    public void lookupBatch(int[] addresses, int[] nextHops, int n) {
        for (int i = 0; i < n; i++) nextHops[i] = lookup(addresses[i]);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void forEach(Ipv4RouteConsumer consumer) {
        for (int l = 0; l <= 32; l++) {
            for (var e : Map.copyOf(byLength[l]).entrySet()) consumer.accept(e.getKey(), l, e.getValue());
        }
    }
}
