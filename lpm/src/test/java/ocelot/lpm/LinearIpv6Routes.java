package ocelot.lpm;

import java.util.ArrayList;
import java.util.List;

/** The obvious IPv6 reference: a list of rules, every lookup scans all of them. */
final class LinearIpv6Routes implements Ipv6Routes {
    private record Rule(long hi, long lo, int length, int nextHop) {}

    private final int maxNextHops;
    private final List<Rule> rules = new ArrayList<>();

    LinearIpv6Routes(int maxNextHops) {
        this.maxNextHops = maxNextHops;
    }

    static long hiMask(int length) {
        return length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
    }

    static long loMask(int length) {
        return length <= 64 ? 0 : -1L << (128 - length);
    }

    private int indexOf(long hi, long lo, int length) {
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            if (r.hi == hi && r.lo == lo && r.length == length) return i;
        }
        return -1;
    }

    @Override
    public void insert(long hi, long lo, int length, int nextHop) {
        Ipv6RouteTable.checkPrefix(hi, lo, length);
        if (nextHop < 0 || nextHop >= maxNextHops) throw new IllegalArgumentException("next hop " + nextHop);
        int i = indexOf(hi, lo, length);
        if (i >= 0) rules.set(i, new Rule(hi, lo, length, nextHop));
        else rules.add(new Rule(hi, lo, length, nextHop));
    }

    @Override
    public boolean delete(long hi, long lo, int length) {
        Ipv6RouteTable.checkPrefix(hi, lo, length);
        int i = indexOf(hi, lo, length);
        if (i < 0) return false;
        rules.remove(i);
        return true;
    }

    @Override
    public int get(long hi, long lo, int length) {
        Ipv6RouteTable.checkPrefix(hi, lo, length);
        int i = indexOf(hi, lo, length);
        return i < 0 ? NO_ROUTE : rules.get(i).nextHop;
    }

    @Override
    public int lookup(long hi, long lo) {
        int best = -1;
        int nextHop = NO_ROUTE;
        for (Rule r : rules) {
            if ((hi & hiMask(r.length)) == r.hi && (lo & loMask(r.length)) == r.lo && r.length > best) {
                best = r.length;
                nextHop = r.nextHop;
            }
        }
        return nextHop;
    }

    @Override
    public void lookupBatch(long[] hi, long[] lo, int[] nextHops, int n) {
        for (int i = 0; i < n; i++) nextHops[i] = lookup(hi[i], lo[i]);
    }

    @Override
    public int size() {
        return rules.size();
    }

    @Override
    public void forEach(Ipv6RouteConsumer consumer) {
        for (Rule r : List.copyOf(rules)) consumer.accept(r.hi, r.lo, r.length, r.nextHop);
    }
}
