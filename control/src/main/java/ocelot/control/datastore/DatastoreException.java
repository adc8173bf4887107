package ocelot.control.datastore;

/** A datastore operation failed; the message says which store and why, in one line. */
public class DatastoreException extends RuntimeException {
    public DatastoreException(String message) {
        super(message);
    }

    public DatastoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
