package ocelot.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the lab proved: one row per proof, with the evidence, and whether it held. */
final class ProofTable {
    record Row(String proof, String evidence, boolean held) { }

    private final List<Row> rows = new ArrayList<>();

    void add(String proof, String evidence, boolean held) {
        rows.add(new Row(proof, evidence, held));
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    boolean allHeld() {
        return !rows.isEmpty() && rows.stream().allMatch(Row::held);
    }

    /** The first proof that did not hold, for the exit message. */
    String firstFailure() {
        return rows.stream().filter(r -> !r.held()).map(r -> r.proof() + ": " + r.evidence()).findFirst().orElse("none");
    }

    String render() {
        int width = rows.stream().mapToInt(r -> r.proof().length()).max().orElse(5);
        StringBuilder b = new StringBuilder("\nproof").append(" ".repeat(Math.max(1, width - 3))).append("result  evidence\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%-" + width + "s  %-6s  %s%n", r.proof(), r.held() ? "ok" : "FAILED", r.evidence()));
        }
        return b.toString();
    }
}
