package ocelot.acl;

/**
 * A rule (or one field of it) that cannot be compiled. The message names the rule (its user id,
 * and its position in a list or file when known) and the field, e.g.
 * {@code rule 12 (userId 7): dstPorts: low port 90 > high port 80}.
 */
public final class InvalidRuleException extends IllegalArgumentException {
    private final String field;

    public InvalidRuleException(String where, String field, String problem) {
        super(where + ": " + field + ": " + problem);
        this.field = field;
    }

    /** The rule field at fault: {@code src}, {@code dstPorts}, {@code protocol}, ... */
    public String field() {
        return field;
    }
}
