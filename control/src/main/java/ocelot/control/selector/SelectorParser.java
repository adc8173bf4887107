package ocelot.control.selector;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Recursive-descent parser for Calico's selector language (libcalico-go {@code lib/selector}):
 *
 * <pre>
 * selector := ws | or
 * or       := and ( "||" and )*
 * and      := unary ( "&amp;&amp;" unary )*
 * unary    := "!" unary | "(" or ")" | "all()" | "global()" | "has(" key ")"
 *           | key ( "==" | "!=" | "contains" | "starts with" | "ends with" ) string
 *           | key ( "in" | "not in" ) "{" [ string ( "," string )* ] "}"
 * key      := [a-zA-Z0-9_./-]{1,512}
 * string   := '"' [^"]* '"' | "'" [^']* "'"
 * </pre>
 *
 * As in Calico's tokenizer, {@code starts with}, {@code ends with} and {@code not in} allow any
 * whitespace (none included) between their words, and whitespace is free between tokens
 * (inside {@code has( k )} and {@code all( )} too).
 */
final class SelectorParser {
    /** Calico's {@code LabelKeyMatcher} length limit. */
    static final int MAX_KEY_LENGTH = 512;

    private final String text;
    private int pos;

    private SelectorParser(String text) {
        this.text = text;
    }

    static SelectorNode parse(String text) {
        SelectorParser parser = new SelectorParser(text);
        parser.skipWhitespace();
        if (parser.atEnd()) {
            return new SelectorNode.All();
        }
        SelectorNode node = parser.or();
        parser.skipWhitespace();
        if (!parser.atEnd()) {
            throw parser.error("unexpected " + parser.describeHere() + ", expected '&&', '||' or the end");
        }
        return node;
    }

    private SelectorNode or() {
        List<SelectorNode> operands = new ArrayList<>();
        addFlattened(operands, and(), true);
        while (true) {
            skipWhitespace();
            if (!consume("||")) {
                break;
            }
            addFlattened(operands, and(), true);
        }
        return operands.size() == 1 ? operands.getFirst() : new SelectorNode.Or(List.copyOf(operands));
    }

    private SelectorNode and() {
        List<SelectorNode> operands = new ArrayList<>();
        addFlattened(operands, unary(), false);
        while (true) {
            skipWhitespace();
            if (!consume("&&")) {
                break;
            }
            addFlattened(operands, unary(), false);
        }
        return operands.size() == 1 ? operands.getFirst() : new SelectorNode.And(List.copyOf(operands));
    }

    // (a || b) || c and a || (b || c) mean the same: flattening makes them print and compare equal.
    private static void addFlattened(List<SelectorNode> operands, SelectorNode node, boolean or) {
        if (or && node instanceof SelectorNode.Or(List<SelectorNode> inner)) {
            operands.addAll(inner);
        } else if (!or && node instanceof SelectorNode.And(List<SelectorNode> inner)) {
            operands.addAll(inner);
        } else {
            operands.add(node);
        }
    }

    private SelectorNode unary() {
        skipWhitespace();
        if (atEnd()) {
            throw error("unexpected end of selector, expected an expression");
        }
        char c = text.charAt(pos);
        if (c == '!') {
            pos++;
            return new SelectorNode.Not(unary());
        }
        if (c == '(') {
            pos++;
            SelectorNode inner = or();
            skipWhitespace();
            if (!consume(")")) {
                throw error("unexpected " + describeHere() + ", expected ')'");
            }
            return inner;
        }
        if (lookingAtCall("all")) {
            emptyCall("all");
            return new SelectorNode.All();
        }
        if (lookingAtCall("global")) {
            emptyCall("global");
            return new SelectorNode.Global();
        }
        if (lookingAtCall("has")) {
            pos += "has(".length();
            skipWhitespace();
            String key = key();
            skipWhitespace();
            if (!consume(")")) {
                throw error("unexpected " + describeHere() + ", expected ')' to close has(" + key);
            }
            return new SelectorNode.Has(key);
        }
        String key = key();
        skipWhitespace();
        int opStart = pos;
        if (consume("==")) {
            return new SelectorNode.Equals(key, string());
        }
        if (consume("!=")) {
            return new SelectorNode.NotEquals(key, string());
        }
        if (consumeWord("contains")) {
            return new SelectorNode.Contains(key, string());
        }
        if (consumeWords("starts", "with") || consumeWord("startswith")) {
            return new SelectorNode.StartsWith(key, string());
        }
        if (consumeWords("ends", "with") || consumeWord("endswith")) {
            return new SelectorNode.EndsWith(key, string());
        }
        if (consumeWords("not", "in") || consumeWord("notin")) {
            return new SelectorNode.NotIn(key, set());
        }
        if (consumeWord("in")) {
            return new SelectorNode.In(key, set());
        }
        pos = opStart;
        throw error("unexpected " + describeHere() + " after label '" + key
                + "', expected an operator (==, !=, in, not in, contains, starts with, ends with)");
    }

    private boolean lookingAtCall(String name) {
        return text.startsWith(name + "(", pos);
    }

    private void emptyCall(String name) {
        pos += name.length() + 1;
        skipWhitespace();
        if (!consume(")")) {
            throw error("unexpected " + describeHere() + ", " + name + "() takes no arguments");
        }
    }

    private String key() {
        int start = pos;
        while (pos < text.length() && isKeyChar(text.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw error("unexpected " + describeHere() + ", expected a label key, '!', '(', has(), all() or global()");
        }
        if (pos - start > MAX_KEY_LENGTH) {
            pos = start;
            throw error("label key longer than " + MAX_KEY_LENGTH + " characters");
        }
        return text.substring(start, pos);
    }

    static boolean isKeyChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == '/' || c == '-';
    }

    private String string() {
        skipWhitespace();
        if (atEnd()) {
            throw error("unexpected end of selector, expected a quoted string");
        }
        char quote = text.charAt(pos);
        if (quote != '"' && quote != '\'') {
            throw error("unexpected " + describeHere() + ", expected a quoted string");
        }
        int close = text.indexOf(quote, pos + 1);
        if (close < 0) {
            throw error("unterminated string");
        }
        String value = text.substring(pos + 1, close);
        pos = close + 1;
        return value;
    }

    private SortedSet<String> set() {
        skipWhitespace();
        if (!consume("{")) {
            throw error("unexpected " + describeHere() + ", expected '{' to open a set of strings");
        }
        SortedSet<String> values = new TreeSet<>();
        skipWhitespace();
        if (consume("}")) {
            return values;
        }
        while (true) {
            values.add(string());
            skipWhitespace();
            if (consume("}")) {
                return values;
            }
            if (!consume(",")) {
                throw error("unexpected " + describeHere() + ", expected ',' or '}' in a set of strings");
            }
        }
    }

    private boolean consume(String token) {
        if (text.startsWith(token, pos)) {
            pos += token.length();
            return true;
        }
        return false;
    }

    /** A keyword must not run on into a label key: {@code inx} is not {@code in x}. */
    private boolean consumeWord(String word) {
        if (text.startsWith(word, pos)) {
            int end = pos + word.length();
            if (end >= text.length() || !isKeyChar(text.charAt(end))) {
                pos = end;
                return true;
            }
        }
        return false;
    }

    private boolean consumeWords(String first, String second) {
        int start = pos;
        if (text.startsWith(first, pos)) {
            pos += first.length();
            skipWhitespace();
            if (consumeWord(second)) {
                return true;
            }
        }
        pos = start;
        return false;
    }

    private void skipWhitespace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private String describeHere() {
        if (atEnd()) {
            return "end of selector";
        }
        return "'" + text.charAt(pos) + "'";
    }

    private SelectorParseException error(String problem) {
        return new SelectorParseException(text, pos, problem);
    }
}
