package ocelot.control.policy;

import java.util.List;
import ocelot.control.selector.Selector;

/**
 * A rule's {@code source} or {@code destination}. Every field that is set must match (AND);
 * within a list any entry matches (OR); the {@code not*} fields exclude. {@code selector} and
 * {@code notSelector} stand for the addresses of the endpoints they select. A named port in
 * {@code ports} matches (address, protocol, port) of endpoints that declare it and match
 * {@code selector} (every endpoint when there is none), as Felix's named-port IP sets do.
 *
 * @param selector    null when absent
 * @param notSelector null when absent
 */
public record EntityMatch(List<Cidr> nets, List<Cidr> notNets, Selector selector, Selector notSelector,
                          List<PortSpec> ports, List<PortSpec> notPorts) {
    public static final EntityMatch ANY = new EntityMatch(List.of(), List.of(), null, null, List.of(), List.of());

    public EntityMatch {
        nets = List.copyOf(nets);
        notNets = List.copyOf(notNets);
        ports = List.copyOf(ports);
        notPorts = List.copyOf(notPorts);
    }

    public boolean hasPorts() {
        return !ports.isEmpty() || !notPorts.isEmpty();
    }

    /** The selector a named port in {@code ports}/{@code notPorts} resolves against. */
    public Selector namedPortSelector() {
        return selector == null ? Selector.all() : selector;
    }
}
