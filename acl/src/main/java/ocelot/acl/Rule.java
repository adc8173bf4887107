package ocelot.acl;

import java.util.ArrayList;
import java.util.List;

/**
 * One 5-tuple rule. A header matches when every positive field contains it and no negated
 * field does (Calico's {@code nets}/{@code notNets}, {@code ports}/{@code notPorts},
 * {@code protocol}/{@code notProtocol}). Priority is the rule's position in the list given to
 * a {@link Classifier}: the first match wins.
 *
 * <p>The IP family of the rule is that of its prefixes (positive and negated must agree); a
 * rule with no prefixes at all ({@link Prefix#ANY} everywhere, no negations) matches both
 * families. Negations are compiled into disjoint positive boxes ({@link RuleCompiler}); they
 * cost nothing extra at classification time.
 *
 * <p>{@code srcSets}/{@code dstSets} are IP set conditions ({@link SetMatch}), checked against
 * the {@link IpSetTable} the classifier was built with, after the 5-tuple fields: they take
 * no part in compilation, so a set's members change without touching any classifier (ipset's
 * {@code -m set --match-set} for iptables). They do not pin the family.
 *
 * @param userId opaque to the classifier (rte_acl's {@code userdata})
 * @param protocol 0..255, or {@link Protocol#ANY}
 * @param notProtocol 0..255 to exclude one protocol, or {@link Protocol#ANY} for none
 */
