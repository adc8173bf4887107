package ocelot.bgp.rib;

import ocelot.bgp.wire.AddressFamily;
import ocelot.bgp.wire.ExtendedCommunity;
import ocelot.bgp.wire.PathAttributes;

import java.net.InetAddress;

/**
 * The outbound rules of RFC 4271 §9.2 and §5.1, RFC 4456 §6 and §8: which best paths go to which
 * kind of peer, and how their attributes change on the way out. The result depends only on the
 * path and the {@link UpdateGroup.Key}, which is what lets a group encode once for all members.
 */
final class RouteExport {
    private final RibConfig config;

    RouteExport(RibConfig config) {
        this.config = config;
    }

    /** RFC 4271 §9.1.2 / RFC 4456 loop prevention on import; returns why the path is refused, or null. */
    String importRefusal(RibPeer from, PathAttributes a) {
        if (!from.internal && a.asPath() != null && a.asPath().contains(config.localAs())) {
            return "AS_PATH contains our AS " + config.localAs();
        }
        if (from.internal && a.originatorId() == Integer.toUnsignedLong(config.routerId())) {
            return "ORIGINATOR_ID is our router id (RFC 4456 §8)";
        }
        if (from.internal && config.routeReflector() && a.clusterListContains(config.clusterId())) {
            return "CLUSTER_LIST contains our cluster id (RFC 4456 §8)";
        }
        return null;
    }

    /** The attributes to send to {@code group} for {@code best}, or null when it must not be sent. */
    PathAttributes export(AddressFamily family, Path best, UpdateGroup.Key group) {
        RibPeer src = best.source;
        PathAttributes a = best.attributes;
        PathAttributes.Builder b = a.toBuilder();
        boolean v4 = family == AddressFamily.IPV4_UNICAST;
        if (group.internal()) {
            if (!src.isLocal() && src.internal) {
                // RFC 4271 §9.2: iBGP-learned routes are not re-advertised to iBGP peers, except
                // by a reflector (RFC 4456 §6): client routes to all, non-client routes to clients.
                if (!config.routeReflector()) return null;
                if (!src.routeReflectorClient && !group.routeReflectorClient()) return null;
                if (a.originatorId() < 0) b.originatorId(Integer.toUnsignedLong(src.routerId));
                b.prependCluster(config.clusterId());
            }
            if (a.localPref() < 0) b.localPref(100);
            if (src.isLocal()) {
                setNextHop(b, v4, v4 ? config.localNextHopV4() : config.localNextHopV6(), group);
            } else if (!src.internal && group.nextHopSelf()) {
                setNextHop(b, v4, group.localAddress(), group);
            }
            if (src.isLocal() && a.asPath() == null) b.asPath(ocelot.bgp.wire.AsPath.EMPTY);
        } else {
            // RFC 4271 §5.1.5, RFC 4456 §8: LOCAL_PREF, ORIGINATOR_ID and CLUSTER_LIST stay inside the AS;
            // §5.1.4: a MED learned from another AS is not passed on.
            b.localPref(-1).originatorId(-1).clusterList((int[]) null);
            if (!src.isLocal()) b.med(-1);
            // RFC 5065 §6.1: no confederation segments outside (this speaker is in no confederation).
            b.asPath((a.asPath() == null ? ocelot.bgp.wire.AsPath.EMPTY : a.asPath().withoutConfederationSegments()).prepend(config.localAs()));
            // RFC 4360 §6, RFC 5701 §2: non-transitive extended communities stay inside the AS.
            if (a.hasExtendedCommunities()) {
                b.extendedCommunities(ExtendedCommunity.transitiveOnly(a.extendedCommunities()));
                b.ipv6ExtendedCommunities(ExtendedCommunity.transitiveOnlyIpv6(a.ipv6ExtendedCommunities()));
            }
            setNextHop(b, v4, group.localAddress(), group);
        }
        if (a.origin() < 0) b.origin(PathAttributes.ORIGIN_IGP);
        // RFC 4760 §3: an IPv6-only UPDATE SHOULD NOT carry NEXT_HOP; IPv4 NLRI use NEXT_HOP.
        if (v4) b.mpNextHop(null);
        else b.nextHop(null);
        PathAttributes out = b.build();
        // RFC 2545 §3: an IPv6 route needs an IPv6 next hop; with none to give it is not sent
        // (sending MP_REACH_NLRI without one failed the encoder and reset the session).
        return !v4 && out.mpNextHop() == null ? null : out;
    }

    private void setNextHop(PathAttributes.Builder b, boolean v4, InetAddress nh, UpdateGroup.Key group) {
        if (nh == null) return;
        if (v4 && nh.getAddress().length == 4) {
            b.nextHop(nh);
        } else if (!v4 && nh.getAddress().length == 16) {
            b.mpNextHop(nh);
        } else if (!v4) {
            // IPv6 over an IPv4 session (eBGP, next-hop-self): our own IPv6 address, the node's when the
            // session has none, never the previous hop's, which the peer may not reach (RFC 4271 §5.1.3).
            b.mpNextHop(group.localAddressV6() != null ? group.localAddressV6() : config.localNextHopV6());
        }
    }
}
