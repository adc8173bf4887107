package ocelot.control.policy;

/** Identity of a workload or host endpoint: kind, node and name. */
public record EndpointKey(Kind kind, String node, String name) implements Comparable<EndpointKey> {
    public enum Kind { WORKLOAD, HOST }

    public EndpointKey {
        if (kind == null || node == null || node.isEmpty() || name == null || name.isEmpty()) {
            throw new IllegalArgumentException("endpoint key needs a kind, node and name: " + kind + "/" + node + "/" + name);
        }
    }

    public static EndpointKey workload(String node, String name) {
        return new EndpointKey(Kind.WORKLOAD, node, name);
    }

    public static EndpointKey host(String node, String name) {
        return new EndpointKey(Kind.HOST, node, name);
    }

    // Explicit, for the same reason as IpAddress's: the graph's indexes hash keys per match.
    @Override
    public boolean equals(Object o) {
        return o instanceof EndpointKey k && kind == k.kind && name.equals(k.name) && node.equals(k.node);
    }

    @Override
    public int hashCode() {
        return (kind.ordinal() * 31 + node.hashCode()) * 31 + name.hashCode();
    }

    @Override
    public int compareTo(EndpointKey o) {
        int c = kind.compareTo(o.kind);
        if (c == 0) {
            c = node.compareTo(o.node);
        }
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + node + "/" + name;
    }
}
