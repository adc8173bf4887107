package ocelot.control.selector;

import java.util.Map;

/**
 * A parsed Calico label selector ({@code role == "db" && !has(quarantine)}).
 *
 * <p>Two selectors are equal when their canonical forms ({@link #toString()}) are: whitespace,
 * quote style, redundant parentheses, {@code &&}/{@code ||} nesting and the order and
 * duplicates of set members do not matter. The calculation graph keys its label index and IP
 * sets on {@code Selector}, so equal selectors written differently share one compiled object.
 * {@code toString()} re-parses to an equal selector.
 */
public final class Selector {
    private static final Selector ALL = new Selector(new SelectorNode.All());

    private final SelectorNode root;
    private final String canonical;
    private final int hash;

    private Selector(SelectorNode root) {
        this.root = root;
        StringBuilder out = new StringBuilder();
        root.print(out);
        this.canonical = out.toString();
        this.hash = canonical.hashCode();
    }

    /**
     * Parses {@code text}; blank text is {@code all()} as in Calico.
     *
     * @throws SelectorParseException naming the 0-based position of the first error
     */
    public static Selector parse(String text) {
        if (text == null) {
            throw new SelectorParseException("", 0, "selector is null");
        }
        return new Selector(SelectorParser.parse(text));
    }

    /** The selector that matches every endpoint. */
    public static Selector all() {
        return ALL;
    }

    /** Whether an endpoint with these labels is selected. */
    public boolean matches(Map<String, String> labels) {
        return root.matches(labels);
    }

    /** True for {@code all()} (and the blank selector): matches every endpoint. */
    public boolean isAll() {
        return root instanceof SelectorNode.All;
    }

    /**
     * A label {@code key == value} that every match must carry, or null when there is none
     * (e.g. a top-level {@code ||}). The label index uses it to look at candidate endpoints
     * only, rather than evaluating every selector against every endpoint.
     */
    public Map.Entry<String, String> requiredLabel() {
        return requiredLabel(root);
    }

    private static Map.Entry<String, String> requiredLabel(SelectorNode node) {
        return switch (node) {
            case SelectorNode.Equals(String key, String value) -> Map.entry(key, value);
            case SelectorNode.In(String key, var values) when values.size() == 1 -> Map.entry(key, values.first());
            case SelectorNode.And(var operands) -> {
                for (SelectorNode operand : operands) {
                    Map.Entry<String, String> found = requiredLabel(operand);
                    if (found != null) {
                        yield found;
                    }
                }
                yield null;
            }
            default -> null;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Selector other && hash == other.hash && canonical.equals(other.canonical);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** The canonical form; {@code Selector.parse(s.toString()).equals(s)}. */
    @Override
    public String toString() {
        return canonical;
    }
}
