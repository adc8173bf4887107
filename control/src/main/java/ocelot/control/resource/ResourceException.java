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
        if (path != null && !path.isEmpty()) b.append(path).append(": ");
        return b.append(problem.replace('\n', ' ')).toString();
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
