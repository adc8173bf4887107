package ocelot.acl;

/** What a matching rule tells the dataplane to do; the classifier itself only reports which rule matched. */
public enum Action {
    ALLOW,
    DENY,
    /** Calico's {@code pass}: skip the rest of this tier and go to the next. */
    PASS,
    /** Calico's {@code log}: record, then continue with the next rule. */
    LOG
}
