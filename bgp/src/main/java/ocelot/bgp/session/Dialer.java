package ocelot.bgp.session;

/**
 * Opens the TCP connection a session asks for and reports back through {@link Session#connected}
 * or {@link Session#connectFailed}. The speaker implements it with a Netty bootstrap.
 */
public interface Dialer {
    void dial(Session session);
}
