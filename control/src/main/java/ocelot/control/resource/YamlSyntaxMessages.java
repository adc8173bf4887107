package ocelot.control.resource;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * SnakeYAML's and Jackson's syntax errors in plain words, placed where the user must look:
 * {@code SOURCE: line L, column C: message} (1-based). A quoted string that is never closed is
 * placed at its opening quote, not at the end of the file where the parser noticed.
 */
final class YamlSyntaxMessages {
    private YamlSyntaxMessages() {
    }

    static ResourceException at(String source, int line, int column, String problem) {
        return new ResourceException(source, 0, null, "line " + line + ", column " + column + ": " + problem);
    }

    static ResourceException yaml(String source, String text, YAMLException e) {
        if (e instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            return marked(source, text, m);
        }
        if (e instanceof ReaderException r) {
            int[] lc = lineColumn(text, r.getPosition());
            return at(source, lc[0], lc[1], "character U+" + String.format("%04X", r.getCodePoint())
                    + " is not allowed in YAML (a control character?)");
        }
        String msg = firstLine(e.getMessage());
        if (msg.startsWith("Nesting Depth exceeded")) {
            return new ResourceException(source, 0, null, "lists and mappings are nested too deeply (" + msg + ")");
        }
        if (msg.contains("exceeds the limit")) {
            return new ResourceException(source, 0, null, "the file is too large to read (" + msg + ")");
        }
        return new ResourceException(source, 0, null, "invalid YAML: " + msg);
    }

    private static ResourceException marked(String source, String text, MarkedYAMLException e) {
        Mark at = e.getProblemMark();
        Mark context = e.getContextMark();
        String problem = e.getProblem() == null ? "" : e.getProblem();
        String ctx = e.getContext() == null ? "" : e.getContext();
        String message;
        if (problem.startsWith("found character '\\t(TAB)'")) {
            message = "a tab character: YAML indents (and separates a value from its key) with spaces only; "
                    + "replace the tab with spaces";
        } else if (problem.startsWith("found character '") && problem.contains("that cannot start any token")) {
            String ch = problem.substring("found character '".length(), problem.indexOf("' that"));
            message = "'" + ch + "' cannot start a value in YAML: put the value in quotes";
        } else if (ctx.contains("quoted scalar") && context != null
                && (problem.contains("end of stream") || problem.contains("document separator"))) {
            at = context;
            char quote = charAt(text, context.getIndex(), '"');
            message = "this quoted string is never closed (no " + quote + " after it"
                    + (problem.contains("document separator") ? " before the next '---')" : " before the end of the file)");
        } else if (problem.startsWith("found unknown escape character")) {
            message = "unknown escape sequence in a double-quoted string: write \\\\ for a backslash, "
                    + "or put the value in single quotes";
        } else if (problem.equals("mapping values are not allowed here")) {
            message = "a ':' that starts a 'key: value' cannot be here: check this line's indentation, "
                    + "or quote a value that contains ': '";
        } else if (problem.equals("could not find expected ':'")) {
            at = context != null ? context : at;
            message = "this line has no ':' (expected 'key: value' like the lines around it)";
        } else if (problem.startsWith("expected <block end>, but found '<scalar>'")) {
            message = "more text after a complete value (a quoted string or a list ends it): quote the whole value";
        } else if (problem.startsWith("expected <block end>, but found ']'") || problem.startsWith("expected <block end>, but found '}'")) {
            message = "a '" + problem.charAt(problem.length() - 2) + "' that closes nothing opened before it";
        } else if (problem.startsWith("expected <block end>") && ctx.contains("block mapping")) {
            message = "this line does not line up with the mapping that starts at " + where(context)
                    + ": the keys of one mapping start in the same column";
        } else if (problem.startsWith("expected <block end>") && ctx.contains("block collection")) {
            message = "this line does not line up with the list that starts at " + where(context)
                    + ": the items ('- ') of one list start in the same column";
        } else if (ctx.contains("flow sequence")) {
            message = "the list opened with '[' at " + where(context) + " needs a ',' between items and a closing ']'";
        } else if (ctx.contains("flow mapping")) {
            message = "the mapping opened with '{' at " + where(context) + " needs a ',' between entries and a closing '}'";
        } else if (problem.equals("expected the node content, but found '<stream end>'")) {
            message = "the file ends where a value was expected: is a '[' or '{' above not closed?";
        } else if (problem.startsWith("expected the node content, but found ")) {
            message = "a value is missing here (found " + problem.substring("expected the node content, but found ".length()) + ")";
        } else if (problem.startsWith("found undefined alias ")) {
            String name = problem.substring("found undefined alias ".length());
            message = "*" + name + " refers to no anchor: write &" + name + " on a value before it in the same document";
        } else {
            message = (ctx.isEmpty() ? "" : ctx + (context != null ? " (from " + where(context) + ")" : "") + ": ") + problem;
        }
        return at(source, at.getLine() + 1, at.getColumn() + 1, message);
    }

    static ResourceException json(String source, JsonProcessingException e) {
        var loc = e.getLocation();
        String msg = firstLine(e.getOriginalMessage());
        int cut = msg.indexOf(" (start marker at");
        if (cut >= 0) msg = msg.substring(0, cut);
        if (msg.startsWith("Duplicate field ")) msg = "duplicate key " + msg.substring("Duplicate field ".length());
        if (loc == null) return new ResourceException(source, 0, null, "invalid JSON: " + msg);
        return at(source, loc.getLineNr(), loc.getColumnNr(), "invalid JSON: " + msg);
    }

    private static String where(Mark m) {
        return m == null ? "above" : "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
    }

    private static char charAt(String text, int codePointIndex, char otherwise) {
        int i = codePointIndex < 0 ? -1 : text.offsetByCodePoints(0, Math.min(codePointIndex, text.codePointCount(0, text.length())));
        return i >= 0 && i < text.length() ? text.charAt(i) : otherwise;
    }

    private static int[] lineColumn(String text, int codePointIndex) {
        int line = 1;
        int column = 1;
        int seen = 0;
        for (int i = 0; i < text.length() && seen < codePointIndex; i = text.offsetByCodePoints(i, 1), seen++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("").strip();
    }
}
