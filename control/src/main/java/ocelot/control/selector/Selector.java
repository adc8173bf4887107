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
     * A label every match must carry: {@code key} with one of {@code values}, or with any value
     * when {@code values} is null ({@code has(key)}). The label index files selectors under it
     * and only evaluates a selector against endpoints that carry the label, rather than every
     * selector against every endpoint.
     */
    public record IndexHint(String key, java.util.Set<String> values) {
    }

    /** The most selective {@link IndexHint} implied by this selector, or null (e.g. a top-level {@code ||}). */
    public IndexHint indexHint() {
        return indexHint(root);
    }

    private static IndexHint indexHint(SelectorNode node) {
        return switch (node) {
            case SelectorNode.Equals(String key, String value) -> new IndexHint(key, java.util.Set.of(value));
            case SelectorNode.In(String key, var values) -> new IndexHint(key, java.util.Set.copyOf(values));
            case SelectorNode.Has(String key) -> new IndexHint(key, null);
            case SelectorNode.Contains(String key, String value) -> new IndexHint(key, null);
            case SelectorNode.StartsWith(String key, String value) -> new IndexHint(key, null);
            case SelectorNode.EndsWith(String key, String value) -> new IndexHint(key, null);
            case SelectorNode.And(var operands) -> {
                IndexHint best = null;
                for (SelectorNode operand : operands) {
                    IndexHint hint = indexHint(operand);
                    // A value list narrows more than a bare key; among lists the shorter wins.
                    if (hint != null && (best == null || (best.values() == null && hint.values() != null)
                            || (hint.values() != null && hint.values().size() < best.values().size()))) {
                        best = hint;
                    }
                }
                yield best;
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
