package ocelot.control.selector;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * The selector syntax tree. Semantics follow Calico's libcalico-go {@code selector/parser}:
 * {@code !=}, {@code not in} match when the label is absent; {@code ==}, {@code in},
 * {@code contains}, {@code starts with}, {@code ends with} need it present.
 * {@link #print} writes the canonical form that {@link SelectorParser} reads back to an equal tree.
 */
sealed interface SelectorNode {

    boolean matches(Map<String, String> labels);

    void print(StringBuilder out);

    record All() implements SelectorNode {
        public boolean matches(Map<String, String> labels) { return true; }
        public void print(StringBuilder out) { out.append("all()"); }
    }

    /** {@code global()}: Calico uses it in namespace selectors to mean "not namespaced"; every endpoint here is. */
    record Global() implements SelectorNode {
        public boolean matches(Map<String, String> labels) { return true; }
        public void print(StringBuilder out) { out.append("global()"); }
    }

    record Has(String key) implements SelectorNode {
        public boolean matches(Map<String, String> labels) { return labels.containsKey(key); }
        public void print(StringBuilder out) { out.append("has(").append(key).append(')'); }
    }

    record Equals(String key, String value) implements SelectorNode {
        public boolean matches(Map<String, String> labels) { return value.equals(labels.get(key)); }
        public void print(StringBuilder out) { out.append(key).append(" == "); quote(out, value); }
    }

    record NotEquals(String key, String value) implements SelectorNode {
        public boolean matches(Map<String, String> labels) { return !value.equals(labels.get(key)); }
        public void print(StringBuilder out) { out.append(key).append(" != "); quote(out, value); }
    }

    /** {@code values} sorted and de-duplicated so that the printed form is canonical. */
    record In(String key, SortedSet<String> values) implements SelectorNode {
        public boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return v != null && values.contains(v);
        }
        public void print(StringBuilder out) { out.append(key).append(" in "); printSet(out, values); }
    }

    record NotIn(String key, SortedSet<String> values) implements SelectorNode {
        public boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return v == null || !values.contains(v);
        }
        public void print(StringBuilder out) { out.append(key).append(" not in "); printSet(out, values); }
    }

    record Contains(String key, String value) implements SelectorNode {
        public boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return v != null && v.contains(value);
        }
        public void print(StringBuilder out) { out.append(key).append(" contains "); quote(out, value); }
    }

    record StartsWith(String key, String value) implements SelectorNode {
        public boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return v != null && v.startsWith(value);
        }
        public void print(StringBuilder out) { out.append(key).append(" starts with "); quote(out, value); }
    }

    record EndsWith(String key, String value) implements SelectorNode {
        public boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return v != null && v.endsWith(value);
        }
        public void print(StringBuilder out) { out.append(key).append(" ends with "); quote(out, value); }
    }

    record Not(SelectorNode operand) implements SelectorNode {
        public boolean matches(Map<String, String> labels) { return !operand.matches(labels); }
        public void print(StringBuilder out) {
            out.append('!');
            // Only atoms without an infix operator can follow '!' unparenthesised and still
            // read unambiguously to a human; the parser would accept `!a == "b"` too.
            boolean bare = operand instanceof Has || operand instanceof All || operand instanceof Global
                    || operand instanceof Not;
            if (bare) {
                operand.print(out);
            } else {
                out.append('(');
                operand.print(out);
                out.append(')');
            }
        }
    }

    /** Flattened: no operand is itself an {@code And}. */
    record And(List<SelectorNode> operands) implements SelectorNode {
        public boolean matches(Map<String, String> labels) {
            for (SelectorNode operand : operands) {
                if (!operand.matches(labels)) {
                    return false;
                }
            }
            return true;
        }
        public void print(StringBuilder out) {
            for (int i = 0; i < operands.size(); i++) {
                if (i > 0) {
                    out.append(" && ");
                }
                SelectorNode operand = operands.get(i);
                if (operand instanceof Or) {
                    out.append('(');
                    operand.print(out);
                    out.append(')');
                } else {
                    operand.print(out);
                }
            }
        }
    }

    /** Flattened: no operand is itself an {@code Or}. */
    record Or(List<SelectorNode> operands) implements SelectorNode {
        public boolean matches(Map<String, String> labels) {
            for (SelectorNode operand : operands) {
                if (operand.matches(labels)) {
                    return true;
                }
            }
            return false;
        }
        public void print(StringBuilder out) {
            for (int i = 0; i < operands.size(); i++) {
                if (i > 0) {
                    out.append(" || ");
                }
                operands.get(i).print(out);
            }
        }
    }

    /** Calico strings have no escapes: a value holding {@code "} is printed in single quotes. */
    static void quote(StringBuilder out, String value) {
        char q = value.indexOf('"') >= 0 ? '\'' : '"';
        out.append(q).append(value).append(q);
    }

    static void printSet(StringBuilder out, SortedSet<String> values) {
        out.append('{');
        boolean first = true;
        for (String v : values) {
            if (!first) {
                out.append(", ");
            }
            first = false;
            quote(out, v);
        }
        out.append('}');
    }
}
