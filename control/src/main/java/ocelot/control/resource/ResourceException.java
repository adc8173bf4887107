package ocelot.control.resource;

/**
 * A resource document is wrong. The message is one line naming where (file or datastore key,
 * 1-based document index, field path) and what is wrong, e.g.
 * {@code pools.yaml: document 2: spec.ipip.mode: must be always or cross-subnet, got 'sometimes'}.
 */
public final class ResourceException extends RuntimeException {
    private final String source;
    private final int document;
    private final String path;
    private final String problem;

    public ResourceException(String source, int document, String path, String problem) {
        super(format(source, document, path, problem));
        this.source = source;
        this.document = document;
        this.path = path;
        this.problem = problem;
    }

    private static String format(String source, int document, String path, String problem) {
        StringBuilder b = new StringBuilder();
        if (source != null) b.append(source).append(": ");
        if (document > 0) b.append("document ").append(document).append(": ");
        // The path holds the document's own keys: a key with a line break (found by ResourceCodecFuzzTest)
        // must not break the one-line message, so control characters are escaped there.
        if (path != null && !path.isEmpty()) b.append(escaped(path)).append(": ");
        return b.append(problem.replace('\n', ' ').replace('\r', ' ')).toString();
    }

    private static String escaped(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }

    public String source() {
        return source;
    }

    public int document() {
        return document;
    }

    public String path() {
        return path;
    }

    public String problem() {
        return problem;
    }
}
