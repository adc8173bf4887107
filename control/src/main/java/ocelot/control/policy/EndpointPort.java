package ocelot.control.policy;

/** A named port an endpoint declares ({@code ports: [{name: http, protocol: tcp, port: 8080}]}). */
public record EndpointPort(String name, Protocol protocol, int port) {
    public EndpointPort {
        new PortSpec.Named(name);
        if (!protocol.hasPorts()) {
            throw new IllegalArgumentException("named port '" + name + "': protocol " + protocol + " has no ports");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("named port '" + name + "': port " + port + " is not in 1..65535");
        }
    }
}
