package ocelot.lpm;

import java.util.HashMap;
import java.util.Map;

/** IPv6 twin of {@link PerLengthIpv4Routes}: one exact-match map per length 0..128. */
final class PerLengthIpv6Routes implements Ipv6Routes {
    private record Key(long hi, long lo) {}

    private final int maxNextHops;
    @SuppressWarnings("unchecked")
    private final Map<Key, Integer>[] byLength = new Map[129];
    private int size;

    PerLengthIpv6Routes(int maxNextHops) {
        this.maxNextHops = maxNextHops;
        for (int l = 0; l <= 128; l++) byLength[l] = new HashMap<>();
    }

    @Override
    public void insert(long hi, long lo, int length, int nextHop) {
        Ipv6RouteTable.checkPrefix(hi, lo, length);
        if (nextHop < 0 || nextHop >= maxNextHops) throw new IllegalArgumentException("next hop " + nextHop);
        if (byLength[length].put(new Key(hi, lo), nextHop) == null) size++;
    }

    @Override
    public boolean delete(long hi, long lo, int length) {
        Ipv6RouteTable.checkPrefix(hi, lo, length);
        if (byLength[length].remove(new Key(hi, lo)) == null) return false;
        size--;
        return true;
    }

    @Override
    public int get(long hi, long lo, int length) {
        Ipv6RouteTable.checkPrefix(hi, lo, length);
        return byLength[length].getOrDefault(new Key(hi, lo), NO_ROUTE);
    }

    @Override
    public int lookup(long hi, long lo) {
        for (int l = 128; l >= 0; l--) {
            if (byLength[l].isEmpty()) continue;
            Integer hop = byLength[l].get(new Key(hi & Ipv6RouteTable.hiMask(l), lo & Ipv6RouteTable.loMask(l)));
            if (hop != null) return hop;
        }
        return NO_ROUTE;
    }

    @Override
    public void lookupBatch(long[] hi, long[] lo, int[] nextHops, int n) {
        for (int i = 0; i < n; i++) nextHops[i] = lookup(hi[i], lo[i]);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void forEach(Ipv6RouteConsumer consumer) {
        for (int l = 0; l <= 128; l++) {
            for (var e : Map.copyOf(byLength[l]).entrySet()) consumer.accept(e.getKey().hi(), e.getKey().lo(), l, e.getValue());
        }
    }
}
