package ocelot.fastpath.worker;

import java.util.List;

import ocelot.fastpath.neighbour.NeighbourTable;
import ocelot.fastpath.port.Port;
import ocelot.fastpath.state.DataplaneState;
import ocelot.fastpath.state.ForwardingSnapshot;
import ocelot.fastpath.state.Neighbour;

/**
 * The one door from the control plane into the dataplane (Aeron's {@code SenderProxy}): it
 * compiles a {@link DataplaneState} into a {@link ForwardingSnapshot} on the caller's thread
 * and publishes it with a single volatile store. Workers load the reference once per burst
 * and never block; a state that fails validation throws and the snapshot in use stays.
 * Nothing else crosses from control threads to workers.
 */
public final class FastpathControl {
    private final List<? extends Port> ports;
    private final NeighbourTable neighbours;
    private volatile ForwardingSnapshot current;
    private long generation;

    FastpathControl(List<? extends Port> ports, NeighbourTable neighbours) {
        this.ports = ports;
        this.neighbours = neighbours;
    }

    /** Validates, compiles and publishes; returns the new generation. Thread-safe for several control threads. */
    public synchronized long publish(DataplaneState state) {
        ForwardingSnapshot next = ForwardingSnapshot.compile(generation + 1, state, ports);
        for (Neighbour n : state.neighbours()) {
            int port = portIndex(n.port());
            if (!neighbours.put(n.address(), n.mac(), port)) {
                throw new IllegalStateException("neighbour table full adding " + ocelot.fastpath.packet.Ipv4.format(n.address()));
            }
        }
        if (state.ipv6() != null) {
            for (ocelot.fastpath.state.Neighbour6 n : state.ipv6().neighbours()) {
                if (!neighbours.put6(n.address().hi(), n.address().lo(), n.mac(), portIndex(n.port()))) {
                    throw new IllegalStateException("neighbour table full adding " + n.address());
                }
            }
        }
        generation++;
        current = next; // volatile store: publishes the fully built snapshot to every worker
        return generation;
    }

    private int portIndex(String name) {
        for (int p = 0; p < ports.size(); p++) if (ports.get(p).name().equals(name)) return p;
        throw new IllegalArgumentException("no port named " + name);
    }

    /** The snapshot in force (volatile load), or null before the first publish. */
    public ForwardingSnapshot current() { return current; }
}
