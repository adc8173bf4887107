package ocelot.lab.topology;

/** A topology file that cannot be used; the message names the file and the field. */
public final class TopologyException extends RuntimeException {
    public TopologyException(String message) {
        super(message);
    }
}
