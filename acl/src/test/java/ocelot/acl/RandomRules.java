package ocelot.acl;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random rule sets and headers that hit prefix and port-range edges, wildcards, negations and IPv6. */
final class RandomRules {
    private final SplittableRandom rnd;
    // A few base networks so random prefixes nest and overlap instead of being disjoint.
    private static final int[] V4_BASES = {0x0A000000, 0x0A010000, 0xC0A80000, 0xAC100000};
    private static final long[] V6_BASES = {0x20010DB800000000L, 0x20010DB800010000L, 0xFD00000000000000L};

    RandomRules(long seed) {
        rnd = new SplittableRandom(seed);
    }

    Rule rule(int userId) {
        Rule.Builder b = Rule.builder(userId).action(Action.values()[rnd.nextInt(Action.values().length)]);
        int family = rnd.nextInt(10) == 0 ? 0 : rnd.nextInt(4) == 0 ? 6 : 4;
        if (family != 0) {
            if (rnd.nextInt(4) != 0) b.src(prefix(family));
            if (rnd.nextInt(4) != 0) b.dst(prefix(family));
            if (rnd.nextInt(5) == 0) b.notSrc(prefix(family));
            if (rnd.nextInt(5) == 0) b.notDst(prefix(family));
            if (rnd.nextInt(10) == 0) b.notDst(prefix(family));
        }
        if (rnd.nextInt(3) != 0) b.srcPorts(ports());
        if (rnd.nextInt(3) != 0) b.dstPorts(ports());
        if (rnd.nextInt(5) == 0) b.notSrcPorts(ports());
        if (rnd.nextInt(5) == 0) { PortRange r = ports(); b.notDstPorts(r.low(), r.high()); }
        if (rnd.nextInt(2) == 0) b.protocol(new int[] {6, 17, 1, 58}[rnd.nextInt(4)]);
        else if (rnd.nextInt(6) == 0) b.notProtocol(new int[] {6, 17}[rnd.nextInt(2)]);
        return b.build();
    }

