package ocelot.control.metrics;

import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import ocelot.bgp.session.UpdateErrors;
import ocelot.bgp.speaker.PeerStatus;

/** BGP sessions by state, prefixes, updates and UPDATE errors per peer, and the size of the learned-route FIB (the dataplane driver reports what it published). */
public final class BgpMetrics implements MetricsSource {
    private final Supplier<List<PeerStatus>> peers;
    private final Supplier<Map<InetAddress, UpdateErrors>> updateErrors;
    private final IntSupplier fibSize;

    /** @param updateErrors per peer, its RFC 7606 UPDATE error counts ({@code BgpNodeAgent::updateErrors}) */
    public BgpMetrics(Supplier<List<PeerStatus>> peers, Supplier<Map<InetAddress, UpdateErrors>> updateErrors, IntSupplier fibSize) {
        this.peers = peers;
        this.updateErrors = updateErrors;
        this.fibSize = fibSize;
    }

    @Override
    public void writeTo(PrometheusText text) {
        List<PeerStatus> list = peers.get();
        Map<String, Integer> byState = new TreeMap<>();
        for (String s : List.of("Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established")) byState.put(s, 0);
        for (PeerStatus p : list) byState.merge(p.state(), 1, Integer::sum);
        text.family("ocelot_bgp_sessions", "gauge", "BGP sessions by FSM state.");
        byState.forEach((state, n) -> text.sample("ocelot_bgp_sessions", n, "state", state));
        text.family("ocelot_bgp_peer_prefixes_received", "gauge", "Prefixes accepted from the peer.");
        for (PeerStatus p : list) text.sample("ocelot_bgp_peer_prefixes_received", p.prefixesReceived(), "peer", p.peerAddress(), "type", p.peerType());
        text.family("ocelot_bgp_peer_updates_received_total", "counter", "UPDATE messages received from the peer.");
        for (PeerStatus p : list) text.sample("ocelot_bgp_peer_updates_received_total", p.updatesReceived(), "peer", p.peerAddress(), "type", p.peerType());
        text.family("ocelot_bgp_update_errors_total", "counter",
                "Malformed UPDATEs from the peer by RFC 7606 action (the strongest one per UPDATE; counts survive session resets).");
        for (var e : sortedByAddress(updateErrors.get()).entrySet()) {
            String peer = e.getKey().getHostAddress();
            UpdateErrors u = e.getValue();
            text.sample("ocelot_bgp_update_errors_total", u.treatAsWithdraws(), "peer", peer, "action", "treat-as-withdraw");
            text.sample("ocelot_bgp_update_errors_total", u.attributeDiscards(), "peer", peer, "action", "attribute-discard");
            text.sample("ocelot_bgp_update_errors_total", u.sessionResets(), "peer", peer, "action", "session-reset");
        }
        text.family("ocelot_bgp_bfd_session_up", "gauge", "1 while the peer's BFD session is Up, else 0 (peers with BFD only).");
        for (PeerStatus p : list) {
            if (!p.bfd().isEmpty()) text.sample("ocelot_bgp_bfd_session_up", p.bfd().equals("up") ? 1 : 0, "peer", p.peerAddress(), "state", p.bfd());
        }
        text.family("ocelot_bgp_bfd_downs_total", "counter",
                "The peer's BFD session went from Up to Down (path failure: BGP session reset, its next hop unreachable).");
        for (PeerStatus p : list) {
            if (!p.bfd().isEmpty()) text.sample("ocelot_bgp_bfd_downs_total", p.bfdDowns(), "peer", p.peerAddress());
        }
        text.single("ocelot_bgp_fib_routes", "gauge", "Routes learned over BGP in the node's FIB (best paths).", fibSize.getAsInt());
    }

    private static Map<InetAddress, UpdateErrors> sortedByAddress(Map<InetAddress, UpdateErrors> m) {
        Map<InetAddress, UpdateErrors> out = new TreeMap<>(Comparator.comparing(InetAddress::getHostAddress));
        out.putAll(m);
        return out;
    }
}
