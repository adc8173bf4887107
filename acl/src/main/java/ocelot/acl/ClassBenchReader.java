package ocelot.acl;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads ClassBench (Taylor and Turner, "ClassBench: a packet classification benchmark",
 * INFOCOM 2005) rule sets and header traces.
 *
 * <pre>
 * rule:  @src/len  dst/len  slo : shi  dlo : dhi  proto/mask  flags/mask   (first line = priority 0)
 * trace: src dst sport dport proto flags filter                             (tab separated, decimal)
 * </pre>
 * Rule {@code i} (0-based line) gets user id {@code i} and action ALLOW. Protocol masks other
 * than 0x00 (any) and 0xFF (exact) are rejected; the flags column is ignored.
 */
public final class ClassBenchReader {
    private ClassBenchReader() {}

    /** A trace: {@code count} IPv4 headers and the rule ClassBench generated each from. */
    public record Trace(HeaderBatch headers, int count, int[] generatingRule) {}

    public static List<Rule> readRules(Path file) throws IOException {
        List<Rule> rules = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                rules.add(parseRule(line, rules.size(), file.getFileName() + ":" + lineNo));
            }
        }
        return rules;
    }

    static Rule parseRule(String line, int userId, String where) {
        String t = line.strip();
        if (!t.startsWith("@")) throw new InvalidRuleException(where, "line", "does not start with '@'");
        String[] f = t.substring(1).split("\\s+");
        // src dst slo : shi dlo : dhi proto/mask [flags/mask]
        if (f.length < 9 || !f[3].equals(":") || !f[6].equals(":")) {
            throw new InvalidRuleException(where, "line", "want 'src/len dst/len lo : hi lo : hi proto/mask', got '" + t + "'");
        }
        Rule.Builder b = Rule.builder(userId);
        b.src(field(where, "src", () -> Prefix.parse(f[0])));
        b.dst(field(where, "dst", () -> Prefix.parse(f[1])));
        b.srcPorts(field(where, "srcPorts", () -> new PortRange(Integer.parseInt(f[2]), Integer.parseInt(f[4]))));
        b.dstPorts(field(where, "dstPorts", () -> new PortRange(Integer.parseInt(f[5]), Integer.parseInt(f[7]))));
        b.protocol(field(where, "protocol", () -> protocol(f[8])));
        return b.build();
    }

    private static int protocol(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("'" + text + "' is not value/mask");
        int value = Integer.decode(text.substring(0, slash));
        int mask = Integer.decode(text.substring(slash + 1));
        if (mask == 0) return Protocol.ANY;
        if (mask != 0xFF) throw new IllegalArgumentException("mask " + text.substring(slash + 1) + " is neither 0x00 nor 0xFF");
        if (value < 0 || value > 255) throw new IllegalArgumentException("unknown protocol " + value);
        return value;
    }

    private interface Parse<T> {
        T get();
    }

    private static <T> T field(String where, String field, Parse<T> p) {
        try {
            return p.get();
        } catch (IllegalArgumentException e) { // NumberFormatException included
            throw new InvalidRuleException(where, field, e.getMessage());
        }
    }

    public static Trace readTrace(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        HeaderBatch h = new HeaderBatch(Math.max(1, lines.size()));
        int[] gen = new int[lines.size()];
        int n = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            String[] f = line.split("\\s+");
            String where = file.getFileName() + ":" + (i + 1);
            if (f.length < 5) throw new IllegalArgumentException(where + ": want 'src dst sport dport proto [flags filter]'");
            try {
                long src = Long.parseLong(f[0]), dst = Long.parseLong(f[1]);
                int sport = Integer.parseInt(f[2]), dport = Integer.parseInt(f[3]), proto = Integer.parseInt(f[4]);
                if (src >>> 32 != 0 || dst >>> 32 != 0) throw new IllegalArgumentException("address outside 0..2^32-1");
                if (sport >>> 16 != 0 || dport >>> 16 != 0) throw new IllegalArgumentException("port outside 0..65535");
                if (proto >>> 8 != 0) throw new IllegalArgumentException("protocol outside 0..255");
                h.setV4(n, (int) src, (int) dst, sport, dport, proto);
                gen[n] = f.length > 6 ? Integer.parseInt(f[6]) : -1;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            n++;
        }
        return new Trace(h, n, gen);
    }
}
