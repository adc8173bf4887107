package ocelot.acl;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link Rule} into disjoint positive boxes, one per family it applies to: negated
 * prefixes, port ranges and protocols are subtracted here, so the classifiers only ever match
 * positive prefixes and ranges. The boxes of one rule partition exactly the headers it matches.
 *
 * <p>Subtracting prefix {@code N} (length n) from a prefix {@code P} (length p) that covers it
 * leaves the n - p siblings along the path from P to N: for each length l in p+1..n, N's first
 * l-1 bits followed by the flipped l-th bit. A port range minus ranges leaves at most k+1 ranges.
 */
public final class RuleCompiler {
    private RuleCompiler() {}

    /** One positive 5-dimensional box. Prefix addresses are top-aligned as in {@link Prefix}. */
    public record Box(Prefix src, Prefix dst, int srcPortLow, int srcPortHigh, int dstPortLow, int dstPortHigh,
                      int protocolLow, int protocolHigh) {}

    /** The boxes of {@code rule} for headers of IP version {@code family} (4 or 6); empty if none. */
    public static List<Box> expand(Rule rule, int family) {
        int rf = rule.ipVersion();
        if (rf != 0 && rf != family) return List.of();
        List<Prefix> srcs = subtract(List.of(concrete(rule.src(), family)), rule.notSrc(), family);
        List<Prefix> dsts = subtract(List.of(concrete(rule.dst(), family)), rule.notDst(), family);
        List<int[]> sps = subtractRanges(rule.srcPorts().low(), rule.srcPorts().high(), rule.notSrcPorts());
        List<int[]> dps = subtractRanges(rule.dstPorts().low(), rule.dstPorts().high(), rule.notDstPorts());
        int pLow = rule.protocol() == Protocol.ANY ? 0 : rule.protocol();
        int pHigh = rule.protocol() == Protocol.ANY ? 255 : rule.protocol();
        List<int[]> protos = rule.notProtocol() == Protocol.ANY
                ? List.of(new int[] {pLow, pHigh})
                : subtractRanges(pLow, pHigh, List.of(PortRange.of(rule.notProtocol())));
        List<Box> out = new ArrayList<>();
        for (Prefix s : srcs)
            for (Prefix d : dsts)
                for (int[] sp : sps)
                    for (int[] dp : dps)
                        for (int[] p : protos)
                            out.add(new Box(s, d, sp[0], sp[1], dp[0], dp[1], p[0], p[1]));
        return out;
    }

    private static Prefix concrete(Prefix p, int family) {
        return p.version() == 0 ? new Prefix(family, 0, 0, 0) : p;
    }

    static List<Prefix> subtract(List<Prefix> from, List<Prefix> negated, int family) {
        List<Prefix> set = from;
        for (Prefix n : negated) {
            List<Prefix> next = new ArrayList<>();
            for (Prefix p : set) {
                if (n.covers(p)) continue;                // wholly excluded
                if (!p.covers(n)) {                       // disjoint
                    next.add(p);
                    continue;
                }
                for (int l = p.length() + 1; l <= n.length(); l++) {
                    int bit = l - 1;                      // 0 = top bit
                    long hi = n.hi(), lo = n.lo();
                    if (bit < 64) hi ^= 1L << (63 - bit);
                    else lo ^= 1L << (127 - bit);
                    next.add(new Prefix(family, hi, lo, l));
                }
            }
            set = next;
        }
        return set;
    }

    static List<int[]> subtractRanges(int low, int high, List<PortRange> negated) {
        List<int[]> set = new ArrayList<>();
        set.add(new int[] {low, high});
        for (PortRange n : negated) {
            List<int[]> next = new ArrayList<>();
            for (int[] r : set) {
                if (n.high() < r[0] || n.low() > r[1]) {
                    next.add(r);
                    continue;
                }
                if (r[0] < n.low()) next.add(new int[] {r[0], n.low() - 1});
                if (r[1] > n.high()) next.add(new int[] {n.high() + 1, r[1]});
            }
            set = next;
        }
        return set;
    }
}
