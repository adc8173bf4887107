package ocelot.lab.fabric;

/** A lab step that could not be done; the message says what and where. */
public final class LabException extends RuntimeException {
    public LabException(String message) {
        super(message);
    }
}
