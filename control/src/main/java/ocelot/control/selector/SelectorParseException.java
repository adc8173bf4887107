package ocelot.control.selector;

/**
 * A selector that does not parse. {@link #position()} is the 0-based character offset in the
 * selector text where the parser gave up; the message names it and what was expected there.
 */
public final class SelectorParseException extends IllegalArgumentException {
    private final String selector;
    private final int position;

    SelectorParseException(String selector, int position, String problem) {
        super("selector " + quote(selector) + ": " + problem + " at position " + position
                + pointer(selector, position));
        this.selector = selector;
        this.position = position;
    }

    /** The text that failed to parse. */
    public String selector() {
        return selector;
    }

    /** 0-based offset into {@link #selector()} of the offending character (length = at the end). */
    public int position() {
        return position;
    }

    private static String quote(String s) {
        return "'" + s + "'";
    }

    // A caret under the offending column, as compilers print it; only for one-line selectors.
    private static String pointer(String selector, int position) {
        if (selector.indexOf('\n') >= 0 || selector.length() > 200) {
            return "";
        }
        return "\n  " + selector + "\n  " + " ".repeat(position) + "^";
    }
}
