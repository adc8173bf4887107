package ocelot.control.policy;

/** Calico rule actions. */
public enum Action {
    /** Accept the packet; no later rule, policy or profile is consulted. */
    ALLOW,
    /** Drop the packet. */
    DENY,
    /** Record a match and continue with the next rule (Calico's {@code log}). */
    LOG,
    /** Skip the endpoint's remaining policies and go to its profiles (v1 has a single tier). */
    PASS
}
