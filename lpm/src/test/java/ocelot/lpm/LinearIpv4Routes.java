package ocelot.lpm;

import java.util.ArrayList;
import java.util.List;

/** The obvious reference: a list of rules, every lookup scans all of them for the longest. */
final class LinearIpv4Routes implements Ipv4Routes {
    private record Rule(int prefix, int length, int nextHop) {}

    private final int maxNextHops;
    private final List<Rule> rules = new ArrayList<>();

    LinearIpv4Routes(int maxNextHops) {
        this.maxNextHops = maxNextHops;
    }

    private static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    private int indexOf(int prefix, int length) {
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            if (r.prefix == prefix && r.length == length) return i;
        }
        return -1;
    }

    @Override
    public void insert(int prefix, int length, int nextHop) {
        Ipv4RouteTable.checkPrefix(prefix, length);
        if (nextHop < 0 || nextHop >= maxNextHops) throw new IllegalArgumentException("next hop " + nextHop);
        int i = indexOf(prefix, length);
        if (i >= 0) rules.set(i, new Rule(prefix, length, nextHop));
        else rules.add(new Rule(prefix, length, nextHop));
    }

    @Override
    public boolean delete(int prefix, int length) {
        Ipv4RouteTable.checkPrefix(prefix, length);
        int i = indexOf(prefix, length);
        if (i < 0) return false;
        rules.remove(i);
        return true;
    }

    @Override
    public int get(int prefix, int length) {
        Ipv4RouteTable.checkPrefix(prefix, length);
        int i = indexOf(prefix, length);
        return i < 0 ? NO_ROUTE : rules.get(i).nextHop;
    }

    @Override
    public int lookup(int address) {
        int best = -1;
        int nextHop = NO_ROUTE;
        for (Rule r : rules) {
            if ((address & mask(r.length)) == r.prefix && r.length > best) {
                best = r.length;
                nextHop = r.nextHop;
            }
        }
        return nextHop;
    }

    @Override
    public void lookupBatch(int[] addresses, int[] nextHops, int n) {
        for (int i = 0; i < n; i++) nextHops[i] = lookup(addresses[i]);
    }

    @Override
    public int size() {
        return rules.size();
    }

    @Override
    public void forEach(Ipv4RouteConsumer consumer) {
        for (Rule r : List.copyOf(rules)) consumer.accept(r.prefix, r.length, r.nextHop);
    }
}
