package ocelot.acl;

/**
 * One IP set condition of a {@link Rule}: the header's source (or destination) address must be
 * in set {@code setId} of the classifier's {@link IpSetTable}, or, {@code negated}, must not.
 * A rule's conditions all hold together (AND), as Calico's {@code selector} and
 * {@code notSelector} on one side do.
 */
public record SetMatch(int setId, boolean negated) {
    static final int DST = 2;
    static final int NEGATED = 1;

    public SetMatch {
        if (setId < 0 || setId >= IpSetTable.MAX_SETS) {
            throw new IllegalArgumentException("IP set id " + setId + " is outside 0.." + (IpSetTable.MAX_SETS - 1));
        }
    }

    public static SetMatch in(int setId) {
        return new SetMatch(setId, false);
    }

    public static SetMatch notIn(int setId) {
        return new SetMatch(setId, true);
    }

    /** One int for the classifiers: setId in the top 30 bits, then the side, then negation. */
    int encode(boolean destination) {
        return setId << 2 | (destination ? DST : 0) | (negated ? NEGATED : 0);
    }
}