    /**
     * {@code r} with 0-3 random IP set conditions (src/dst, in/not in) over set ids
     * {@code 0..setCount-1}; about a third of the rules get none.
     */
    Rule withSets(Rule r, int setCount) {
        int k = rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(3);
        List<SetMatch> src = new ArrayList<>(), dst = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            SetMatch m = new SetMatch(rnd.nextInt(setCount), rnd.nextInt(3) == 0);
            (rnd.nextBoolean() ? src : dst).add(m);
        }
        return new Rule(r.userId(), r.action(), r.src(), r.dst(), r.srcPorts(), r.dstPorts(), r.protocol(), r.notSrc(), r.notDst(),
                r.notSrcPorts(), r.notDstPorts(), r.notProtocol(), src, dst);
    }

    /** Flips the membership of random header addresses (and adds some foreign ones) in random sets. */
    void churn(IpSetTable sets, int setCount, HeaderBatch b, int n, int changes) {
        for (int c = 0; c < changes; c++) {
            int set = rnd.nextInt(setCount), i = rnd.nextInt(n);
            boolean src = rnd.nextBoolean();
            if (b.ipVersion[i] == 4) {
                int a = src ? b.srcV4[i] : b.dstV4[i];
                if (rnd.nextInt(8) == 0) a = rnd.nextInt();
                if (!sets.addV4(set, a)) sets.removeV4(set, a);
            } else {
                long hi = src ? b.srcV6Hi[i] : b.dstV6Hi[i], lo = src ? b.srcV6Lo[i] : b.dstV6Lo[i];
                if (rnd.nextInt(8) == 0) lo = rnd.nextLong();
                if (!sets.addV6(set, hi, lo)) sets.removeV6(set, hi, lo);
            }
        }
    }

    List<Rule> rules(int n) {
        List<Rule> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(rule(i));
        return out;
    }

    Prefix prefix(int family) {
        if (family == 4) {
            int len = rnd.nextInt(33);
            int addr = V4_BASES[rnd.nextInt(V4_BASES.length)] | (rnd.nextInt(4) == 0 ? rnd.nextInt() >>> 8 : rnd.nextInt(16));
            return Prefix.v4(addr, len);
        }
        int len = rnd.nextInt(8) == 0 ? 64 + rnd.nextInt(65) : rnd.nextInt(65);
        long hi = V6_BASES[rnd.nextInt(V6_BASES.length)] | rnd.nextInt(8);
        long lo = rnd.nextInt(3) == 0 ? rnd.nextLong() : rnd.nextInt(16);
        return Prefix.v6(hi, lo, len);
    }

    PortRange ports() {
        int lo = rnd.nextInt(4) == 0 ? rnd.nextInt(65536) : rnd.nextInt(1100);
        int hi = rnd.nextInt(3) == 0 ? lo : Math.min(65535, lo + rnd.nextInt(rnd.nextBoolean() ? 16 : 2000));
        return new PortRange(lo, hi);
    }

    /** Fills {@code n} headers: half near edges of the given rules' fields, half random. */
    void headers(HeaderBatch b, int n, List<Rule> rules) {
        for (int i = 0; i < n; i++) {
            Rule r = rules.isEmpty() ? null : rules.get(rnd.nextInt(rules.size()));
            int family = r == null || r.ipVersion() == 0 ? (rnd.nextBoolean() ? 4 : 6) : r.ipVersion();
            if (rnd.nextInt(8) == 0) family = family == 4 ? 6 : 4;
            int sport = port(r == null ? PortRange.ANY : pick(r.srcPorts(), r.notSrcPorts()));
            int dport = port(r == null ? PortRange.ANY : pick(r.dstPorts(), r.notDstPorts()));
            int proto = r != null && r.protocol() >= 0 && rnd.nextInt(4) != 0 ? r.protocol()
                    : new int[] {6, 17, 1, 58, 0, 255}[rnd.nextInt(6)];
            if (family == 4) {
                b.setV4(i, (int) (address(r == null ? null : pick(r.src(), r.notSrc()), 4)[0] >>> 32),
                        (int) (address(r == null ? null : pick(r.dst(), r.notDst()), 4)[0] >>> 32), sport, dport, proto);
            } else {
                long[] s = address(r == null ? null : pick(r.src(), r.notSrc()), 6);
                long[] d = address(r == null ? null : pick(r.dst(), r.notDst()), 6);
                b.setV6(i, s[0], s[1], d[0], d[1], sport, dport, proto);
            }
        }
    }

    private <T> T pick(T positive, List<T> negated) {
        return negated.isEmpty() || rnd.nextBoolean() ? positive : negated.get(rnd.nextInt(negated.size()));
    }

    private int port(PortRange r) {
        return switch (rnd.nextInt(6)) {
            case 0 -> r.low();
            case 1 -> r.high();
            case 2 -> Math.max(0, r.low() - 1);
            case 3 -> Math.min(65535, r.high() + 1);
            case 4 -> r.low() + rnd.nextInt(r.high() - r.low() + 1);
            default -> rnd.nextInt(65536);
        };
    }

    /** An address at the first or last address of the prefix, just outside it, or random. */
    private long[] address(Prefix p, int family) {
        long hi, lo;
        if (p == null || p.version() != family || rnd.nextInt(6) == 0) {
            hi = family == 4 ? (V4_BASES[rnd.nextInt(V4_BASES.length)] | rnd.nextInt(256)) & 0xFFFF_FFFFL : V6_BASES[rnd.nextInt(V6_BASES.length)] | rnd.nextInt(8);
            if (family == 4) return new long[] {hi << 32, 0};
            return new long[] {hi, rnd.nextInt(3) == 0 ? rnd.nextLong() : rnd.nextInt(16)};
        }
        long hostHi = ~Prefix.maskHi(p.length()), hostLo = ~Prefix.maskLo(p.length());
        if (family == 4) hostHi &= 0xFFFF_FFFF_0000_0000L;
        switch (rnd.nextInt(4)) {
            case 0 -> { hi = p.hi(); lo = p.lo(); }
            case 1 -> { hi = p.hi() | hostHi; lo = p.lo() | hostLo; }
            case 2 -> { hi = p.hi() | (rnd.nextLong() & hostHi); lo = p.lo() | (rnd.nextLong() & hostLo); }
            default -> { // one past the last address (or one before the first)
                hi = p.hi() | hostHi;
                lo = p.lo() | hostLo;
                if (family == 4) hi += 1L << 32;
                else if (++lo == 0) hi++;
            }
        }
        return new long[] {hi, lo};
    }
}