public record Rule(int userId, Action action, Prefix src, Prefix dst, PortRange srcPorts, PortRange dstPorts,
                   int protocol, List<Prefix> notSrc, List<Prefix> notDst, List<PortRange> notSrcPorts,
                   List<PortRange> notDstPorts, int notProtocol, List<SetMatch> srcSets, List<SetMatch> dstSets) {

    /** A rule without IP set conditions. */
    public Rule(int userId, Action action, Prefix src, Prefix dst, PortRange srcPorts, PortRange dstPorts,
                int protocol, List<Prefix> notSrc, List<Prefix> notDst, List<PortRange> notSrcPorts,
                List<PortRange> notDstPorts, int notProtocol) {
        this(userId, action, src, dst, srcPorts, dstPorts, protocol, notSrc, notDst, notSrcPorts, notDstPorts, notProtocol,
                List.of(), List.of());
    }

    public Rule {
        String where = "rule userId " + userId;
        if (action == null) throw new InvalidRuleException(where, "action", "missing");
        if (src == null) throw new InvalidRuleException(where, "src", "missing (use Prefix.ANY)");
        if (dst == null) throw new InvalidRuleException(where, "dst", "missing (use Prefix.ANY)");
        if (srcPorts == null) throw new InvalidRuleException(where, "srcPorts", "missing (use PortRange.ANY)");
        if (dstPorts == null) throw new InvalidRuleException(where, "dstPorts", "missing (use PortRange.ANY)");
        if (protocol < -1 || protocol > 255) throw new InvalidRuleException(where, "protocol", "unknown protocol " + protocol + " (want 0..255 or ANY)");
        if (notProtocol < -1 || notProtocol > 255) throw new InvalidRuleException(where, "notProtocol", "unknown protocol " + notProtocol + " (want 0..255 or ANY)");
        notSrc = copy(where, "notSrc", notSrc);
        notDst = copy(where, "notDst", notDst);
        notSrcPorts = copy(where, "notSrcPorts", notSrcPorts);
        notDstPorts = copy(where, "notDstPorts", notDstPorts);
        srcSets = copy(where, "srcSets", srcSets);
        dstSets = copy(where, "dstSets", dstSets);
        int family = 0;
        family = family(where, "src", family, src);
        family = family(where, "dst", family, dst);
        for (Prefix p : notSrc) family = family(where, "notSrc", family, p);
        for (Prefix p : notDst) family = family(where, "notDst", family, p);
    }

    private static <T> List<T> copy(String where, String field, List<T> list) {
        if (list == null) return List.of();
        for (T t : list) if (t == null) throw new InvalidRuleException(where, field, "contains null");
        return List.copyOf(list);
    }

    private static int family(String where, String field, int family, Prefix p) {
        if (p.version() == 0) return family;
        if (family != 0 && family != p.version()) {
            throw new InvalidRuleException(where, field, "IPv" + p.version() + " prefix " + p + " in an IPv" + family + " rule");
        }
        return p.version();
    }

    /** 4 or 6, or 0 when the rule has no prefix and matches both families. */
    public int ipVersion() {
        int f = src.version() != 0 ? src.version() : dst.version();
        if (f == 0 && !notSrc.isEmpty()) f = notSrc.getFirst().version();
        if (f == 0 && !notDst.isEmpty()) f = notDst.getFirst().version();
        return f;
    }

    /** Whether the rule has IP set conditions (and so needs an {@link IpSetTable} to be evaluated). */
    public boolean hasSetMatches() {
        return !srcSets.isEmpty() || !dstSets.isEmpty();
    }

    /** The obvious evaluation of a rule without set conditions. */
    public boolean matchesV4(int srcAddr, int dstAddr, int sport, int dport, int proto) {
        return matchesV4(null, srcAddr, dstAddr, sport, dport, proto);
    }

    public boolean matchesV6(long srcHi, long srcLo, long dstHi, long dstLo, int sport, int dport, int proto) {
        return matchesV6(null, srcHi, srcLo, dstHi, dstLo, sport, dport, proto);
    }

    /**
     * The obvious evaluation (the reference the compiled classifiers are tested against), set
     * conditions looked up in {@code sets} (which may be null for a rule without any).
     */
    public boolean matchesV4(IpSetTable sets, int srcAddr, int dstAddr, int sport, int dport, int proto) {
        return matchesV4(sets, IpSetTable.NEWEST, srcAddr, dstAddr, sport, dport, proto);
    }

    /** As {@link #matchesV4(IpSetTable, int, int, int, int, int)}, set conditions judged at {@code setGeneration}. */
    public boolean matchesV4(IpSetTable sets, long setGeneration, int srcAddr, int dstAddr, int sport, int dport, int proto) {
        if (ipVersion() == 6) return false;
        if (!src.containsV4(srcAddr) || !dst.containsV4(dstAddr)) return false;
        if (!matchesL4(sport, dport, proto)) return false;
        for (Prefix p : notSrc) if (p.containsV4(srcAddr)) return false;
        for (Prefix p : notDst) if (p.containsV4(dstAddr)) return false;
        for (SetMatch m : srcSets) if (needs(sets).containsV4(m.setId(), srcAddr, setGeneration) == m.negated()) return false;
        for (SetMatch m : dstSets) if (needs(sets).containsV4(m.setId(), dstAddr, setGeneration) == m.negated()) return false;
        return true;
    }

    public boolean matchesV6(IpSetTable sets, long srcHi, long srcLo, long dstHi, long dstLo, int sport, int dport, int proto) {
        return matchesV6(sets, IpSetTable.NEWEST, srcHi, srcLo, dstHi, dstLo, sport, dport, proto);
    }

    public boolean matchesV6(IpSetTable sets, long setGeneration, long srcHi, long srcLo, long dstHi, long dstLo, int sport, int dport, int proto) {
        if (ipVersion() == 4) return false;
        if (!src.containsV6(srcHi, srcLo) || !dst.containsV6(dstHi, dstLo)) return false;
        if (!matchesL4(sport, dport, proto)) return false;
        for (Prefix p : notSrc) if (p.containsV6(srcHi, srcLo)) return false;
        for (Prefix p : notDst) if (p.containsV6(dstHi, dstLo)) return false;
        for (SetMatch m : srcSets) if (needs(sets).containsV6(m.setId(), srcHi, srcLo, setGeneration) == m.negated()) return false;
        for (SetMatch m : dstSets) if (needs(sets).containsV6(m.setId(), dstHi, dstLo, setGeneration) == m.negated()) return false;
        return true;
    }

    private IpSetTable needs(IpSetTable sets) {
        if (sets == null) throw new IllegalStateException("rule userId " + userId + " has IP set conditions but no IpSetTable was given");
        return sets;
    }

    /**
     * Checks that every set condition names a live set of {@code sets}; a classifier calls this
     * before accepting the rule, so an update that fails changes nothing.
     */
    void checkSets(IpSetTable sets) {
        checkSets(sets, "srcSets", srcSets);
        checkSets(sets, "dstSets", dstSets);
    }

    private void checkSets(IpSetTable sets, String field, List<SetMatch> list) {
        String where = "rule userId " + userId;
        for (SetMatch m : list) {
            if (sets == null) throw new InvalidRuleException(where, field, "IP set " + m.setId() + " in a classifier built without an IpSetTable");
            if (!sets.exists(m.setId())) throw new InvalidRuleException(where, field, "IP set " + m.setId() + " does not exist in the classifier's IpSetTable");
        }
    }

    /** The set conditions as classifiers hold them (see {@link SetMatch#encode}); null if none. */
    int[] encodedSets() {
        if (!hasSetMatches()) return null;
        int[] out = new int[srcSets.size() + dstSets.size()];
        int i = 0;
        for (SetMatch m : srcSets) out[i++] = m.encode(false);
        for (SetMatch m : dstSets) out[i++] = m.encode(true);
        return out;
    }

    private boolean matchesL4(int sport, int dport, int proto) {
        if (protocol != Protocol.ANY && protocol != proto) return false;
        if (notProtocol != Protocol.ANY && notProtocol == proto) return false;
        if (!srcPorts.contains(sport) || !dstPorts.contains(dport)) return false;
        for (PortRange r : notSrcPorts) if (r.contains(sport)) return false;
        for (PortRange r : notDstPorts) if (r.contains(dport)) return false;
        return true;
    }

    public static Builder builder(int userId) {
        return new Builder(userId);
    }

    /**
     * Builds a rule from text fields; every parse error becomes an {@link InvalidRuleException}
     * naming the user id and the field.
     */
    public static final class Builder {
        private final int userId;
        private final String where;
        private Action action = Action.ALLOW;
        private Prefix src = Prefix.ANY, dst = Prefix.ANY;
        private PortRange srcPorts = PortRange.ANY, dstPorts = PortRange.ANY;
        private int protocol = Protocol.ANY, notProtocol = Protocol.ANY;
        private final List<Prefix> notSrc = new ArrayList<>(), notDst = new ArrayList<>();
        private final List<PortRange> notSrcPorts = new ArrayList<>(), notDstPorts = new ArrayList<>();
        private final List<SetMatch> srcSets = new ArrayList<>(), dstSets = new ArrayList<>();

        Builder(int userId) {
            this.userId = userId;
            this.where = "rule userId " + userId;
        }

        public Builder action(Action a) { action = a; return this; }
        public Builder src(Prefix p) { src = p; return this; }
        public Builder dst(Prefix p) { dst = p; return this; }
        public Builder src(String cidr) { src = prefix("src", cidr); return this; }
        public Builder dst(String cidr) { dst = prefix("dst", cidr); return this; }
        public Builder srcPorts(PortRange r) { srcPorts = r; return this; }
        public Builder dstPorts(PortRange r) { dstPorts = r; return this; }
        public Builder srcPorts(int low, int high) { srcPorts = ports("srcPorts", low, high); return this; }
        public Builder dstPorts(int low, int high) { dstPorts = ports("dstPorts", low, high); return this; }
        public Builder protocol(int p) { protocol = p; return this; }
        public Builder protocol(String p) { protocol = proto("protocol", p); return this; }
        public Builder notProtocol(int p) { notProtocol = p; return this; }
        public Builder notProtocol(String p) { notProtocol = proto("notProtocol", p); return this; }
        public Builder notSrc(Prefix p) { notSrc.add(p); return this; }
        public Builder notDst(Prefix p) { notDst.add(p); return this; }
        public Builder notSrc(String cidr) { notSrc.add(prefix("notSrc", cidr)); return this; }
        public Builder notDst(String cidr) { notDst.add(prefix("notDst", cidr)); return this; }
        public Builder notSrcPorts(PortRange r) { notSrcPorts.add(r); return this; }
        public Builder notDstPorts(PortRange r) { notDstPorts.add(r); return this; }
        public Builder notSrcPorts(int low, int high) { notSrcPorts.add(ports("notSrcPorts", low, high)); return this; }
        public Builder notDstPorts(int low, int high) { notDstPorts.add(ports("notDstPorts", low, high)); return this; }

        public Builder srcInSet(int setId) { srcSets.add(set("srcSets", setId, false)); return this; }
        public Builder srcNotInSet(int setId) { srcSets.add(set("srcSets", setId, true)); return this; }
        public Builder dstInSet(int setId) { dstSets.add(set("dstSets", setId, false)); return this; }
        public Builder dstNotInSet(int setId) { dstSets.add(set("dstSets", setId, true)); return this; }

        public Rule build() {
            return new Rule(userId, action, src, dst, srcPorts, dstPorts, protocol, notSrc, notDst, notSrcPorts, notDstPorts, notProtocol,
                    srcSets, dstSets);
        }

        private Prefix prefix(String field, String cidr) {
            try {
                return Prefix.parse(cidr);
            } catch (IllegalArgumentException e) {
                throw new InvalidRuleException(where, field, e.getMessage());
            }
        }

        private SetMatch set(String field, int setId, boolean negated) {
            try {
                return new SetMatch(setId, negated);
            } catch (IllegalArgumentException e) {
                throw new InvalidRuleException(where, field, e.getMessage());
            }
        }

        private PortRange ports(String field, int low, int high) {
            try {
                return new PortRange(low, high);
            } catch (IllegalArgumentException e) {
                throw new InvalidRuleException(where, field, e.getMessage());
            }
        }

        private int proto(String field, String p) {
            try {
                return Protocol.parse(p);
            } catch (IllegalArgumentException e) {
                throw new InvalidRuleException(where, field, e.getMessage());
            }
        }
    }
}
