package ocelot.fastpath.state;

/** Whether a next hop sends through a given port (for refusing the removal of a port in use). */
final class PortUse {
    private PortUse() {}

    static boolean uses(NextHop hop, String port) {
        return switch (hop) {
            case NextHop.Via v -> v.port().equals(port);
            case NextHop.Via6 v -> v.port().equals(port);
            case NextHop.Ecmp e -> e.members().stream().anyMatch(m -> m.port().equals(port));
            case NextHop.Ecmp6 e -> e.members().stream().anyMatch(m -> m.port().equals(port));
            case NextHop.ToEndpoint te -> false; // the endpoint names the port, and is checked itself
            case NextHop.ToHost th -> false;
            case NextHop.Blackhole bh -> false;
        };
    }
}
