package ocelot.control.ipam;

/** An IPAM request cannot be met (pool exhausted, address not assigned, bad handle...). */
public final class IpamException extends RuntimeException {
    public IpamException(String message) {
        super(message);
    }
}
