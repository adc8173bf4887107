package ocelot.acl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ClassBench sets with their traces and the first-match answers of a primitive linear scan
 * (computed once per JVM: every contract subclass checks against the same answers).
 */
final class ClassBenchExpectations {
    static final Path DIR = locate();
    /** All twelve ClassBench seed types at 1k and 10k rules (the 100k sets are benchmarks only). */
    static final List<String> SETS = List.of(
            "acl1_1000", "acl2_1000", "acl3_1000", "acl4_1000", "acl5_1000",
            "fw1_1000", "fw2_1000", "fw3_1000", "fw4_1000", "fw5_1000", "ipc1_1000", "ipc2_1000",
            "acl1_10000", "acl2_10000", "acl3_10000", "acl4_10000", "acl5_10000",
            "fw1_10000", "fw2_10000", "fw3_10000", "fw4_10000", "fw5_10000", "ipc1_10000", "ipc2_10000");

    record Case(List<Rule> rules, ClassBenchReader.Trace trace, int[] expected) {}

    private static final Map<String, Case> CACHE = new ConcurrentHashMap<>();

    private static Path locate() {
        String prop = System.getProperty("ocelot.classbench.dir");
        if (prop != null) return Path.of(prop);
        // The repository carries a copy (data/classbench) so a clean clone tests without ../shared.
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("data/classbench");
            if (Files.isDirectory(c)) return c;
            c = p.resolve("shared/data/classbench");
            if (Files.isDirectory(c)) return c;
            c = p.resolve("../shared/data/classbench");
            if (Files.isDirectory(c)) return c.normalize();
        }
        throw new IllegalStateException("ClassBench data not found (set -Docelot.classbench.dir)");
    }

    static Case load(String set) {
        return CACHE.computeIfAbsent(set, s -> {
            try {
                List<Rule> rules = ClassBenchReader.readRules(DIR.resolve(s));
                ClassBenchReader.Trace trace = ClassBenchReader.readTrace(DIR.resolve(s + "_trace"));
                return new Case(rules, trace, scan(rules, trace));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Linear first-match over primitive copies of the (IPv4, negation-free) ClassBench rules. */
    static int[] scan(List<Rule> rules, ClassBenchReader.Trace trace) {
        int n = rules.size();
        int[] src = new int[n], srcMask = new int[n], dst = new int[n], dstMask = new int[n];
        int[] spLo = new int[n], spHi = new int[n], dpLo = new int[n], dpHi = new int[n], proto = new int[n];
        for (int r = 0; r < n; r++) {
            Rule rule = rules.get(r);
            src[r] = rule.src().v4Address();
            srcMask[r] = (int) (Prefix.maskHi(rule.src().length()) >>> 32);
            dst[r] = rule.dst().v4Address();
            dstMask[r] = (int) (Prefix.maskHi(rule.dst().length()) >>> 32);
            spLo[r] = rule.srcPorts().low(); spHi[r] = rule.srcPorts().high();
            dpLo[r] = rule.dstPorts().low(); dpHi[r] = rule.dstPorts().high();
            proto[r] = rule.protocol();
        }
        HeaderBatch h = trace.headers();
        int[] out = new int[trace.count()];
        for (int i = 0; i < trace.count(); i++) {
            int s = h.srcV4[i], d = h.dstV4[i], sp = h.srcPort[i], dp = h.dstPort[i], p = h.protocol[i];
            int found = Classifier.NO_MATCH;
            for (int r = 0; r < n; r++) {
                if ((s & srcMask[r]) == src[r] && (d & dstMask[r]) == dst[r] && sp >= spLo[r] && sp <= spHi[r]
                        && dp >= dpLo[r] && dp <= dpHi[r] && (proto[r] < 0 || proto[r] == p)) {
                    found = r;
                    break;
                }
            }
            out[i] = found;
        }
        return out;
    }
}
