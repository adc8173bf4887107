package ocelot.control.policy;

public enum Verdict {
    ALLOW,
    DENY
}
