package ocelot.acl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every behavioural test of a {@link Classifier}; one short subclass per implementation
 * (JCTools' QueueSanityTest pattern). Oracles are a linear first-match scan and {@link LinearClassifier}.
 */
abstract class ClassifierContract {
    /** A classifier whose rules' IP set conditions read {@code sets} (may be null). */
    abstract Classifier create(List<Rule> rules, IpSetTable sets);

    Classifier create(List<Rule> rules) {
        return create(rules, null);
    }

    /** Whether the 10k-rule ClassBench sets are checked (the linear reference itself is too slow for them). */
    boolean checksLargeSets() {
        return true;
    }

    static int[] classify(Classifier c, HeaderBatch b, int n) {
        int[] out = new int[n];
        c.classify(b, n, out);
        return out;
    }

    static int ip(String a) {
        return Prefix.parse(a).v4Address();
    }

    @Test
    void emptyClassifierMatchesNothing() {
        Classifier c = create(List.of());
        HeaderBatch b = new HeaderBatch(2);
        b.setV4(0, ip("10.0.0.1"), ip("10.0.0.2"), 1, 2, 6);
        b.setV6(1, 1, 2, 3, 4, 5, 6, 17);
        assertArrayEquals(new int[] {-1, -1}, classify(c, b, 2));
        assertEquals(0, c.size());
    }

    @Test
    void firstMatchWinsInListOrder() {
        Classifier c = create(List.of(
                Rule.builder(100).dst("10.0.0.0/24").dstPorts(80, 80).protocol("TCP").build(),
                Rule.builder(101).dst("10.0.0.0/8").build(),
                Rule.builder(102).build()));
        HeaderBatch b = new HeaderBatch(4);
        b.setV4(0, ip("1.1.1.1"), ip("10.0.0.9"), 5000, 80, 6);
        b.setV4(1, ip("1.1.1.1"), ip("10.0.0.9"), 5000, 80, 17);
        b.setV4(2, ip("1.1.1.1"), ip("11.0.0.9"), 5000, 80, 6);
        b.setV6(3, 0x20010DB8L << 32, 1, 0, 2, 1, 80, 6);
        assertArrayEquals(new int[] {0, 1, 2, 2}, classify(c, b, 4));
        assertEquals(101, c.snapshot().rule(1).userId());
    }

    @Test
    void negatedFieldsExcludeExactlyTheirRange() {
        Classifier c = create(List.of(
                Rule.builder(0).src("10.0.0.0/8").notSrc("10.1.0.0/16").notSrc("10.2.3.4/32")
                        .dstPorts(1, 1000).notDstPorts(80, 443).protocol("TCP").build(),
                Rule.builder(1).notProtocol("UDP").notSrcPorts(0, 1023).build()));
        HeaderBatch b = new HeaderBatch(8);
        b.setV4(0, ip("10.0.0.1"), 0, 9, 79, 6);      // rule 0
        b.setV4(1, ip("10.0.0.1"), 0, 9, 80, 6);      // notDstPorts edge -> rule 1? sport 9 < 1024 -> none
        b.setV4(2, ip("10.0.0.1"), 0, 2000, 443, 6);  // rule 1
        b.setV4(3, ip("10.0.0.1"), 0, 2000, 444, 6);  // rule 0
        b.setV4(4, ip("10.1.255.255"), 0, 2000, 500, 6); // notSrc -> rule 1
        b.setV4(5, ip("10.2.3.4"), 0, 2000, 100, 17); // notSrc /32 and notProtocol -> none
        b.setV4(6, ip("10.2.3.5"), 0, 2000, 500, 6);  // rule 0
        b.setV6(7, 1, 1, 1, 1, 1024, 0, 6);           // rule 1 (no prefixes: both families)
        assertArrayEquals(new int[] {0, -1, 1, 0, 1, -1, 0, 1}, classify(c, b, 8));
    }

    @Test
    void headersThatAreNeitherIpv4NorIpv6MatchNothing() {
        Classifier c = create(List.of(Rule.builder(0).build()));
        HeaderBatch b = new HeaderBatch(2);
        b.setV4(0, 1, 2, 3, 4, 6);
        b.ipVersion[1] = 0; // e.g. an ARP frame the parser left unset
        assertArrayEquals(new int[] {0, -1}, classify(c, b, 2));
    }

    @Test
    void ipv6PrefixesLongerThan64Bits() {
        Classifier c = create(List.of(
                Rule.builder(0).src("2001:db8::1:0/112").build(),
                Rule.builder(1).src("2001:db8::/32").notDst("fd00::/8").build()));
        HeaderBatch b = new HeaderBatch(4);
        Prefix a = Prefix.parse("2001:db8::1:ffff"), o = Prefix.parse("2001:db8::2:0"), fd = Prefix.parse("fd00::5");
        b.setV6(0, a.hi(), a.lo(), 0, 0, 1, 1, 6);
        b.setV6(1, o.hi(), o.lo(), 0, 0, 1, 1, 6);
        b.setV6(2, o.hi(), o.lo(), fd.hi(), fd.lo(), 1, 1, 6);
        b.setV4(3, 0x20010DB8, 0, 1, 1, 6); // an IPv4 header never matches an IPv6 rule
        assertArrayEquals(new int[] {0, 1, -1, -1}, classify(c, b, 4));
    }

    @Test
    void invalidRulesAreRejectedNamingRuleAndFieldAndLeaveTheClassifierUnchanged() {
        Classifier c = create(List.of(Rule.builder(7).dst("10.0.0.0/8").build()));
        ClassifierSnapshot before = c.snapshot();
        InvalidRuleException e = assertThrows(InvalidRuleException.class, () -> Rule.builder(9).src("10.0.0.0/33").build());
        assertTrue(e.getMessage().contains("userId 9") && e.getMessage().contains("src") && e.getMessage().contains("33"), e.getMessage());
        e = assertThrows(InvalidRuleException.class, () -> Rule.builder(9).dstPorts(90, 80).build());
        assertEquals("dstPorts", e.field());
        assertTrue(e.getMessage().contains("90 > high port 80"), e.getMessage());
        e = assertThrows(InvalidRuleException.class, () -> Rule.builder(9).protocol("TCPX").build());
        assertEquals("protocol", e.field());
        e = assertThrows(InvalidRuleException.class, () -> Rule.builder(9).protocol(256).build());
        assertEquals("protocol", e.field());
        e = assertThrows(InvalidRuleException.class, () -> Rule.builder(9).src("10.0.0.0/8").notSrc("::/0").build());
        assertEquals("notSrc", e.field());
        e = assertThrows(InvalidRuleException.class, () -> c.replaceAll(java.util.Arrays.asList(Rule.builder(1).build(), null)));
        assertTrue(e.getMessage().startsWith("rule 1"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> c.add(5, Rule.builder(1).build()));
        assertThrows(IndexOutOfBoundsException.class, () -> c.remove(1));
        assertThrows(NullPointerException.class, () -> c.add(0, null));
        assertSame(before, c.snapshot());
        e = assertThrows(InvalidRuleException.class,
                () -> ClassBenchReader.parseRule("@1.2.3.4/40\t5.6.7.8/32\t0 : 65535\t80 : 80\t0x06/0xFF\t0x0000/0x0000", 3, "acl:4"));
        assertTrue(e.getMessage().startsWith("acl:4: src:"), e.getMessage());
        e = assertThrows(InvalidRuleException.class,
                () -> ClassBenchReader.parseRule("@1.2.3.4/32\t5.6.7.8/32\t0 : 65535\t80 : 80\t0x06/0x0F\t0x0000/0x0000", 3, "acl:4"));
        assertEquals("protocol", e.field());
    }

    static List<String> classBenchSets() {
        return ClassBenchExpectations.SETS;
    }

    @ParameterizedTest
    @MethodSource("classBenchSets")
    void classBenchTraceAgreesWithLinearScan(String set) {
        if (set.endsWith("10000") && !checksLargeSets()) return;
        ClassBenchExpectations.Case k = ClassBenchExpectations.load(set);
        Classifier c = create(k.rules());
        HeaderBatch h = k.trace().headers();
        int n = k.trace().count();
        int[] out = new int[n];
        // Classify in bursts of 64, the shape the dataplane uses.
        HeaderBatch burst = new HeaderBatch(64);
        int[] o = new int[64];
        for (int i = 0; i < n; i += 64) {
            int m = Math.min(64, n - i);
            for (int j = 0; j < m; j++) burst.copy(j, h, i + j);
            c.classify(burst, m, o);
            System.arraycopy(o, 0, out, i, m);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(k.expected()[i], out[i], set + " header " + i);
            assertTrue(out[i] >= 0 && out[i] <= k.trace().generatingRule()[i], set + " header " + i + " must match its generating rule");
        }
    }

    @Test
    void randomRuleSetsAgreeWithLinearScan() {
        for (int seed = 0; seed < 40; seed++) {
            RandomRules g = new RandomRules(seed);
            List<Rule> rules = g.rules(1 + seed * 5);
            Classifier c = create(rules);
            LinearClassifier ref = new LinearClassifier(rules);
            HeaderBatch b = new HeaderBatch(256);
            g.headers(b, 256, rules);
            assertArrayEquals(classify(ref, b, 256), classify(c, b, 256), "seed " + seed);
        }
    }

    @Test
    void randomAddsAndRemovesAgreeWithLinearScan() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int seed = 0; seed < 10; seed++) {
            RandomRules g = new RandomRules(1000 + seed);
            List<Rule> rules = g.rules(50);
            Classifier c = create(rules);
            List<Rule> model = new ArrayList<>(rules);
            HeaderBatch b = new HeaderBatch(128);
            for (int step = 0; step < 150; step++) {
                if (model.isEmpty() || rnd.nextInt(5) < 3) {
                    int at = rnd.nextInt(model.size() + 1);
                    Rule r = g.rule(10_000 + step);
                    model.add(at, r);
                    c.add(at, r);
                } else {
                    int at = rnd.nextInt(model.size());
                    assertSame(model.remove(at), c.remove(at));
                }
                assertEquals(model, c.snapshot().rules());
                if (step % 5 == 0) {
                    g.headers(b, 128, model);
                    assertArrayEquals(classify(new LinearClassifier(model), b, 128), classify(c, b, 128), "seed " + seed + " step " + step);
                }
            }
        }
    }

    @Test
    void readersSeeWholeVersionsWhileTheWriterUpdates() throws Exception {
        // The header matches only rule "target"; the writer inserts and removes non-matching rules
        // ahead of it, so its index moves. A reader must always find the target through the
        // snapshot it classified with.
        Rule target = Rule.builder(42).dst("10.9.9.0/24").dstPorts(53, 53).protocol("UDP").build();
        List<Rule> rules = new ArrayList<>(new RandomRules(3).rules(200).stream()
                .filter(r -> !r.matchesV4(ip("1.2.3.4"), ip("10.9.9.9"), 999, 53, 17)).toList());
        rules.add(target);
        Classifier c = create(rules);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            HeaderBatch b = new HeaderBatch(1);
            b.setV4(0, ip("1.2.3.4"), ip("10.9.9.9"), 999, 53, 17);
            int[] out = new int[1];
            try {
                while (!stop.get()) {
                    ClassifierSnapshot s = c.snapshot();
                    s.classify(b, 1, out);
                    if (out[0] < 0 || s.rule(out[0]) != target) throw new AssertionError("index " + out[0] + " in a snapshot of " + s.size());
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        try {
            RandomRules g = new RandomRules(4);
            for (int i = 0; i < 2000 && failure.get() == null; i++) {
                Rule r = g.rule(5000 + i);
                if (r.matchesV4(ip("1.2.3.4"), ip("10.9.9.9"), 999, 53, 17)) continue;
                c.add(0, r);
                c.remove(i % 2 == 0 ? 0 : c.size() / 2);
            }
        } finally {
            stop.set(true);
            reader.join();
        }
        if (failure.get() != null) throw new AssertionError(failure.get());
    }

    // ---- IP set conditions -----------------------------------------------------------------

    @Test
    void setConditionsMatchMembershipAndSeeChangesWithoutAnyUpdate() {
        IpSetTable sets = new IpSetTable();
        int web = sets.createSet(), bad = sets.createSet();
        Prefix v6 = Prefix.parse("fd00::5");
        sets.addV4(web, ip("10.0.0.1"));
        sets.addV6(web, v6.hi(), v6.lo());
        Classifier c = create(List.of(
                Rule.builder(0).action(Action.DENY).srcInSet(bad).build(),
                Rule.builder(1).srcInSet(web).dstNotInSet(bad).dstPorts(80, 80).build(),
                Rule.builder(2).action(Action.PASS).src("10.0.0.0/8").build()), sets);
        ClassifierSnapshot before = c.snapshot();
        HeaderBatch b = new HeaderBatch(5);
        b.setV4(0, ip("10.0.0.1"), ip("10.0.0.9"), 1, 80, 6);   // web -> 1
        b.setV4(1, ip("10.0.0.2"), ip("10.0.0.9"), 1, 80, 6);   // not in web -> 2
        b.setV4(2, ip("10.0.0.1"), ip("10.0.0.9"), 1, 81, 6);   // port -> 2
        b.setV6(3, v6.hi(), v6.lo(), 0, 1, 1, 80, 6);            // web (v6) -> 1
        b.setV6(4, v6.hi(), v6.lo() + 1, 0, 1, 1, 80, 6);        // -> none
        assertArrayEquals(new int[] {1, 2, 2, 1, -1}, classify(c, b, 5));
        sets.addV4(bad, ip("10.0.0.9"));                       // dst now excluded from rule 1
        sets.addV4(bad, ip("10.0.0.2"));                       // src now denied by rule 0
        sets.removeV6(web, v6.hi(), v6.lo());
        assertArrayEquals(new int[] {2, 0, 2, -1, -1}, classify(c, b, 5));
        assertSame(before, c.snapshot(), "membership changes publish no new classifier version");
        sets.deleteSet(bad);
        assertArrayEquals(new int[] {1, 2, 2, -1, -1}, classify(c, b, 5), "a deleted set is empty");
    }

    @Test
    void rulesNamingUnknownSetsAreRejectedAndChangeNothing() {
        IpSetTable sets = new IpSetTable();
        int s = sets.createSet();
        Classifier c = create(List.of(Rule.builder(1).srcInSet(s).build()), sets);
        ClassifierSnapshot before = c.snapshot();
        InvalidRuleException e = assertThrows(InvalidRuleException.class, () -> c.add(0, Rule.builder(7).dstInSet(s + 1).build()));
        assertEquals("dstSets", e.field());
        assertTrue(e.getMessage().contains("userId 7") && e.getMessage().contains("IP set " + (s + 1)), e.getMessage());
        sets.deleteSet(s);
        e = assertThrows(InvalidRuleException.class, () -> c.replaceAll(List.of(Rule.builder(8).srcNotInSet(s).build())));
        assertEquals("srcSets", e.field());
        assertSame(before, c.snapshot());
        e = assertThrows(InvalidRuleException.class, () -> create(List.of(Rule.builder(9).srcInSet(0).build()), null));
        assertTrue(e.getMessage().contains("without an IpSetTable"), e.getMessage());
        e = assertThrows(InvalidRuleException.class, () -> Rule.builder(3).srcInSet(-1).build());
        assertEquals("srcSets", e.field());
    }

    /**
     * Random rules with set conditions, random set contents, membership churn between lookups
     * and rule adds/removes: the classifier agrees with the linear scan over the same table.
     */
    @Test
    void randomSetConditionsAgreeWithLinearScanThroughSetAndRuleChanges() {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int seed = 0; seed < 20; seed++) {
            RandomRules g = new RandomRules(5000 + seed);
            IpSetTable sets = new IpSetTable();
            int setCount = 1 + seed % 6;
            for (int i = 0; i < setCount; i++) sets.createSet();
            List<Rule> model = new ArrayList<>();
            for (Rule r : g.rules(10 + seed * 4)) model.add(g.withSets(r, setCount));
            Classifier c = create(model, sets);
            HeaderBatch b = new HeaderBatch(128);
            g.headers(b, 128, model);
            g.churn(sets, setCount, b, 128, 200);
            for (int step = 0; step < 60; step++) {
                assertArrayEquals(classify(new LinearClassifier(model, sets), b, 128), classify(c, b, 128),
                        "seed " + seed + " step " + step);
                switch (rnd.nextInt(4)) {
                    case 0 -> g.churn(sets, setCount, b, 128, 1 + rnd.nextInt(20));
                    case 1 -> g.headers(b, 128, model);
                    case 2 -> {
                        int at = rnd.nextInt(model.size() + 1);
                        Rule r = g.withSets(g.rule(20_000 + step), setCount);
                        model.add(at, r);
                        c.add(at, r);
                    }
                    default -> {
                        if (!model.isEmpty()) {
                            int at = rnd.nextInt(model.size());
                            assertSame(model.remove(at), c.remove(at));
                        }
                    }
                }
            }
        }
    }
}
