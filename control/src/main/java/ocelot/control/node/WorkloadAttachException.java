package ocelot.control.node;

/** A workload attach or detach the node refused or could not be asked about; the message says why. */
public final class WorkloadAttachException extends Exception {
    public WorkloadAttachException(String message) {
        super(message);
    }
}
