package ocelot.bgp.session;

import ocelot.bgp.wire.BgpMessage;

/** What a session tells the layer above (the RIB): up, routes, down. Called on the session's event loop. */
public interface SessionListener {
    void established(Session session);

    void update(Session session, BgpMessage.Update update);

    void routeRefresh(Session session, BgpMessage.RouteRefresh refresh);

    /** The session left Established; {@code graceful} when RFC 4724 says keep its routes as stale. */
    void down(Session session, String reason, boolean graceful);

    /** A batch of reads ended: a good moment to flush outbound updates. */
    default void readComplete(Session session) {
    }
}
