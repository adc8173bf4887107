package ocelot.control.policy;

/** Relative to the endpoint: ingress is traffic to it, egress traffic from it. */
public enum Direction {
    INGRESS,
    EGRESS
}
